"""A worker process in operation: request id and job id on its log lines, its own /metrics
(queue depth, job latency and outcomes, SP-API calls), the drain on SIGTERM; and reads that
stay up (stale, with the error shown) while Amazon is slow or down."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from minthub_api.core import migrations
from minthub_api.core.db import create_engine
from minthub_api.main import create_app
from tests.conftest import RunningSimulator, connect_store, make_settings, signed_in_client
from tests.support.db import temporary_database
from tests.support.servers import free_port
from tests.support.sync import sync
from tests.sync.test_worker import BIN, wait_done, worker_env


@pytest.fixture(scope="module")
def ops_db() -> Iterator[str]:
    with temporary_database("minthub_wops") as url:
        migrations.upgrade(url)
        yield url


@pytest.fixture(scope="module")
async def ops_app(ops_db: str, simulator: RunningSimulator) -> AsyncIterator[FastAPI]:
    application = create_app(make_settings(ops_db, simulator, http_timeout_seconds=2.0))
    async with application.router.lifespan_context(application):
        yield application


class Worker:
    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.log = log
        self._file = log.open("wb")
        self.proc = subprocess.Popen(
            [str(BIN), "worker", "--concurrency", "2", *args],
            env=env,
            stdout=self._file,
            stderr=subprocess.STDOUT,
        )

    def lines(self) -> list[dict[str, Any]]:
        out = []
        for raw in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                out.append(json.loads(raw))
            except ValueError:
                continue
        return out

    async def wait_for(self, event: str, limit_s: float = 60, **match: Any) -> dict[str, Any]:
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            for line in self.lines():
                if line.get("event") == event and all(line.get(k) == v for k, v in match.items()):
                    return line
            assert self.proc.poll() is None, self.log.read_text()
            await asyncio.sleep(0.2)
        raise AssertionError(f"no {event} {match} in {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=60)
        self._file.close()


@pytest.fixture
def start_worker(ops_app: FastAPI, ops_db: str, tmp_path: Path) -> Iterator[Any]:
    started: list[Worker] = []

    def start(*args: str, **env: str) -> Worker:
        w = Worker(
            {**worker_env(ops_app, ops_db), **env}, tmp_path / f"worker{len(started)}.log", *args
        )
        started.append(w)
        return w

    try:
        yield start
    finally:
        for w in started:
            w.stop()


async def job_rows(ops_db: str, store_id: object) -> list[tuple[int, str]]:
    """The store's sync jobs (not its report polls, which may still be queued)."""
    engine = create_engine(ops_db)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT id, status::text FROM procrastinate.procrastinate_jobs"
                    " WHERE args->>'store_id' = :s AND task_name = 'minthub:sync_store'"
                    " ORDER BY id"
                ),
                {"s": str(store_id)},
            )
            return [(r[0], r[1]) for r in rows]
    finally:
        await engine.dispose()


class TestJobLogsAndMetrics:
    async def test_request_id_reaches_the_job_and_the_worker_serves_metrics(
        self, ops_app: FastAPI, start_worker: Any, sim_http: httpx.AsyncClient
    ) -> None:
        port = free_port()
        worker: Worker = start_worker(
            "--metrics-port", str(port), MINTHUB_METRICS_TOKEN="worker-metrics-token"
        )
        request_id = f"req-{uuid.uuid4().hex[:16]}"
        async with signed_in_client(ops_app) as client:
            store = await connect_store(client, sim_http)
            await wait_done(client, store["id"])
            r = await client.post(
                f"/api/v1/stores/{store['id']}/sync",
                json={"datasets": ["orders"]},
                headers={"x-request-id": request_id},
            )
            assert r.status_code == 202, r.text
            assert r.headers["x-request-id"] == request_id
            done = await worker.wait_for("job.finished", request_id=request_id)
        assert done["status"] == "succeeded" and isinstance(done["job_id"], int)
        # Every line the job logged carries both ids; the sync's own line among them.
        of_job = [line for line in worker.lines() if line.get("job_id") == done["job_id"]]
        assert {"job.started", "sync.done", "job.finished"} <= {x["event"] for x in of_job}
        assert all(x["request_id"] == request_id for x in of_job)
        # A job not deferred during a request (the one the OAuth callback queued has its own
        # request id; a scheduled one has none) never inherits another job's request id.
        other = [x for x in worker.lines() if x.get("job_id") not in (None, done["job_id"])]
        assert other and all(x.get("request_id") != request_id for x in other)

        metrics_url = f"http://127.0.0.1:{port}/metrics"
        async with httpx.AsyncClient() as http:
            assert (await http.get(metrics_url)).status_code == 401
            r = await http.get(
                metrics_url, headers={"authorization": "Bearer worker-metrics-token"}
            )
        assert r.status_code == 200
        body = r.text
        assert 'minthub_jobs_total{status="succeeded",task="minthub:sync_store"} 2.0' in body
        assert 'minthub_job_wait_seconds_count{task="minthub:sync_store"} 2.0' in body
        assert 'minthub_job_run_seconds_count{task="minthub:sync_store"} 2.0' in body
        assert 'minthub_queue_jobs{queue="sync",status="todo"} 0.0' in body
        assert 'minthub_queue_jobs{queue="sync",status="doing"} 0.0' in body
        assert 'minthub_spapi_calls_total{operation="searchOrders",status="200"}' in body
        assert 'minthub_lwa_token_refreshes_total{outcome="ok"}' in body
        assert "minthub_revoked_stores 0.0" in body


