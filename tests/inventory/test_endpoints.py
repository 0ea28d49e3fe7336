"""GET .../inventory from snapshots: contract fields, filters, sort, totals, CSV, staleness."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select, text, update

from minthub_api.audit.models import AuditEvent
from minthub_api.sync.models import SyncDataset
from tests.conftest import OwnerDb, RunningSimulator, connect_store
from tests.support.sync import sim_data, sync

CONTRACT = (
    "sku",
    "asin",
    "fnsku",
    "product_name",
    "condition",
    "marketplace_id",
    "fulfillable",
    "inbound_working",
    "inbound_shipped",
    "inbound_receiving",
    "reserved",
    "unfulfillable",
    "researching",
    "total",
    "last_updated",
)


async def queued_jobs(owner_db: OwnerDb, store_id: object) -> int:
    """Jobs waiting in procrastinate's queue for this store."""
    async with owner_db() as conn:
        value = await conn.scalar(
            text(
                "SELECT count(*) FROM procrastinate.procrastinate_jobs"
                " WHERE args->>'store_id' = :sid AND status = 'todo'"
            ),
            {"sid": str(uuid.UUID(str(store_id)))},
        )
    return int(value or 0)


class TestListInventory:
    async def test_pages_filters_sort_totals(
        self,
        app: FastAPI,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
        simulator: RunningSimulator,
    ) -> None:
        store = await connect_store(user_client, sim_http)
        await sync(app, store["id"])
        url = f"/api/v1/stores/{store['id']}/inventory"
        rows: list[dict[str, object]] = []
        cursor = None
        while True:
            params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            r = await user_client.get(url, params=params)
            assert r.status_code == 200, r.text
            body = r.json()
            rows.extend(body["items"])
            cursor = body["next_cursor"]
            if not cursor:
                break
        mps = list(store["marketplace_ids"])  # type: ignore[call-overload]
        assert len(rows) == simulator.config.skus_per_seller * len(mps)
        assert all(field in rows[0] for field in CONTRACT)
        assert body["stale"] is False
        assert body["sync"][0]["dataset"] == "inventory"
        assert body["sync"][0]["state"] == "succeeded"
        data = sim_data(simulator, str(store["selling_partner_id"]))
        us = data.inventory(simulator.config.seed, str(store["selling_partner_id"]), mps[0])
        expected_fulfillable = sum(r["details"]["fulfillableQuantity"] for r in us)

        r = await user_client.get(url, params={"marketplace_id": mps[0], "sort": "-fulfillable"})
        page = r.json()
        assert page["totals"]["skus"] == len(us)
        assert page["totals"]["fulfillable"] == expected_fulfillable
        values = [i["fulfillable"] for i in page["items"]]
        assert values == sorted(values, reverse=True)

        r = await user_client.get(url, params={"marketplace_id": mps[0], "stock": "out_of_stock"})
        zero = [x for x in us if x["details"]["fulfillableQuantity"] == 0]
        assert r.json()["totals"]["skus"] == len(zero) > 0
        r = await user_client.get(url, params={"q": "TEA/INF", "marketplace_id": mps[0]})
        assert [i["sku"] for i in r.json()["items"]] == ["TEA/INFUSER-01"]
        r = await user_client.get(url, params={"q": "%", "marketplace_id": mps[0]})
        assert r.json()["items"] == []  # wildcards are literal

        csv = await user_client.get(url, params={"marketplace_id": mps[0], "format": "csv"})
        assert csv.headers["content-type"].startswith("text/csv")
        text = csv.content.decode("utf-8-sig")
        assert text.splitlines()[0].split(",")[: len(CONTRACT)] == list(CONTRACT)
        assert len(text.strip().splitlines()) == len(us) + 1
        assert "ステンレス製マグカップ" in text
        assert '"GIFT,SET-3PK"' in text  # quoted, not split

    async def test_never_synced_is_stale_and_queues_one_refresh(
        self,
        owner_db: OwnerDb,
        app: FastAPI,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        store = await connect_store(user_client, sim_http)  # SYNC_ON_CONNECT queued a job
        assert await queued_jobs(owner_db, store["id"]) == 1
        r = await user_client.get(f"/api/v1/stores/{store['id']}/inventory")
        body = r.json()
        assert body["items"] == [] and body["stale"] is True
        assert body["sync"][0]["state"] == "queued"
        assert await queued_jobs(owner_db, store["id"]) == 1  # already queued: no second job

    async def test_old_snapshot_is_stale_and_refreshed(
        self,
        owner_db: OwnerDb,
        app: FastAPI,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        store = await connect_store(user_client, sim_http)
        await sync(app, store["id"])
        url = f"/api/v1/stores/{store['id']}/inventory"
        assert (await user_client.get(url)).json()["stale"] is False
        window = app.state.settings.inventory_freshness_minutes
        async with owner_db() as session, session.begin():
            await session.execute(
                update(SyncDataset)
                .where(SyncDataset.store_id == uuid.UUID(str(store["id"])))
                .values(last_success_at=SyncDataset.last_success_at - timedelta(minutes=window + 1))
            )
        before = await queued_jobs(owner_db, store["id"])
        body = (await user_client.get(url)).json()
        assert body["stale"] is True and body["items"]  # what we have, flagged
        assert body["sync"][0]["state"] == "queued"
        assert await queued_jobs(owner_db, store["id"]) == before + 1
        async with owner_db() as session:
            reads = await session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(
                    AuditEvent.store_id == uuid.UUID(str(store["id"])),
                    AuditEvent.action == "store_data_read",
                )
            )
        assert reads == 2

    async def test_cursor_of_another_store_or_query_is_refused(
        self, app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        a = await connect_store(user_client, sim_http)
        b = await connect_store(user_client, sim_http)
        await sync(app, a["id"])
        first = (await user_client.get(f"/api/v1/stores/{a['id']}/inventory?limit=5")).json()
        r = await user_client.get(
            f"/api/v1/stores/{b['id']}/inventory", params={"cursor": first["next_cursor"]}
        )
        assert r.status_code == 400 and r.json()["code"] == "invalid_cursor"
        r = await user_client.get(f"/api/v1/stores/{a['id']}/inventory?cursor=%%%")
        assert r.status_code == 400 and r.json()["code"] == "invalid_cursor"

    async def test_marketplace_outside_the_store(
        self, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        store = await connect_store(user_client, sim_http)
        r = await user_client.get(
            f"/api/v1/stores/{store['id']}/inventory?marketplace_id=A1VC38T7YXB528"
        )
        assert r.status_code == 422 and r.json()["code"] == "marketplace_not_in_store"
