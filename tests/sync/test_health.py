"""The store health grid's `requests_left` (shared usage-plan buckets) and `next_sync_at`, and
the scheduler's per-dataset interval."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from minthub_api.sync.jobs import queue_due_syncs
from tests.conftest import OwnerDb, connect_store
from tests.support.sync import runtime, sync


def tick_after(at: datetime) -> datetime:
    """The first 5-minute boundary at or after `at` (cron */5)."""
    floor = at.replace(second=0, microsecond=0, minute=at.minute - at.minute % 5)
    return floor if floor >= at else floor + timedelta(minutes=5)


async def put_bucket(
    owner_db: OwnerDb,
    key: str,
    tokens: float,
    seconds_ago: float,
    learned_rate: float | None = None,
) -> None:
    async with owner_db() as session, session.begin():
        await session.execute(
            text(
                "INSERT INTO spapi_rate_buckets (bucket_key, tokens, updated_at, learned_rate)"
                " VALUES (:k, :t, extract(epoch FROM clock_timestamp()) - :ago, :lr)"
                " ON CONFLICT (bucket_key) DO UPDATE SET tokens = :t,"
                " updated_at = extract(epoch FROM clock_timestamp()) - :ago, learned_rate = :lr"
            ),
            {"k": key, "t": tokens, "ago": seconds_ago, "lr": learned_rate},
        )


async def bucket_rows(owner_db: OwnerDb, prefix: str) -> dict[str, tuple[float, float]]:
    async with owner_db() as session:
        rows = await session.execute(
            text(
                "SELECT bucket_key, tokens, updated_at FROM spapi_rate_buckets"
                " WHERE bucket_key LIKE :p"
            ),
            {"p": prefix + "%"},
        )
        return {r[0]: (r[1], r[2]) for r in rows}


async def grid_row(client: httpx.AsyncClient, store_id: object) -> dict[str, object]:
    r = await client.get("/api/v1/store-health")
    assert r.status_code == 200, r.text
    row: dict[str, object] = next(s for s in r.json() if s["store_id"] == store_id)
    return row


async def test_requests_left_is_the_bucket_refilled_to_now_without_taking_a_token(
    owner_db: OwnerDb, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    prefix = f"{store['selling_partner_id']}|{store['region']}|"
    # getInventorySummaries (2/s, burst 2): 2 requests waiting 10 s ago -> -2 + 20, capped at 2.
    await put_bucket(owner_db, prefix + "getInventorySummaries", -2.0, 10)
    # searchOrders (0.0056/s, burst 20): 3 tokens 100 s ago -> 3.56 -> 3 whole requests.
    await put_bucket(owner_db, prefix + "searchOrders", 3.0, 100)
    # searchListingsItems (5/s, burst 5) with Amazon's learned rate 0.5/s: -1 + 4 s x 0.5 = 1.
    await put_bucket(owner_db, prefix + "searchListingsItems", -1.0, 4, learned_rate=0.5)
    before = await bucket_rows(owner_db, prefix)
    row = await grid_row(user_client, store["id"])
    plans = {p["operation"]: p for p in row["usage_plans"]}  # type: ignore[attr-defined]
    assert set(plans) == {
        "getInventorySummaries",
        "searchOrders",
        "searchListingsItems",
        "createReport",  # restock: Amazon's recommendations report
    }
    assert plans["getInventorySummaries"]["requests_left"] == 2
    assert plans["searchOrders"]["requests_left"] == 3
    assert plans["searchListingsItems"]["requests_left"] == 1
    assert plans["searchListingsItems"]["rate_per_second"] == 0.5  # Amazon's, not the default
    assert plans["searchOrders"]["burst"] == 20
    assert await bucket_rows(owner_db, prefix) == before  # read, nothing taken or written

    # A bucket in debt (requests already promised future tokens) has nothing left.
    await put_bucket(owner_db, prefix + "searchOrders", -5.0, 0)
    row = await grid_row(user_client, store["id"])
    plans = {p["operation"]: p for p in row["usage_plans"]}  # type: ignore[attr-defined]
    assert plans["searchOrders"]["requests_left"] == 0


async def test_a_store_without_requests_has_full_buckets(
    user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http, region="eu")
    row = await grid_row(user_client, store["id"])
    assert {p["operation"]: p["requests_left"] for p in row["usage_plans"]} == {  # type: ignore[attr-defined]
        "getInventorySummaries": 2,
        "searchOrders": 20,
        "searchListingsItems": 5,
        "createReport": 15,
    }


async def test_requests_left_after_a_real_sync_spends_the_burst(
    app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    outcome = await sync(app, store["id"], datasets=["orders"])
    used = outcome.datasets[0].requests
    assert 0 < used < 20
    row = await grid_row(user_client, store["id"])
    plans = {p["operation"]: p for p in row["usage_plans"]}  # type: ignore[attr-defined]
    # 0.0056 requests/s refill less than one request in the seconds since.
    assert plans["searchOrders"]["requests_left"] == 20 - used


async def test_next_sync_at_follows_the_schedule_of_stores_in_use(
    owner_db: OwnerDb, app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    await sync(app, store["id"])
    row = await grid_row(user_client, store["id"])
    datasets = {d["dataset"]: d for d in row["datasets"]}  # type: ignore[attr-defined]
    # Nobody has read the store yet: the scheduler will not sync it.
    assert all(d["next_sync_at"] is None for d in datasets.values())
    await user_client.get(f"/api/v1/stores/{store['id']}/listings/attention")  # reads 3 datasets
    row = await grid_row(user_client, store["id"])
    datasets = {d["dataset"]: d for d in row["datasets"]}  # type: ignore[attr-defined]
    for name, minutes in (("inventory", 60), ("orders", 60), ("listings", 360)):
        done = datetime.fromisoformat(datasets[name]["last_success_at"])
        expected = tick_after(done + timedelta(minutes=minutes))
        assert datetime.fromisoformat(datasets[name]["next_sync_at"]) == expected, name
    assert datasets["reports"]["next_sync_at"] is None  # not synced by the scheduler

    # The last read 14 days ago: the store falls out of use before the next run.
    async with owner_db() as session, session.begin():
        await session.execute(
            text(
                "UPDATE sync_datasets SET last_viewed_at = now() - interval '14 days'"
                " WHERE store_id = :s"
            ),
            {"s": str(store["id"])},
        )
    row = await grid_row(user_client, store["id"])
    assert all(d["next_sync_at"] is None for d in row["datasets"])  # type: ignore[attr-defined]

    # A revoked store is never synced again.
    await user_client.get(f"/api/v1/stores/{store['id']}/inventory")
    await sim_http.post(f"/_sim/sellers/{store['selling_partner_id']}/revoke")
    await sync(app, store["id"], datasets=["inventory"])
    row = await grid_row(user_client, store["id"])
    assert row["store_status"] == "revoked"
    assert all(d["next_sync_at"] is None for d in row["datasets"])  # type: ignore[attr-defined]


async def test_scheduler_uses_each_datasets_interval(
    owner_db: OwnerDb, app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    sid = str(store["id"])
    await sync(app, sid)
    async with owner_db() as session, session.begin():
        # The connect's job stays queued (no worker here): only jobs after it count.
        first_job = await session.scalar(
            text(
                "SELECT max(id) FROM procrastinate.procrastinate_jobs WHERE args->>'store_id' = :s"
            ),
            {"s": sid},
        )
        # Read now; inventory 61 min old (due), orders 59 min (not), listings 61 min (not: 360).
        for dataset, minutes in (("inventory", 61), ("orders", 59), ("listings", 61)):
            await session.execute(
                text(
                    "UPDATE sync_datasets SET last_viewed_at = now(),"
                    " last_success_at = now() - make_interval(mins => :m)"
                    " WHERE store_id = :s AND dataset = :d"
                ),
                {"s": sid, "d": dataset, "m": minutes},
            )

    async def queued() -> list[list[str]]:
        async with owner_db() as session:
            rows = await session.execute(
                text(
                    "SELECT args->'datasets' FROM procrastinate.procrastinate_jobs"
                    " WHERE args->>'store_id' = :s AND status = 'todo' AND id > :first"
                    " ORDER BY id"
                ),
                {"s": sid, "first": first_job},
            )
            return [list(r[0]) for r in rows]

    await queue_due_syncs(runtime(app), app.state.sync_queue)
    assert await queued() == [["inventory"]]
    async with owner_db() as session, session.begin():
        await session.execute(
            text(
                "UPDATE sync_datasets SET last_success_at = now() - interval '361 minutes'"
                " WHERE store_id = :s AND dataset = 'listings'"
            ),
            {"s": sid},
        )
    await queue_due_syncs(runtime(app), app.state.sync_queue)
    assert await queued() == [["inventory"], ["inventory", "listings"]]
