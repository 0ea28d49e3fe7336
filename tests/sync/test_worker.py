"""`minthub-api worker` in separate processes, against its own database and the simulator.

Connecting a store queues its first sync (MINTHUB_SYNC_ON_CONNECT); two worker processes share
the queue; a failing dataset is retried with backoff until it succeeds.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from minthub_api.core import migrations
from minthub_api.main import create_app
from tests.conftest import RunningSimulator, connect_store, make_settings, signed_in_client
from tests.support.db import temporary_database

BIN = Path(sys.executable).parent / "minthub-api"


@pytest.fixture(scope="module")
def worker_db() -> Iterator[str]:
    with temporary_database("minthub_worker") as url:
        migrations.upgrade(url)
        yield url


@pytest.fixture(scope="module")
async def worker_app(worker_db: str, simulator: RunningSimulator) -> AsyncIterator[FastAPI]:
    application = create_app(make_settings(worker_db, simulator))
    async with application.router.lifespan_context(application):
        yield application


def worker_env(worker_app: FastAPI, worker_db: str) -> dict[str, str]:
    settings = worker_app.state.settings
    return {
        **os.environ,
        "MINTHUB_DATABASE_URL": worker_db,
        "MINTHUB_LWA_CLIENT_ID": settings.lwa_client_id,
        "MINTHUB_LWA_CLIENT_SECRET": settings.lwa_client_secret.get_secret_value(),
        "MINTHUB_SPAPI_APPLICATION_ID": settings.spapi_application_id,
        "MINTHUB_LWA_TOKEN_URL": settings.lwa_token_url,
        "MINTHUB_SPAPI_ENDPOINT": settings.spapi_endpoint,
        "MINTHUB_TOKEN_KEK": settings.token_kek.get_secret_value(),
        "MINTHUB_LOG_FORMAT": "json",
        "MINTHUB_REPORT_POLL_SECONDS": str(settings.report_poll_seconds),
    }


@pytest.fixture(scope="module")
def workers(
    worker_app: FastAPI, worker_db: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[subprocess.Popen[bytes]]]:
    env = worker_env(worker_app, worker_db)
    logs = tmp_path_factory.mktemp("worker-logs")
    procs = []
    files = []
    for n in range(2):
        log = (logs / f"worker{n}.log").open("wb")
        files.append(log)
        procs.append(
            subprocess.Popen(
                [str(BIN), "worker", "--concurrency", "2"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    try:
        yield procs
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
        for f in files:
            f.close()


async def wait_done(client: httpx.AsyncClient, store_id: object, limit_s: float = 90) -> Any:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        body = (await client.get(f"/api/v1/stores/{store_id}/sync")).json()
        states = {d["dataset"]: d["state"] for d in body["datasets"]}
        if states["inventory"] == states["orders"] == "succeeded" and body["done"]:
            return body
        await asyncio.sleep(0.3)
    raise AssertionError(f"sync did not finish: {body}")


class TestWorker:
    async def test_connecting_syncs_the_store_in_a_worker_process(
        self,
        worker_app: FastAPI,
        workers: list[subprocess.Popen[bytes]],
        sim_http: httpx.AsyncClient,
    ) -> None:
        async with signed_in_client(worker_app) as client:
            store = await connect_store(client, sim_http)
            body = await wait_done(client, store["id"])
            inv = next(d for d in body["datasets"] if d["dataset"] == "inventory")
            assert inv["rows_total"] == 120 * len(store["marketplace_ids"])  # type: ignore[arg-type]
            page = (await client.get(f"/api/v1/stores/{store['id']}/inventory")).json()
            assert page["stale"] is False and page["totals"]["skus"] == inv["rows_total"]
            grid = (await client.get("/api/v1/store-health")).json()
            mine = next(s for s in grid if s["store_id"] == store["id"])
            # Inventory was just read, so the scheduler will sync it again (orders nobody read).
            inventory = next(d for d in mine["datasets"] if d["dataset"] == "inventory")
            assert inventory["last_success_at"] and inventory["next_sync_at"]
            assert {p["operation"] for p in mine["usage_plans"]} >= {"searchOrders"}
        assert all(p.poll() is None for p in workers)

    async def test_failed_sync_is_retried_with_backoff(
        self,
        worker_app: FastAPI,
        workers: list[subprocess.Popen[bytes]],
        sim_http: httpx.AsyncClient,
    ) -> None:
        async with signed_in_client(worker_app) as client:
            store = await connect_store(client, sim_http)
            await wait_done(client, store["id"])
            fault = {
                "operation": "searchOrders",
                "kind": "status",
                "status": 503,
                "count": 6,
                "selling_partner_id": store["selling_partner_id"],
            }
            await sim_http.post("/_sim/faults", json=fault)
            try:
                r = await client.post(
                    f"/api/v1/stores/{store['id']}/sync", json={"datasets": ["orders"]}
                )
                assert r.status_code == 202
                failed_seen = False
                deadline = time.monotonic() + 90
                while time.monotonic() < deadline:
                    body = (await client.get(f"/api/v1/stores/{store['id']}/sync")).json()
                    orders = next(d for d in body["datasets"] if d["dataset"] == "orders")
                    failed_seen |= orders["state"] == "failed"
                    if failed_seen and orders["state"] == "succeeded":
                        break
                    await asyncio.sleep(0.3)
            finally:
                await sim_http.delete("/_sim/faults")
            assert failed_seen and orders["state"] == "succeeded", orders
            assert orders["last_error_at"] is not None


class TestSyncCommand:
    async def test_foreground_sync_full_and_incremental(
        self, worker_app: FastAPI, worker_db: str, sim_http: httpx.AsyncClient
    ) -> None:
        env = worker_env(worker_app, worker_db)
        async with signed_in_client(worker_app) as client:
            store = await connect_store(client, sim_http)

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [str(BIN), "sync", *args], env=env, capture_output=True, text=True, timeout=120
            )

        first = await asyncio.to_thread(run, "--store", str(store["id"]), "--full")
        assert first.returncode == 0, first.stdout + first.stderr
        assert f"{store['id']} inventory: succeeded, 360 rows" in first.stdout
        assert f"{store['id']} orders: succeeded" in first.stdout
        again = await asyncio.to_thread(run, "--store", str(store["id"]))
        assert "orders: succeeded" in again.stdout and "(incremental)" in again.stdout
        bad = await asyncio.to_thread(run, "--store", "nope")
        assert bad.returncode == 2 and "not a store id" in bad.stderr
        neither = await asyncio.to_thread(run)
        assert neither.returncode == 2
