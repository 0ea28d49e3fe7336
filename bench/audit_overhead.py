"""What auditing costs an API read: throughput with and without audit events, side by side.

    uv run python bench/audit_overhead.py [--seconds 4] [--rounds 3] [--concurrency 8]

Runs the simulated Amazon in its own process (usage plans off) and the real app in-process
against a throwaway PostgreSQL database (`MINTHUB_TEST_ADMIN_DSN`, default
postgresql://postgres@127.0.0.1:5432/postgres). Each round measures `GET
/stores/{id}/inventory` (one SP-API call: two audit events, `spapi_call` and `store_data_read`,
hash-chained by the insert trigger) and `GET /stores/{id}/orders`, first with `audit.record`
replaced by a no-op ("off"), then as shipped ("on"). Prints the medians and the ratio; the
target is a cost under 15%. Nothing here is asserted.
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
from typing import Any
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx

from minthub_api.amazon.throttle import InMemoryRateLimiter
from minthub_api.audit import service as audit_service
from minthub_api.core import migrations
from minthub_api.core.settings import Environment, Settings
from minthub_api.main import create_app

ADMIN_DSN = os.environ.get(
    "MINTHUB_TEST_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PASSWORD = "bench-password-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_simulator(port: int) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "MINTHUB_SIM_BASE_URL": f"http://127.0.0.1:{port}",
        "MINTHUB_SIM_ENFORCE_USAGE_PLANS": "false",
        "MINTHUB_SIM_REDIRECT_URIS": "http://testserver/api/v1/oauth/amazon/callback",
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


async def throughput(
    client: httpx.AsyncClient, path: str, seconds: float, concurrency: int
) -> float:
    done = 0
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < stop:
            r = await client.get(path)
            if r.status_code != 200:
                raise RuntimeError(f"{path}: {r.status_code} {r.text[:200]}")
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done / (time.perf_counter() - started)


async def run(seconds: float, rounds: int, concurrency: int, database_url: str, sim: str) -> None:
    settings = Settings(
        environment=Environment.test,
        database_url=database_url,
        public_url="http://testserver",
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
    )
    app = create_app(settings)
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
            await auth_service.create_user(session, email=email, password=PASSWORD)
        transport = httpx.ASGITransport(app=app)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
            httpx.AsyncClient(base_url=sim) as sim_http,
        ):
            r = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
            r.raise_for_status()
            store = await _connect(client, sim_http)
            print(f"connected store {store}; warming up", file=sys.stderr)
            paths = {
                "inventory": f"/api/v1/stores/{store}/inventory",
                "orders": f"/api/v1/stores/{store}/orders?days=30&limit=20",
            }
            for path in paths.values():  # warm up: token cache, connections, plans
                await throughput(client, path, 1.0, concurrency)
            results: dict[tuple[str, str], list[float]] = {}
            for _ in range(rounds):
                for mode in ("off", "on"):
                    audit_service.record = original if mode == "on" else no_audit
                    try:
                        for name, path in paths.items():
                            rps = await throughput(client, path, seconds, concurrency)
                            print(f"{name} audit {mode}: {rps:.1f}/s", file=sys.stderr)
                            results.setdefault((name, mode), []).append(rps)
                    finally:
                        audit_service.record = original
    print(f"API read throughput, {rounds} rounds x {seconds:.0f} s, concurrency {concurrency}")
    print(f"{'endpoint':<11}{'audit off':>12}{'audit on':>12}{'on/off':>9}{'cost':>8}")
    for name in paths:
        off = statistics.median(results[(name, "off")])
        on = statistics.median(results[(name, "on")])
        # Rounds alternate off/on back to back; the median of each pair's ratio resists the
        # drift of a shared machine better than the ratio of the medians.
        paired = statistics.median(
            b / a for a, b in zip(results[(name, "off")], results[(name, "on")], strict=True)
        )
        print(f"{name:<11}{off:>10.1f}/s{on:>10.1f}/s{paired:>9.3f}{(1 - paired):>8.1%}")
    print(
        "(throughput: medians of the rounds; on/off: median of the paired rounds;"
        " target: cost < 15%)"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=3)
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
        asyncio.run(
            run(
                args.seconds,
                args.rounds,
                args.concurrency,
                database_url,
                f"http://127.0.0.1:{port}",
            )
        )
    finally:
        sim.terminate()
        sim.wait(timeout=10)
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
