"""Scale-out: two `minthub-api serve` and two `minthub-api worker` processes on one database,
with the simulated Amazon, serving several stores at once.

Interactive reads (snapshots and live order reads) go to both API processes while the workers
sync every store in the background and more syncs are asked for. Then:

- Amazon's usage plans held across all four processes: the simulator answered no 429
  (the rate-limit buckets live in PostgreSQL, not in a process);
- no job ran twice: each (job, attempt) started on one worker only, and finished once;
- no audit event lost: per store and operation, our `spapi_call` audit events equal the calls
  the simulator counted;
- a store revoked through one API process gets no further call from any process.

A last test stops an API process with SIGTERM while a request is in flight: the request is
answered, new connections are refused, the process ends once drained.
"""

from __future__ import annotations

import asyncio
import collections
import json
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.e2e.conftest import BIN, DEMO_EMAIL, DEMO_PASSWORD, stack_env, wait_until_up
from tests.e2e.test_secret_scan import connect, wait_until_synced
from tests.support.servers import free_port

pytestmark = pytest.mark.e2e

SELLERS = [f"A1SCALEOUT{n:04d}" for n in range(5)]


def signed_in(stack: dict[str, str]) -> tuple[httpx.Client, httpx.Client]:
    api = httpx.Client(base_url=stack["api"], timeout=60)
    r = api.post("/api/v1/auth/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    api.headers["X-CSRF-Token"] = api.cookies["minthub_csrf"]
    api2 = httpx.Client(base_url=stack["api2"], timeout=60)
    api2.cookies = api.cookies
    api2.headers["X-CSRF-Token"] = api.cookies["minthub_csrf"]
    return api, api2


def sim_counts(sim: httpx.Client) -> dict[str, dict[str, dict[str, Any]]]:
    spapi: dict[str, dict[str, dict[str, Any]]] = sim.get("/_sim/calls").json()["spapi"]
    return spapi


def calls_of(counts: dict[str, dict[str, dict[str, Any]]], spid: str) -> int:
    return sum(int(op["calls"]) for op in counts.get(spid, {}).values())


def log_lines(path: str) -> list[dict[str, Any]]:
    out = []
    for raw in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if isinstance(line, dict):
            out.append(line)
    return out


def owner_query(stack: dict[str, str], sql: str, *params: object) -> list[tuple[Any, ...]]:
    dsn = stack["database_url"].replace("postgresql+asyncpg", "postgresql")
    with psycopg.connect(dsn) as conn:
        return list(conn.execute(sql, params).fetchall())


def jobs_left(stack: dict[str, str]) -> list[tuple[Any, ...]]:
    return owner_query(
        stack,
        "SELECT status::text, count(*) FROM procrastinate.procrastinate_jobs"
        " WHERE task_name = 'minthub:sync_store' GROUP BY status",
    )


def wait_for_queue(stack: dict[str, str], limit_s: float = 60) -> None:
    """Until no sync job waits or runs (scheduled ones in the future aside)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        left = jobs_left(stack)
        if not {s for s, _ in left} & {"todo", "doing"}:
            return
        time.sleep(0.5)
    raise AssertionError(f"sync jobs still queued or running: {left}")


async def hammer(
    base_urls: list[str], cookies: httpx.Cookies, csrf: str, stores: list[str], rounds: int
) -> collections.Counter[tuple[str, int]]:
    """Concurrent clients on both API processes: snapshot reads, live order reads, order
    summaries and sync requests for every store. Returns (what, status) counts."""
    seen: collections.Counter[tuple[str, int]] = collections.Counter()

    async def client_loop(base: str, store: str, n: int) -> None:
        async with httpx.AsyncClient(
            base_url=base, cookies=cookies, headers={"X-CSRF-Token": csrf}, timeout=60
        ) as c:
            for i in range(rounds):
                kind = ("inventory", "orders", "summary", "sync")[(i + n) % 4]
                if kind == "inventory":
                    r = await c.get(f"/api/v1/stores/{store}/inventory?limit=50")
                elif kind == "orders":
                    r = await c.get(f"/api/v1/stores/{store}/orders?days=2")
                elif kind == "summary":
                    r = await c.get(f"/api/v1/stores/{store}/orders/summary")
                else:
                    r = await c.post(f"/api/v1/stores/{store}/sync", json={"datasets": ["orders"]})
                seen[(kind, r.status_code)] += 1

    await asyncio.gather(
        *(
            client_loop(base, store, n)
            for n, (base, store) in enumerate((b, s) for s in stores for b in base_urls)
        )
    )
    return seen


def test_two_apis_two_workers_many_stores(stack: dict[str, str]) -> None:
    api, api2 = signed_in(stack)
    sim = httpx.Client(base_url=stack["sim"])
    with closing(api), closing(api2), sim:
        # Connect through both processes; each connection queues a first sync (workers).
        stores = [connect((api, api2)[n % 2], sim, spid) for n, spid in enumerate(SELLERS)]
        csrf = api.cookies["minthub_csrf"]
        seen = asyncio.run(hammer([stack["api"], stack["api2"]], api.cookies, csrf, stores, 8))
        for store in stores:
            wait_until_synced(api, store, limit_s=90)
        # Every read answered (a sync request may find one already queued: 202 either way).
        assert {status for (_, status) in seen} == {200, 202}, seen
        assert seen[("orders", 200)] == 2 * len(stores) * 2  # live reads hit Amazon

        # Revoke one store through the second API process while the others keep working.
        gone, gone_spid = stores[0], SELLERS[0]
        r = api2.delete(f"/api/v1/stores/{gone}/authorization")
        assert r.status_code == 200 and r.json()["status"] == "revoked"
        wait_until_synced(api, gone)  # a job of it already running ends (without calls)
        frozen = calls_of(sim_counts(sim), gone_spid)
        # More of everything, on both processes, for every store including the revoked one.
        seen = asyncio.run(hammer([stack["api"], stack["api2"]], api.cookies, csrf, stores, 4))
        for store in stores[1:]:
            wait_until_synced(api, store, limit_s=90)
        assert seen[("orders", 409)] == 2 and seen[("sync", 409)] == 2, seen
        wait_for_queue(stack)  # sync requests made after a job of the same store had started
        counts = sim_counts(sim)
        assert calls_of(counts, gone_spid) == frozen  # not one call from any process

    # Usage plans held across the four processes: Amazon never answered 429.
    throttled = {
        (spid, op): c["throttled"] for spid, ops in counts.items() for op, c in ops.items()
    }
    assert sum(throttled.values()) == 0, throttled
    assert all(calls_of(counts, spid) > 0 for spid in SELLERS)

    # No audit event lost: per store and operation, audit events == calls Amazon saw.
    audited = collections.Counter(
        {
            (str(store_id), op): n
            for store_id, op, n in owner_query(
                stack,
                "SELECT store_id, operation, count(*) FROM audit_events"
                " WHERE action = 'spapi_call' AND store_id = ANY(%s::uuid[])"
                " GROUP BY store_id, operation",
                stores,
            )
        }
    )
    amazon_saw = collections.Counter(
        {
            (store, op): int(c["calls"])
            for store, spid in zip(stores, SELLERS, strict=True)
            for op, c in counts.get(spid, {}).items()
        }
    )
    assert audited == amazon_saw

    # No job ran twice: across both workers, each (job, attempt) started once and finished once.
    lines = log_lines(stack["worker_log"]) + log_lines(stack["worker2_log"])
    started = collections.Counter(
        (x["job_id"], x["attempt"]) for x in lines if x.get("event") == "job.started"
    )
    finished = collections.Counter(x["job_id"] for x in lines if x.get("event") == "job.finished")
    assert started and max(started.values()) == 1, started.most_common(3)
    assert max(finished.values()) == 1 and set(finished) <= {job for job, _ in started}
    by_worker = [
        {x["job_id"] for x in log_lines(stack[k]) if x.get("event") == "job.started"}
        for k in ("worker_log", "worker2_log")
    ]
    assert not (by_worker[0] & by_worker[1])
    assert all(by_worker), "both workers took jobs"
    # Nothing stuck, nothing failed for good.
    assert not {s for s, _ in jobs_left(stack)} & {"doing", "failed", "todo"}


@pytest.fixture
def third_api(
    stack: dict[str, str], tmp_path: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    port = free_port()
    env = stack_env(
        stack["database_url"],
        int(stack["sim_port"]),
        int(stack["api_port"]),
        Path(stack["api_tmp"]),
        Path(stack["logs"]),
    )
    with (tmp_path / "api3.log").open("wb") as log:
        proc = subprocess.Popen(
            [str(BIN), "serve", "--port", str(port)],
            env={**env, "MINTHUB_SERVE_SHUTDOWN_TIMEOUT_SECONDS": "20"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/api/v1/health", proc)
            yield f"http://127.0.0.1:{port}", proc, tmp_path / "api3.log"
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=20)


def test_sigterm_drains_requests_in_flight(
    stack: dict[str, str], third_api: tuple[str, subprocess.Popen[bytes], Path]
) -> None:
    url, proc, log = third_api
    api, _ = signed_in(stack)
    with closing(api), httpx.Client(base_url=stack["sim"]) as sim:
        store = connect(api, sim, "A1SCALEDRAIN1")
        # Amazon takes 3 s to answer this store's next order search.
        sim.post(
            "/_sim/faults",
            json={
                "operation": "searchOrders",
                "kind": "timeout",
                "seconds": 3.0,
                "selling_partner_id": "A1SCALEDRAIN1",
            },
        )
        with (
            httpx.Client(base_url=url, cookies=api.cookies, timeout=30) as c,
            ThreadPoolExecutor(1) as pool,
        ):
            request = pool.submit(c.get, f"/api/v1/stores/{store}/orders?days=2")
            time.sleep(1.0)
            assert not request.done()
            stopped_at = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            # Stopping: no new connection is accepted, the request in flight goes on.
            with pytest.raises(httpx.TransportError):
                httpx.get(f"{url}/api/v1/health", timeout=2)
            r = request.result(timeout=30)
            assert time.monotonic() - stopped_at < 10
        assert r.status_code == 200, r.text
        # uvicorn re-raises the signal once drained: the exit status says "terminated".
        assert proc.wait(timeout=30) in (0, -signal.SIGTERM)
    assert "Finished server process" in log.read_text()
