"""Load on the API: many concurrent clients reading inventory and order summaries, beside a bare
FastAPI + asyncpg app running the inventory endpoint's own SQL, in one run.

    uv run python -m bench.api_load [--seconds 20] [--clients 32] [--rounds 2]

Set-up (throwaway PostgreSQL database, `MINTHUB_TEST_ADMIN_DSN`, default
postgresql://postgres@127.0.0.1:5432/postgres): migrations, the simulated Amazon in its own
process, the real app as `minthub-api serve` (one uvicorn process, auditing on, JSON logs to a
file, connected as a login role of `minthub_app` so row-level security applies), a user, one
store connected through the consent flow, then 10,000 SKUs of inventory and 5,000 orders
(15,000 lines) written into its snapshots with fresh sync state (so reads queue no refresh).

The bare app (`bench/api_load.py` itself, `--bare`) is one uvicorn process too: FastAPI, an
asyncpg pool, no auth, audit, RLS or logging, and the SQL that SQLAlchemy compiles for the
inventory endpoint's page and totals queries (`inventory/service.py`) and for the order
summary's queries.

Phases, alternating so a drifting machine favours neither, `--rounds` times:
- `inventory` on the app and on the bare app: each client reads 5 consecutive pages of 100
  (the API's cursor; offset for the bare app), from a starting page that moves on each walk;
- `mixed` on both: 3 of 4 requests inventory pages, 1 of 4 `GET .../orders/summary` (7, 30 or
  90 days); the bare app runs the summary's four queries (`sync/repository.py`) and returns
  the groups unfolded.
Prints requests/s, p50/p95/p99 and errors per phase (and what the errors were), and app/bare
throughput for both mixes (target >= 0.6, zero errors). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from sqlalchemy import DateTime, Integer, String, Uuid, bindparam
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

from bench.audit_overhead import ADMIN_DSN, APP_LOGIN_ROLE, _admin, _app_role, _connect, free_port
from minthub_api.core import migrations
from minthub_api.inventory.schemas import InventorySort
from minthub_api.inventory.service import InventoryQuery, filtered, ordered, totals_statement
from minthub_api.orders.summary import (
    CANCELLED,
    UNSHIPPED,
    local_midnight_utc,
    resolve_range,
    time_zone_of,
)
from minthub_api.sync.repository import (
    late_unshipped_statement,
    line_sales_statement,
    order_counts_statement,
    sku_sales_json_statement,
)

BIN = Path(sys.executable).parent / "minthub-api"
SKUS = 10_000
ORDERS = 5_000
PAGE = 100
PAGES_PER_WALK = 5
EMAIL = "load@minthub.example"
PASSWORD = "bench-password-0123456789"
US = "ATVPDKIKX0DER"


@dataclass(frozen=True)
class Sql:
    text: str
    names: tuple[str, ...]  # the name of each positional parameter ($1, $2, ...)
    defaults: dict[str, Any]  # values bound in the statement (the totals' zeros)

    def args(self, **values: Any) -> list[Any]:
        return [values[n] if n in values else self.defaults[n] for n in self.names]


def _compiled(stmt: Any) -> Sql:
    # render_postcompile: IN lists become plain positional parameters (so every parameter
    # has a value: None for the ones a request fills in).
    compiled = stmt.compile(
        dialect=asyncpg_dialect(),  # type: ignore[no-untyped-call]
        compile_kwargs={"render_postcompile": True},
    )
    return Sql(str(compiled), tuple(compiled.positiontup or ()), dict(compiled.params))


def inventory_sql() -> tuple[Sql, Sql]:
    """The inventory endpoint's page and totals queries, as SQLAlchemy compiles them for
    asyncpg (parameters: `sid` the store, `off`/`lim` the page)."""
    # The endpoint's defaults, the store id as a parameter instead of a value.
    base = filtered(bindparam("sid", None, type_=Uuid), InventoryQuery())
    page = (
        ordered(base, InventorySort.sku)
        .offset(bindparam("off", None, type_=Integer))
        .limit(bindparam("lim", None, type_=Integer))
    )
    return _compiled(page), _compiled(totals_statement(base))


def summary_sql() -> list[Sql]:
    """The order summary's four queries (orders/summary.py, all marketplaces), parameters
    `sid` the store, `start`/`end` the range, `days` its length, `tz` its time zone, `now`."""
    sid = bindparam("sid", None, type_=Uuid)
    start, end = (
        bindparam("start", None, type_=DateTime(True)),
        bindparam("end", None, type_=DateTime(True)),
    )
    tz = bindparam("tz", None, type_=String)
    return [
        _compiled(order_counts_statement(sid, start, end, tz, None)),
        _compiled(line_sales_statement(sid, start, end, tz, None, CANCELLED)),
        _compiled(
            sku_sales_json_statement(
                sid, start, end, bindparam("days", None, type_=Integer), None, CANCELLED
            )
        ),
        _compiled(
            late_unshipped_statement(
                sid, bindparam("now", None, type_=DateTime(True)), UNSHIPPED, None
            )
        ),
    ]


# --- The bare app ---------------------------------------------------------------------------


def bare_app(dsn: str) -> Any:
    from contextlib import asynccontextmanager

    from fastapi import FastAPI, Query

    page_sql, totals_sql = inventory_sql()
    summary_queries = summary_sql()
    pool: dict[str, asyncpg.Pool] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        pool["p"] = await asyncpg.create_pool(dsn, min_size=10, max_size=10)
        yield
        await pool["p"].close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/stores/{store_id}/inventory")
    async def inventory(
        store_id: uuid.UUID, offset: int = Query(0, ge=0), limit: int = Query(PAGE, le=500)
    ) -> dict[str, Any]:
        async with pool["p"].acquire() as conn:
            rows = await conn.fetch(
                page_sql.text, *page_sql.args(sid=store_id, off=offset, lim=limit + 1)
            )
            t = await conn.fetchrow(totals_sql.text, *totals_sql.args(sid=store_id))
        assert t is not None
        more = len(rows) > limit
        return {
            "items": [dict(r) for r in rows[:limit]],
            "next_offset": offset + limit if more else None,
            "totals": {"skus": t[0], "fulfillable": t[1], "total": t[8]},
        }

    @app.get("/stores/{store_id}/orders/summary")
    async def summary(store_id: uuid.UUID, days: int = Query(30, ge=1, le=366)) -> dict[str, Any]:
        # The range as the app computes it (the seeded store's first marketplace is the US).
        now = datetime.now(UTC)
        tz = ZoneInfo(time_zone_of(US))
        first, last = resolve_range(days=days, from_date=None, to_date=None, tz=tz, now=now)
        values = {
            "sid": store_id,
            "start": local_midnight_utc(first, tz),
            "end": local_midnight_utc(last + timedelta(days=1), tz),
            "days": days,
            "tz": tz.key,
            "now": now,
        }
        async with pool["p"].acquire() as conn:
            groups = [await conn.fetch(q.text, *q.args(**values)) for q in summary_queries]
        return {"groups": [[list(r.values()) for r in rows] for rows in groups]}

    return app


# --- Load -------------------------------------------------------------------------------


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0
    kinds: Counter[str] = field(default_factory=Counter)  # what each error was

    def line(self, name: str) -> str:
        lat = sorted(self.latencies)
        q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [0.0] * 99
        rps = len(lat) / self.elapsed if self.elapsed else 0.0
        return (
            f"{name:<22}{rps:>9.1f}{q[49] * 1000:>9.1f}{q[94] * 1000:>9.1f}{q[98] * 1000:>9.1f}"
            f"{len(lat):>9}{self.errors:>8}"
        )

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


async def load(
    base_url: str,
    cookies: httpx.Cookies | None,
    store: str,
    *,
    bare: bool,
    mixed: bool,
    seconds: float,
    clients: int,
) -> Result:
    result = Result()
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(
        base_url=base_url, cookies=cookies, timeout=60, limits=limits
    ) as client:

        async def timed(path: str, params: dict[str, Any]) -> dict[str, Any] | None:
            t0 = time.perf_counter()
            try:
                r = await client.get(path, params=params)
            except httpx.HTTPError as exc:
                result.errors += 1
                result.kinds[type(exc).__name__] += 1
                return None
            if r.status_code != 200:
                result.errors += 1
                result.kinds[f"HTTP {r.status_code}"] += 1
                return None
            result.latencies.append(time.perf_counter() - t0)
            body: dict[str, Any] = r.json()
            return body

        async def one_client(n: int) -> None:
            walk = 0
            while time.perf_counter() < stop:
                walk += 1
                if mixed and (n + walk) % 4 == 0:
                    days = (7, 30, 90)[walk % 3]
                    prefix = "" if bare else "/api/v1"
                    await timed(f"{prefix}/stores/{store}/orders/summary", {"days": days})
                    continue
                start = (n * 13 + walk * 7) % (SKUS // PAGE - PAGES_PER_WALK)
                if bare:
                    offset = start * PAGE
                    for _ in range(PAGES_PER_WALK):
                        body = await timed(
                            f"/stores/{store}/inventory", {"offset": offset, "limit": PAGE}
                        )
                        if body is None or body["next_offset"] is None:
                            break
                        offset = body["next_offset"]
                else:
                    # The API's cursors are opaque: reach the starting page by walking there
                    # once per client, then read consecutive pages as a client would.
                    params: dict[str, Any] = {"limit": PAGE}
                    cursor = await skip_to(start)
                    if cursor:
                        params["cursor"] = cursor
                    for _ in range(PAGES_PER_WALK):
                        body = await timed(f"/api/v1/stores/{store}/inventory", params)
                        if body is None or not body.get("next_cursor"):
                            break
                        params = {"limit": PAGE, "cursor": body["next_cursor"]}

        cursors: dict[int, str | None] = {0: None}

        async def skip_to(page: int) -> str | None:
            if page in cursors:
                return cursors[page]
            known = max(p for p in cursors if p < page)
            cursor = cursors[known]
            while known < page:  # not timed: set-up of the walk, cached for every client
                params: dict[str, Any] = {"limit": PAGE}
                if cursor:
                    params["cursor"] = cursor
                r = await client.get(f"/api/v1/stores/{store}/inventory", params=params)
                cursor = r.json()["next_cursor"]
                known += 1
                cursors[known] = cursor
            return cursor

        if not bare:  # every starting page's cursor, before the clock starts
            for p in range(SKUS // PAGE - PAGES_PER_WALK):
                await skip_to(p)
            stop = time.perf_counter() + seconds
        started = time.perf_counter()
        await asyncio.gather(*(one_client(n) for n in range(clients)))
        result.elapsed = time.perf_counter() - started
    return result


# --- Set-up -------------------------------------------------------------------------------


def wait_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: exited {proc.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


async def seed(owner_dsn: str, store_id: str) -> None:
    """10,000 SKUs in the store's first marketplace; 5,000 orders of 3 lines, one in ten
    cancelled, the newest 60 unshipped (a few of them late); fresh sync state."""
    conn = await asyncpg.connect(owner_dsn)
    try:
        marketplace = await conn.fetchval(
            "SELECT marketplace_ids[1] FROM stores WHERE id = $1", uuid.UUID(store_id)
        )
        await conn.execute(
            "DELETE FROM inventory_snapshots WHERE store_id = $1", uuid.UUID(store_id)
        )
        await conn.execute(
            """
            INSERT INTO inventory_snapshots (store_id, marketplace_id, sku, asin, fnsku,
                product_name, condition, fulfillable, inbound_working, inbound_shipped,
                inbound_receiving, reserved, unfulfillable, researching, total,
                amazon_updated_at, synced_at)
            SELECT $1, $2, 'SKU-' || lpad(n::text, 6, '0'), 'B0' || lpad(n::text, 8, '0'),
                   'X0' || lpad(n::text, 8, '0'), 'Product number ' || n || ' in a long name',
                   'NewItem', n % 97, n % 5, n % 7, n % 3, n % 11, n % 13, 0,
                   n % 97 + n % 5 + n % 7 + n % 3 + n % 11 + n % 13, now(), now()
              FROM generate_series(1, $3) n
            """,
            uuid.UUID(store_id),
            marketplace,
            SKUS,
        )
        await conn.execute(
            """
            INSERT INTO order_snapshots (store_id, order_id, status, purchase_date,
                latest_ship_date, last_update_date, marketplace_id, fulfillment_channel,
                item_count, order_total, currency, synced_at)
            SELECT $1, 'ORD-' || lpad(n::text, 7, '0'),
                   CASE WHEN n <= 60 THEN 'UNSHIPPED' WHEN n % 10 = 0 THEN 'CANCELLED'
                        ELSE 'SHIPPED' END,
                   now() - make_interval(mins => n * 25),
                   now() - make_interval(mins => n * 25) + interval '1 day',
                   now() - make_interval(mins => n * 20),
                   $2, (ARRAY['AFN','MFN'])[n % 2 + 1], 3, (n % 200) + 9.99, 'USD', now()
              FROM generate_series(1, $3) n
            ON CONFLICT DO NOTHING
            """,
            uuid.UUID(store_id),
            marketplace,
            ORDERS,
        )
        await conn.execute(
            """
            INSERT INTO order_item_snapshots (store_id, order_id, order_item_id, sku, asin,
                quantity, unit_price, currency)
            SELECT $1, 'ORD-' || lpad(n::text, 7, '0'), 'IT-' || n || '-' || k,
                   'SKU-' || lpad(((n * 7 + k * 131) % $3 + 1)::text, 6, '0'), NULL,
                   1 + k % 2, 4.99 + k, 'USD'
              FROM generate_series(1, $2) n, generate_series(1, 3) k
            ON CONFLICT DO NOTHING
            """,
            uuid.UUID(store_id),
            ORDERS,
            SKUS,
        )
        for dataset, rows in (("inventory", SKUS), ("orders", ORDERS)):
            await conn.execute(
                """
                INSERT INTO sync_datasets (store_id, dataset, state, source, last_success_at,
                    finished_at, rows_total, next_sync_at, last_viewed_at, "full", rows_seen,
                    pages, requests, attempts)
                VALUES ($1, $2, 'succeeded', 'api_paging', now(), now(), $3,
                        now() + interval '1 day', now(), false, $3, 1, 1, 1)
                ON CONFLICT (store_id, dataset) DO UPDATE SET state = 'succeeded',
                    last_success_at = now(), finished_at = now(), rows_total = $3
                """,
                uuid.UUID(store_id),
                dataset,
                rows,
            )
        await conn.execute("ANALYZE inventory_snapshots, order_snapshots, order_item_snapshots")
    finally:
        await conn.close()


def run(args: argparse.Namespace, owner_url: str, tmp: Path) -> None:
    owner_dsn = owner_url.replace("postgresql+asyncpg://", "postgresql://")
    app_url = owner_url.replace("://postgres@", f"://{APP_LOGIN_ROLE}@", 1)
    sim_port, api_port, bare_port = free_port(), free_port(), free_port()
    api = f"http://127.0.0.1:{api_port}"
    env = os.environ | {
        "MINTHUB_DATABASE_URL": app_url,
        "MINTHUB_MIGRATION_DATABASE_URL": owner_url,
        "MINTHUB_REQUIRE_MFA": "false",
        "MINTHUB_BETA_GATE": "false",
        "MINTHUB_PUBLIC_URL": api,
        "MINTHUB_LWA_CLIENT_ID": "amzn1.application-oa2-client.minthubdemo",
        "MINTHUB_LWA_CLIENT_SECRET": "minthub-demo-secret",
        "MINTHUB_SPAPI_APPLICATION_ID": "amzn1.sp.solution.minthub-demo",
        "MINTHUB_SPAPI_APP_DRAFT": "true",
        "MINTHUB_LWA_TOKEN_URL": f"http://127.0.0.1:{sim_port}/auth/o2/token",
        "MINTHUB_SELLER_CENTRAL_URL": f"http://127.0.0.1:{sim_port}",
        "MINTHUB_SPAPI_ENDPOINT": f"http://127.0.0.1:{sim_port}",
        "MINTHUB_TOKEN_KEK": "cXVpdGUtcmFuZG9tLTMyLWJ5dGVzLWZvci10ZXN0cyE=",
        "MINTHUB_LOG_FORMAT": "json",
        "MINTHUB_DB_POOL_SIZE": "10",
        "MINTHUB_DB_MAX_OVERFLOW": "0",
        "MINTHUB_DATA_DIR": str(tmp / "data"),
        "MINTHUB_SIM_BASE_URL": f"http://127.0.0.1:{sim_port}",
        "MINTHUB_SIM_REDIRECT_URIS": f"{api}/api/v1/oauth/amazon/callback",
    }
    subprocess.run(
        [str(BIN), "users", "create", "--email", EMAIL, "--password", PASSWORD],
        env=env,
        check=True,
        capture_output=True,
    )
    logs = [(tmp / f"{n}.log").open("wb") for n in ("sim", "api", "bare")]
    procs = [
        subprocess.Popen(
            [str(BIN), "simulate-amazon", "--port", str(sim_port)],
            env=env,
            stdout=logs[0],
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [str(BIN), "serve", "--port", str(api_port)],
            env=env,
            stdout=logs[1],
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "bench.api_load", "--bare", owner_dsn, str(bare_port)],
            env=env,
            stdout=logs[2],
            stderr=subprocess.STDOUT,
        ),
    ]
    try:
        wait_up(f"http://127.0.0.1:{sim_port}/_sim/calls", procs[0])
        wait_up(f"{api}/api/v1/health", procs[1])
        wait_up(f"http://127.0.0.1:{bare_port}/docs", procs[2])
        results, events = asyncio.run(
            measure(
                args,
                api,
                f"http://127.0.0.1:{sim_port}",
                f"http://127.0.0.1:{bare_port}",
                owner_dsn,
            )
        )
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
        for f in logs:
            f.close()
    report(results, args, events)


async def measure(
    args: argparse.Namespace, api: str, sim_url: str, bare: str, owner_dsn: str
) -> tuple[dict[str, list[Result]], int]:
    async with (
        httpx.AsyncClient(base_url=api, timeout=60) as client,
        httpx.AsyncClient(base_url=sim_url) as sim,
    ):
        r = await client.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
        r.raise_for_status()
        client.headers["X-CSRF-Token"] = client.cookies["minthub_csrf"]
        store = await _connect(client, sim)
        cookies = client.cookies
    await seed(owner_dsn, store)
    print(f"store {store}: {SKUS} SKUs, {ORDERS} orders seeded", file=sys.stderr)

    common = {"seconds": args.seconds, "clients": args.clients}
    # Warm-up (connections, caches, plans), not counted.
    await load(api, cookies, store, bare=False, mixed=True, seconds=3, clients=args.clients)
    await load(bare, None, store, bare=True, mixed=False, seconds=3, clients=args.clients)
    await load(bare, None, store, bare=True, mixed=True, seconds=3, clients=args.clients)
    phases = {  # name: (bare, mixed)
        "bare": (True, False),
        "app": (False, False),
        "bare mixed": (True, True),
        "app mixed": (False, True),
    }
    results: dict[str, list[Result]] = {name: [] for name in phases}
    for i in range(args.rounds):
        # Alternate which of each pair goes first, so a drifting machine favours neither.
        names = list(phases) if i % 2 == 0 else ["app", "bare", "app mixed", "bare mixed"]
        for name in names:
            is_bare, mixed = phases[name]
            url, jar = (bare, None) if is_bare else (api, cookies)
            res = await load(url, jar, store, bare=is_bare, mixed=mixed, **common)
            print(f"round {i + 1} {name}: {res.rps:.1f}/s", file=sys.stderr)
            results[name].append(res)
    audited = await asyncpg.connect(owner_dsn)
    try:
        events = await audited.fetchval(
            "SELECT count(*) FROM audit_events WHERE action = 'store_data_read'"
        )
    finally:
        await audited.close()
    return results, int(events)


def merged(results: list[Result]) -> Result:
    out = Result()
    for r in results:
        out.latencies += r.latencies
        out.errors += r.errors
        out.elapsed += r.elapsed
        out.kinds += r.kinds
    return out


def report(results: dict[str, list[Result]], args: argparse.Namespace, events: int) -> None:
    print(
        f"API load: {args.clients} concurrent clients, {args.rounds} rounds x {args.seconds:.0f} s"
        f" per phase; {SKUS} SKUs, {ORDERS} orders; pages of {PAGE}; {os.cpu_count()} cores"
    )
    print(
        f"{'phase':<22}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'requests':>9}{'errors':>8}"
    )
    m = {name: merged(rs) for name, rs in results.items()}
    print(m["bare"].line("bare inventory"))
    print(m["app"].line("app inventory"))
    print(m["bare mixed"].line("bare inventory+summary"))
    print(m["app mixed"].line("app inventory+summary"))
    for name, r in m.items():
        if r.kinds:
            print(f"{name} errors: " + ", ".join(f"{k} {n}" for k, n in r.kinds.most_common()))

    def ratio(app: Result, bare: Result) -> float:
        return app.rps / bare.rps if bare.rps else 0.0

    print(
        f"app/bare throughput: inventory {ratio(m['app'], m['bare']):.2f},"
        f" inventory+summary {ratio(m['app mixed'], m['bare mixed']):.2f} (target >= 0.60);"
        f" errors app {m['app'].errors + m['app mixed'].errors},"
        f" bare {m['bare'].errors + m['bare mixed'].errors};"
        f" mixed: 1 of 4 requests an order summary (7, 30 or 90 days);"
        f" store_data_read audit events written: {events}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--bare", nargs=2, metavar=("DSN", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        import uvicorn

        dsn, port = args.bare
        uvicorn.run(
            bare_app(dsn), host="127.0.0.1", port=int(port), log_level="warning", access_log=False
        )
        return
    name = f"minthub_load_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    owner_url = ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    owner_url += f"/{name}"
    tmp = Path(tempfile.mkdtemp(prefix=name))
    try:
        migrations.upgrade(owner_url)
        asyncio.run(_app_role())
        run(args, owner_url, tmp)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
