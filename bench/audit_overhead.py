"""What auditing costs an API read: throughput with and without audit events, side by side.

    uv run python -m bench.audit_overhead [--seconds 3] [--rounds 6] [--concurrency 8]

Runs the simulated Amazon in its own process (usage plans off) and the real app in-process
against a throwaway PostgreSQL database (`MINTHUB_TEST_ADMIN_DSN`, default
postgresql://postgres@127.0.0.1:5432/postgres), connected as a login role of `minthub_app` so
row-level security applies as in production. Each round measures, first with `audit.record`
replaced by a no-op ("off"), then as shipped ("on"):

- `inventory`: `GET /stores/{id}/inventory` (one live SP-API call: two audit events,
  `spapi_call` and `store_data_read`);
- `orders`: `GET /stores/{id}/orders` (the same, through the Orders API);
- `db-read`: a store read served from PostgreSQL alone, as store reads are once they come from
  snapshots (issue 6): the store dependency, one indexed query of 20 store rows and one
  `store_data_read` event. The route is mounted by this script (`/stores/{id}/_bench/db-read`);
  it runs the same dependency, session and audit code as the real routes.

Prints the medians and the ratios side by side; the target is a cost under 15%. Nothing here
is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx
from fastapi import APIRouter, FastAPI

from minthub_api.amazon.throttle import InMemoryRateLimiter
from minthub_api.audit import service as audit_service
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.audit.repository import AuditFilters, AuditRepository
from minthub_api.core import migrations
from minthub_api.core.db import SessionDep
from minthub_api.core.rls import ensure_app_login_role
from minthub_api.core.settings import Environment, Settings
from minthub_api.main import create_app
from minthub_api.stores.dependencies import CurrentStore

ADMIN_DSN = os.environ.get(
    "MINTHUB_TEST_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PASSWORD = "bench-password-0123456789"
APP_LOGIN_ROLE = "minthub_bench_app"
BASE_URL = "https://testserver"


def mount_db_read(app: FastAPI) -> None:
    """`GET /api/v1/stores/{store_id}/_bench/db-read`: a DB-only, audited store read."""
    router = APIRouter()

    @router.get("/api/v1/stores/{store_id}/_bench/db-read")
    async def db_read(store: CurrentStore, session: SessionDep) -> dict[str, int]:
        rows = await AuditRepository(session).list(
            AuditFilters(store_ids=[store.store.id]), before=None, limit=20
        )
        # Looked up at call time, so the bench's no-op replacement applies here too.
        audit_service.record(
            session,
            store.actor,
            AuditAction.store_data_read,
            reason=AuditReason.user_view,
            store_id=store.store.id,
            details={"endpoint": "bench/db-read", "rows": len(rows)},
        )
        return {"rows": len(rows)}

    app.include_router(router)
    # Ahead of the web app's catch-all routes.
    added = app.router.routes[-len(router.routes) :]
    del app.router.routes[-len(router.routes) :]
    app.router.routes[0:0] = added


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_simulator(port: int) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "MINTHUB_SIM_BASE_URL": f"http://127.0.0.1:{port}",
        "MINTHUB_SIM_ENFORCE_USAGE_PLANS": "false",
        "MINTHUB_SIM_REDIRECT_URIS": f"{BASE_URL}/api/v1/oauth/amazon/callback",
        "MINTHUB_LOG_LEVEL": "WARNING",
    }
    code = "from minthub_api.cli import main; main()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "simulate-amazon", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/_sim/calls", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the simulator did not start")


@dataclass(frozen=True)
class Sample:
    rps: float  # requests per second (wall clock: sensitive to whatever else the machine runs)
    app_cpu_ms: float  # this process's CPU per request (the API, the simulator runs apart)
    db_cpu_ms: float | None  # the app's PostgreSQL backends' CPU per request (local server)


def _backend_cpu_seconds(pids: list[int]) -> float | None:
    """User + system CPU of these PostgreSQL backends, from /proc (a local server only)."""
    total = 0
    try:
        for pid in pids:
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    except (OSError, IndexError, ValueError):
        return None
    return total / os.sysconf("SC_CLK_TCK")


async def _backend_pids() -> list[int]:
    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE usename = $1", APP_LOGIN_ROLE
        )
    finally:
        await conn.close()
    return [r["pid"] for r in rows]


async def throughput(
    client: httpx.AsyncClient, path: str, seconds: float, concurrency: int
) -> Sample:
    done = 0
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < stop:
            r = await client.get(path)
            if r.status_code != 200:
                raise RuntimeError(f"{path}: {r.status_code} {r.text[:200]}")
            done += 1

    pids = await _backend_pids()
    db_before = _backend_cpu_seconds(pids)
    cpu_before = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    app_cpu = time.process_time() - cpu_before
    db_after = _backend_cpu_seconds(pids)
    db_cpu = None if db_before is None or db_after is None else db_after - db_before
    return Sample(
        rps=done / elapsed,
        app_cpu_ms=app_cpu / done * 1000,
        db_cpu_ms=None if db_cpu is None else db_cpu / done * 1000,
    )


async def run(seconds: float, rounds: int, concurrency: int, database_url: str, sim: str) -> None:
    settings = Settings(
        environment=Environment.test,
        database_url=database_url,
        public_url=BASE_URL,
        lwa_client_id="amzn1.application-oa2-client.minthubdemo",
        lwa_client_secret="minthub-demo-secret",
        spapi_application_id="amzn1.sp.solution.minthub-demo",
        spapi_app_draft=True,
        lwa_token_url=f"{sim}/auth/o2/token",
        seller_central_url=sim,
        spapi_endpoint=sim,
        token_kek=base64.b64encode(secrets.token_bytes(32)).decode(),
        log_level="WARNING",
        db_pool_size=concurrency,
        require_mfa=False,  # the bench signs in with a password only
        beta_gate=False,
    )
    app = create_app(settings)
    mount_db_read(app)
    original: Callable[..., Any] = audit_service.record

    def no_audit(*args: Any, **kwargs: Any) -> Any:
        return None

    async with app.router.lifespan_context(app):
        from minthub_api.auth import service as auth_service

        # Pace SP-API calls a million times faster than Amazon's usage plans (the simulator does not
        # enforce them here): we measure our own request path, not Amazon's rate limits.
        app.state.amazon.client._limiter = InMemoryRateLimiter(
            clock=lambda: time.monotonic() * 1_000_000
        )

        async with app.state.sessionmaker() as session, session.begin():
            email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
            await auth_service.create_user(
                session, email=email, password=PASSWORD, beta_access=True
            )
        transport = httpx.ASGITransport(app=app)
        async with (
            httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client,
            httpx.AsyncClient(base_url=sim) as sim_http,
        ):
            r = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
            r.raise_for_status()
            client.headers["X-CSRF-Token"] = client.cookies["minthub_csrf"]
            store = await _connect(client, sim_http)
            print(f"connected store {store}; warming up", file=sys.stderr)
            paths = {
                "inventory": f"/api/v1/stores/{store}/inventory",
                "orders": f"/api/v1/stores/{store}/orders?days=30&limit=20",
                "db-read": f"/api/v1/stores/{store}/_bench/db-read",
            }
            for path in paths.values():  # warm up: token cache, connections, plans
                await throughput(client, path, 1.0, concurrency)
            results: dict[tuple[str, str], list[Sample]] = {}
            for i in range(rounds):
                # Alternate which mode goes first, so a drifting machine favours neither.
                for mode in ("off", "on") if i % 2 == 0 else ("on", "off"):
                    audit_service.record = original if mode == "on" else no_audit
                    try:
                        for name, path in paths.items():
                            sample = await throughput(client, path, seconds, concurrency)
                            print(f"{name} audit {mode}: {sample}", file=sys.stderr)
                            results.setdefault((name, mode), []).append(sample)
                    finally:
                        audit_service.record = original
    report(results, list(paths), rounds, seconds, concurrency)


def report(
    results: dict[tuple[str, str], list[Sample]],
    names: list[str],
    rounds: int,
    seconds: float,
    concurrency: int,
) -> None:
    def paired(name: str, value: Callable[[Sample], float | None]) -> float | None:
        # Rounds run off/on back to back; the median of each pair's ratio resists the drift
        # of a shared machine better than the ratio of the medians.
        ratios = []
        for a, b in zip(results[(name, "off")], results[(name, "on")], strict=True):
            va, vb = value(a), value(b)
            if va is None or vb is None or va <= 0:
                return None
            ratios.append(vb / va)
        return statistics.median(ratios)

    def med(name: str, mode: str, value: Callable[[Sample], float | None]) -> float | None:
        values = [value(s) for s in results[(name, mode)]]
        return None if any(v is None for v in values) else statistics.median(values)  # type: ignore[type-var]

    def cpu(s: Sample) -> float | None:
        return None if s.db_cpu_ms is None else s.app_cpu_ms + s.db_cpu_ms

    def fmt(v: float | None, spec: str) -> str:
        if v is None:  # keep the column: the width is the number after '>'
            return "n/a".rjust(int("".join(c for c in spec[1:].split(".")[0] if c.isdigit())))
        return format(v, spec)

    print(
        f"API reads, {rounds} rounds x {seconds:.0f} s per endpoint and mode,"
        f" concurrency {concurrency}"
    )
    print()
    print("throughput (wall clock)")
    print(f"{'endpoint':<11}{'audit off':>12}{'audit on':>12}{'on/off':>9}{'cost':>8}")
    for name in names:
        off, on = med(name, "off", lambda s: s.rps), med(name, "on", lambda s: s.rps)
        ratio = paired(name, lambda s: s.rps)
        cost = None if ratio is None else 1 - ratio
        print(
            f"{name:<11}{fmt(off, '>10.1f')}/s{fmt(on, '>10.1f')}/s"
            f"{fmt(ratio, '>9.3f')}{fmt(cost, '>8.1%')}"
        )
    print()
    print("CPU per request, API process + its PostgreSQL backends (ms)")
    print(
        f"{'endpoint':<11}{'app off':>9}{'app on':>9}{'db off':>9}{'db on':>9}"
        f"{'total off':>11}{'total on':>10}{'on/off':>9}{'cost':>8}"
    )
    for name in names:
        ratio = paired(name, cpu)
        cost = None if ratio is None else ratio - 1
        print(
            f"{name:<11}"
            f"{fmt(med(name, 'off', lambda s: s.app_cpu_ms), '>9.2f')}"
            f"{fmt(med(name, 'on', lambda s: s.app_cpu_ms), '>9.2f')}"
            f"{fmt(med(name, 'off', lambda s: s.db_cpu_ms), '>9.2f')}"
            f"{fmt(med(name, 'on', lambda s: s.db_cpu_ms), '>9.2f')}"
            f"{fmt(med(name, 'off', cpu), '>11.2f')}"
            f"{fmt(med(name, 'on', cpu), '>10.2f')}"
            f"{fmt(ratio, '>9.3f')}{fmt(cost, '>8.1%')}"
        )
    print()
    print(
        "(medians of the rounds; on/off: median of the paired rounds. Throughput cost = 1 -"
        " on/off, CPU cost = on/off - 1; target: cost < 15%. CPU per request is the steadier"
        " figure on a shared machine: other processes slow the clock, not our CPU seconds.)"
    )


async def _connect(client: httpx.AsyncClient, sim: httpx.AsyncClient) -> str:
    url = (await client.get("/api/v1/stores/connect?region=na&format=json")).json()[
        "authorization_url"
    ]
    page = await sim.get(url)
    fields = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    fields |= {"selling_partner_id": "A" + secrets.token_hex(6).upper(), "decision": "approve"}
    action = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    answer = await sim.post(action.group(1) if action else "/apps/authorize/consent", data=fields)
    params = {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["location"]).query).items()}
    cb = await client.get("/api/v1/oauth/amazon/callback", params=params)
    if cb.status_code != 302:
        raise RuntimeError(f"connect failed: {cb.status_code} {cb.text[:200]}")
    return str(cb.headers["location"].rsplit("/", 1)[1])


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _app_role() -> None:
    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        await ensure_app_login_role(conn, APP_LOGIN_ROLE)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    name = f"minthub_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    database_url = ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    database_url += f"/{name}"
    port = free_port()
    sim = start_simulator(port)
    try:
        migrations.upgrade(database_url)
        asyncio.run(_app_role())
        app_url = database_url.replace("://postgres@", f"://{APP_LOGIN_ROLE}@", 1)
        asyncio.run(
            run(
                args.seconds,
                args.rounds,
                args.concurrency,
                app_url,
                f"http://127.0.0.1:{port}",
            )
        )
    finally:
        sim.terminate()
        sim.wait(timeout=10)
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