class TestGracefulShutdown:
    async def test_sigterm_lets_the_running_job_finish_and_fetches_no_more(
        self,
        ops_app: FastAPI,
        ops_db: str,
        start_worker: Any,
        sim_http: httpx.AsyncClient,
    ) -> None:
        async with signed_in_client(ops_app) as client:
            first = await connect_store(client, sim_http)
            second = await connect_store(client, sim_http)
            worker: Worker = start_worker(MINTHUB_WORKER_SHUTDOWN_TIMEOUT_SECONDS="30")
            await wait_done(client, first["id"])
            await wait_done(client, second["id"])
            # Amazon answers this store's next searchOrders after 1.5 s (HTTP timeout is 2 s).
            await sim_http.post(
                "/_sim/faults",
                json={
                    "operation": "searchOrders",
                    "kind": "timeout",
                    "seconds": 1.5,
                    "count": 1,
                    "selling_partner_id": first["selling_partner_id"],
                },
            )
            r = await client.post(
                f"/api/v1/stores/{first['id']}/sync", json={"datasets": ["orders"]}
            )
            assert r.status_code == 202
            # The job this request queued: the newest (the first sync's job may still be
            # finishing its report datasets; this one waits for it, under the store's lock).
            job_id = max(j for j, status in await job_rows(ops_db, first["id"]) if status == "todo")
            await worker.wait_for("job.started", job_id=job_id)
            worker.proc.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.3)
            # Queued after the stop was asked: this worker must leave it for another one.
            r = await client.post(
                f"/api/v1/stores/{second['id']}/sync", json={"datasets": ["inventory"]}
            )
            assert r.status_code == 202
            code = await asyncio.to_thread(worker.proc.wait, 60)
            assert code == 0, worker.log.read_text()[-3000:]
            finished = [
                x
                for x in worker.lines()
                if x.get("event") == "job.finished" and x.get("job_id") == job_id
            ]
            assert [x["status"] for x in finished] == ["succeeded"]
            body = (await client.get(f"/api/v1/stores/{first['id']}/sync")).json()
            orders = next(d for d in body["datasets"] if d["dataset"] == "orders")
            assert orders["state"] == "succeeded", (body, worker.log.read_text()[-4000:])
            waiting = [s for _, s in await job_rows(ops_db, second["id"])]
            assert "todo" in waiting  # not fetched by the stopping worker

            # Another worker picks it up.
            start_worker()
            await wait_done(client, second["id"])
            assert "todo" not in [s for _, s in await job_rows(ops_db, second["id"])]


class TestAmazonSlowOrDown:
    async def test_reads_serve_stale_snapshots_and_show_the_error(
        self, ops_app: FastAPI, sim_http: httpx.AsyncClient
    ) -> None:
        async with signed_in_client(ops_app) as client:
            store = await connect_store(client, sim_http)
            await sync(ops_app, store["id"], datasets=["inventory"])
            url = f"/api/v1/stores/{store['id']}/inventory"
            before = (await client.get(url)).json()
            assert before["items"] and before["totals"]["skus"] > 0
            spid = store["selling_partner_id"]
            for kind, extra in (("status", {"status": 503}), ("timeout", {"seconds": 3.0})):
                await sim_http.post(
                    "/_sim/faults",
                    json={
                        "operation": "getInventorySummaries",
                        "kind": kind,
                        "count": 20,
                        "selling_partner_id": spid,
                        **extra,
                    },
                )
                try:
                    outcome = await sync(ops_app, store["id"], datasets=["inventory"])
                finally:
                    await sim_http.delete("/_sim/faults")
                assert outcome.datasets[0].state == "failed", (kind, outcome)
                r = await client.get(url)
                assert r.status_code == 200
                body = r.json()
                # The last good snapshot, whole, with the failure visible beside it.
                assert body["totals"] == before["totals"]
                assert len(body["items"]) == len(before["items"])
                status = body["sync"][0]
                assert status["state"] in ("failed", "queued")
                assert status["last_error"] and status["last_error_at"]
                assert status["last_success_at"] == before["sync"][0]["last_success_at"]
