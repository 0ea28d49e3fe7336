import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from minthub_api.audit.models import AuditEvent
from tests.conftest import OwnerDb, RunningSimulator, connect_store


async def test_lists_all_inventory_across_pages(
    owner_db: OwnerDb,
    app: FastAPI,
    user_client: httpx.AsyncClient,
    sim_http: httpx.AsyncClient,
    simulator: RunningSimulator,
) -> None:
    store = await connect_store(user_client, sim_http)
    url = f"/api/v1/stores/{store['id']}/inventory"
    rows: list[dict[str, object]] = []
    cursor = None
    pages = 0
    while True:
        r = await user_client.get(url, params={"cursor": cursor} if cursor else None)
        assert r.status_code == 200, r.text
        body = r.json()
        rows.extend(body["items"])
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(rows) == simulator.config.skus_per_seller
    assert pages > 1
    assert len({r["sku"] for r in rows}) == len(rows)
    first = rows[0]
    for field in (
        "sku",
        "asin",
        "fnsku",
        "product_name",
        "condition",
        "fulfillable",
        "inbound_working",
        "inbound_shipped",
        "inbound_receiving",
        "reserved",
        "unfulfillable",
        "total",
        "last_updated",
        "marketplace_id",
    ):
        assert field in first
    assert any(not str(r["product_name"]).isascii() for r in rows)
    async with owner_db() as session:
        calls = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.store_id == store["id"], AuditEvent.operation == "getInventorySummaries"
            )
        )
        reads = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.store_id == store["id"], AuditEvent.action == "store_data_read")
        )
    assert calls == pages
    assert reads == pages


async def test_cursor_from_another_store_is_refused(
    user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    a = await connect_store(user_client, sim_http)
    b = await connect_store(user_client, sim_http)
    first = (await user_client.get(f"/api/v1/stores/{a['id']}/inventory")).json()
    r = await user_client.get(
        f"/api/v1/stores/{b['id']}/inventory", params={"cursor": first["next_cursor"]}
    )
    assert r.status_code == 400 and r.json()["code"] == "invalid_cursor"


async def test_garbage_cursor_is_a_clear_error(
    user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    r = await user_client.get(f"/api/v1/stores/{store['id']}/inventory?cursor=%%%")
    assert r.status_code == 400 and r.json()["code"] == "invalid_cursor"


async def test_marketplace_outside_the_store(
    user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    r = await user_client.get(
        f"/api/v1/stores/{store['id']}/inventory?marketplace_id=A1VC38T7YXB528"
    )
    assert r.status_code == 422 and r.json()["code"] == "marketplace_not_in_store"
