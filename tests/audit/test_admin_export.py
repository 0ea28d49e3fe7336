"""The cross-store audit export of workspace admins: every store's events, itself audited."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.conftest import connect_store, signed_in_client


async def test_admin_exports_every_stores_events_without_store_access(
    app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    async with signed_in_client(app, admin=True) as admin:
        page = (await admin.get("/api/v1/admin/audit-events?limit=500")).json()
        # Export is not access: the store's data routes stay closed to the admin.
        r = await admin.get(f"/api/v1/stores/{store['id']}/orders")
        assert r.status_code == 404 and r.json()["code"] == "store_not_found"
        again = (await admin.get("/api/v1/admin/audit-events?limit=5")).json()
    assert any(e["store_id"] == store["id"] for e in page["items"])
    assert again["items"][0]["action"] == "audit_exported"
    assert again["next_cursor"]
