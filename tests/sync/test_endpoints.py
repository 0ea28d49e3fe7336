"""POST/GET .../sync and GET /store-health, in-process (no worker: jobs stay queued)."""

from __future__ import annotations

from datetime import datetime

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from tests.conftest import OwnerDb, connect_store, signed_in_client
from tests.support.sync import sync


async def todo_jobs(owner_db: OwnerDb, store_id: object) -> list[dict[str, object]]:
    async with owner_db() as conn:
        rows = await conn.execute(
            text(
                "SELECT args FROM procrastinate.procrastinate_jobs"
                " WHERE args->>'store_id' = :sid AND status = 'todo'"
            ),
            {"sid": str(store_id)},
        )
        return [dict(r[0]) for r in rows]


class TestRequestSync:
    async def test_queues_one_job_and_shows_progress_fields(
        self,
        owner_db: OwnerDb,
        app: FastAPI,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        store = await connect_store(user_client, sim_http)
        url = f"/api/v1/stores/{store['id']}/sync"
        await sync(app, store["id"])  # the connect job is still queued; this ran in-process
        before = len(await todo_jobs(owner_db, store["id"]))
        r = await user_client.post(url, json={"datasets": ["orders"], "full": True})
        assert r.status_code == 202, r.text
        states = {d["dataset"]: d for d in r.json()["datasets"]}
        assert states["orders"]["state"] == "queued" and r.json()["done"] is False
        assert states["inventory"]["state"] == "succeeded"
        assert states["listings"]["state"] == "succeeded" and states["reports"]["state"] == "never"
        again = await user_client.post(url, json={"datasets": ["orders"], "full": True})
        assert again.status_code == 202
        jobs = await todo_jobs(owner_db, store["id"])
        assert len(jobs) == before + 1  # the queueing lock kept it to one
        assert jobs[-1]["datasets"] == ["orders"] and jobs[-1]["full"] is True
        body = (await user_client.get(url)).json()
        inv = next(d for d in body["datasets"] if d["dataset"] == "inventory")
        assert inv["rows_total"] > 0 and inv["requests"] > 0 and inv["source"] == "api_paging"

    async def test_unknown_dataset_is_a_problem(
        self, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        store = await connect_store(user_client, sim_http)
        r = await user_client.post(
            f"/api/v1/stores/{store['id']}/sync", json={"datasets": ["listings", "ledger"]}
        )
        assert r.status_code == 422 and r.json()["code"] == "unknown_dataset"
        assert "not ledger" in r.json()["detail"] and "listings" in r.json()["detail"]


class TestStoreHealth:
    async def test_lists_only_my_stores_with_every_dataset(
        self, app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        mine = await connect_store(user_client, sim_http)
        async with signed_in_client(app) as other:
            theirs = await connect_store(other, sim_http)
        grid = (await user_client.get("/api/v1/store-health")).json()
        ids = {s["store_id"] for s in grid}
        assert mine["id"] in ids and theirs["id"] not in ids
        row = next(s for s in grid if s["store_id"] == mine["id"])
        assert [d["dataset"] for d in row["datasets"]] == [
            "inventory",
            "orders",
            "listings",
            "reports",
            "restock",
        ]
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as anonymous:
            assert (await anonymous.get("/api/v1/store-health")).status_code == 401


class TestSyncOnConnect:
    async def test_setting_off_queues_nothing(
        self,
        owner_db: OwnerDb,
        app: FastAPI,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        import uuid

        from minthub_api.core.db import utcnow
        from minthub_api.stores.models import Store
        from minthub_api.sync.status import on_store_connected

        store = await connect_store(user_client, sim_http)
        before = len(await todo_jobs(owner_db, store["id"]))
        assert before == 1  # the default: connecting queued the first sync
        first_request = await requested_at(owner_db, store["id"])
        assert first_request is not None
        off = app.state.settings.model_copy(update={"sync_on_connect": False})
        on = app.state.settings
        async with owner_db() as session, session.begin():
            row = await session.get(Store, uuid.UUID(str(store["id"])))
            assert row is not None
            await on_store_connected(session, app.state.sync_queue, row, settings=off, now=utcnow())
        assert len(await todo_jobs(owner_db, store["id"])) == before
        assert await requested_at(owner_db, store["id"]) == first_request  # untouched
        # With the setting on, a reconnect records the request but, while a job waits, adds no
        # duplicate job (the queueing lock).
        async with owner_db() as session, session.begin():
            row = await session.get(Store, uuid.UUID(str(store["id"])))
            assert row is not None
            await on_store_connected(session, app.state.sync_queue, row, settings=on, now=utcnow())
        assert len(await todo_jobs(owner_db, store["id"])) == before
        later = await requested_at(owner_db, store["id"])
        assert later is not None and later > first_request


async def requested_at(owner_db: OwnerDb, store_id: object) -> datetime | None:
    async with owner_db() as conn:
        value: datetime | None = await conn.scalar(
            text(
                "SELECT requested_at FROM sync_datasets"
                " WHERE store_id = :sid AND dataset = 'orders'"
            ),
            {"sid": str(store_id)},
        )
        return value
