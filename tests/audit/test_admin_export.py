"""Workspace admins review and export every store's events without gaining store access."""

from __future__ import annotations

import json

import httpx
from fastapi import FastAPI

from tests.conftest import connect_store, signed_in_client


async def test_admin_reviews_and_exports_every_stores_events_without_store_access(
    app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    store_id = str(store["id"])
    async with signed_in_client(app, admin=True) as admin:
        page = (await admin.get("/api/v1/audit-events", params={"limit": 500})).json()
        one = (await admin.get("/api/v1/audit-events", params={"store_id": store_id})).json()
        export = await admin.get(
            "/api/v1/audit-events/export", params={"store_id": store_id, "format": "jsonl"}
        )
        # Review is not access: the store's data routes stay closed to the admin.
        r = await admin.get(f"/api/v1/stores/{store['id']}/orders")
        assert r.status_code == 404 and r.json()["code"] == "store_not_found"
        latest = (await admin.get("/api/v1/audit-events", params={"limit": 5})).json()
    assert any(e["store_id"] == store["id"] for e in page["items"])
    assert one["items"] and all(e["store_id"] == store["id"] for e in one["items"])
    assert export.status_code == 200
    rows = [json.loads(line) for line in export.text.splitlines() if line]
    assert rows and all(row["store_id"] == store["id"] for row in rows)
    assert any(e["action"] == "audit_exported" for e in latest["items"])
