"""What happens when Amazon stops honouring a store's authorization."""

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from minthub_api.audit.models import AuditEvent
from minthub_api.stores.models import Store, StoreCredential
from tests.conftest import OwnerDb, connect_store


async def test_seller_revocation_is_detected_and_shreds_the_token(
    owner_db: OwnerDb, app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    spid = store["selling_partner_id"]
    assert (await user_client.get(f"/api/v1/stores/{store['id']}/orders")).status_code == 200
    # The seller removes the app in Seller Central: refresh and access tokens stop working.
    assert (await sim_http.post(f"/_sim/sellers/{spid}/revoke")).status_code < 300
    r = await user_client.get(f"/api/v1/stores/{store['id']}/orders?days=2")
    assert r.status_code == 409 and r.json()["code"] == "store_revoked"
    again = await user_client.get(f"/api/v1/stores/{store['id']}/orders")
    assert again.status_code == 409 and again.json()["code"] == "store_revoked"
    # Snapshots stay readable; nothing is queued for a revoked store: its datasets are stopped.
    inventory = await user_client.get(f"/api/v1/stores/{store['id']}/inventory")
    assert inventory.status_code == 200
    assert inventory.json()["sync"][0]["state"] == "stopped"
    sync = await user_client.post(f"/api/v1/stores/{store['id']}/sync")
    assert sync.status_code == 409 and sync.json()["code"] == "store_revoked"
    async with owner_db() as session:
        row = await session.get(Store, store["id"])
        assert row is not None and row.status == "revoked" and row.revoked_at is not None
        assert await session.get(StoreCredential, store["id"]) is None
        actions = (
            await session.scalars(
                select(AuditEvent.action).where(AuditEvent.store_id == store["id"])
            )
        ).all()
    assert actions.count("store_revoked") == 1
    shown = (await user_client.get(f"/api/v1/stores/{store['id']}")).json()
    assert shown["status"] == "revoked"


async def test_expired_access_token_is_refreshed_not_revoked(
    user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    fault = {
        "operation": "searchOrders",
        "kind": "expired_token",
        "count": 1,
        "selling_partner_id": store["selling_partner_id"],
    }
    assert (await sim_http.post("/_sim/faults", json=fault)).status_code < 300
    r = await user_client.get(f"/api/v1/stores/{store['id']}/orders")
    assert r.status_code == 200, r.text
    assert (await user_client.get(f"/api/v1/stores/{store['id']}")).json()["status"] == "connected"


async def test_amazon_outage_is_a_502_problem_and_keeps_the_audit_trail(
    owner_db: OwnerDb, app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    fault = {
        "operation": "searchOrders",
        "kind": "status",
        "status": 500,
        "count": 50,
        "selling_partner_id": store["selling_partner_id"],
    }
    assert (await sim_http.post("/_sim/faults", json=fault)).status_code < 300
    try:
        r = await user_client.get(f"/api/v1/stores/{store['id']}/orders")
    finally:
        await sim_http.delete("/_sim/faults")
    assert r.status_code == 502 and r.json()["code"] == "amazon_unavailable"
    async with owner_db() as session:
        failed = (
            await session.scalars(
                select(AuditEvent.status_code).where(
                    AuditEvent.store_id == store["id"],
                    AuditEvent.operation == "searchOrders",
                )
            )
        ).all()
    assert failed and all(code == 500 for code in failed)
    assert len(failed) >= 2  # retried with backoff before giving up
