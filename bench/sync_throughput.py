"""Sync throughput against the usage-plan limit, and against python-amazon-sp-api.

Job per store: all FBA inventory summaries of the US marketplace (details=true) and the last
N days of orders (searchOrders, Orders API 2026-01-01), from the simulated Amazon over real HTTP.
Every store is a different selling partner, so each has its own usage plans (as at Amazon).

    uv run python bench/sync_throughput.py                  # 10 stores x 2000 SKUs x 1500 orders
    uv run python bench/sync_throughput.py --time-scale 10  # plans 10x faster (simulator + us)
    uv run python bench/sync_throughput.py --database-url postgresql+asyncpg://...  # PG buckets

Our client runs with `FairScheduler(max_in_flight=8)` (`--max-in-flight`): the simulator shares
this machine's two cores with both clients, and fewer requests queued at once keep its answer
times, and so Amazon-side bucket arrival times, steady.

Printed for each client: wall time, requests, 429s received, the least time the usage plans
allow for the same work (per store: max over operations of (requests - burst) / rate, stores in
parallel), and wall / limit; then the peer/ours wall-time ratio.

The peer, python-amazon-sp-api, runs "the usual way": one client per store (each in its own
thread), `@throttle_retry()` + `@load_all_pages(...)` from `sp_api.util`, with their default
delays. To point it at the simulator we (1) pass `auth_token_client_class=` a subclass of its
`AccessTokenClient` whose `scheme`/`host` are the simulator's, (2) set the client instance's
`endpoint` to the simulator's URL, and (3) at a time scale N, give `sp_api.util.retry` and
`sp_api.util.load_all_pages` a `time` whose `sleep(s)` sleeps s/N — the same N-times-faster
clock our client's rate limiter gets through `time_scale`. Nothing else of the library changes.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import math
import os
import secrets
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from minthub_api.amazon import (
    AccessTokenCache,
    FairScheduler,
    InMemoryRateLimiter,
    LwaClient,
    Priority,
    RateLimiter,
    Region,
    SpApiClient,
    StoreApi,
    StoreCredentials,
    build_user_agent,
    iter_inventory_summaries,
    iter_orders,
)
from minthub_api.amazon.throttle import usage_plan
from minthub_api.simulator import SimulatorConfig

US = "ATVPDKIKX0DER"
REDIRECT = "http://127.0.0.1:5173/amazon/callback"
SIM_ORDER_DAYS = 90  # the simulator spreads each seller's orders over 90 days
OPERATIONS = ("getInventorySummaries", "searchOrders")


@dataclass
class Result:
    name: str
    wall: float
    requests: int
    throttled: int
    per_store: dict[str, dict[str, int]]  # seller -> operation -> successful requests
    items: int


@contextmanager
def simulator(config: SimulatorConfig, port: int) -> Iterator[str]:
    """The simulator in its own process (`minthub-api simulate-amazon`), as Amazon would be:
    it must not share this process's interpreter lock with the clients under test."""
    env = {
        **os.environ,
        **{
            f"MINTHUB_SIM_{k.upper()}": str(v)
            for k, v in {
                "base_url": config.base_url,
                "skus_per_seller": config.skus_per_seller,
                "orders_per_seller": config.orders_per_seller,
                "time_scale": config.time_scale,
                "seed": config.seed,
            }.items()
        },
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from minthub_api.cli import main; main()",
            "simulate-amazon",
            "--port",
            str(port),
        ],
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/_sim/calls", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the simulator did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def connect(http: httpx.AsyncClient, url: str, config: SimulatorConfig, seller: str) -> str:
    answer = await http.post(
        f"{url}/apps/authorize/consent",
        data={
            "application_id": config.application_id,
            "state": "bench",
            "redirect_uri": REDIRECT,
            "version": "beta",
            "selling_partner_id": seller,
            "decision": "approve",
        },
    )
    code = parse_qs(urlsplit(answer.headers["location"]).query)["spapi_oauth_code"][0]
    lwa = LwaClient(
        http,
        token_url=f"{url}/auth/o2/token",
        client_id=config.client_id,
        client_secret=config.client_secret,
    )
    return (await lwa.exchange_code(code, REDIRECT)).refresh_token


async def sim_calls(url: str, reset: bool = False) -> dict[str, Any]:
    async with httpx.AsyncClient() as http:
        if reset:
            await http.post(f"{url}/_sim/reset-calls")  # counters and buckets (full again)
        calls: dict[str, Any] = (await http.get(f"{url}/_sim/calls")).json()["spapi"]
        return calls


def counts(calls: dict[str, Any]) -> tuple[int, int, dict[str, dict[str, int]]]:
    requests = throttled = 0
    per_store: dict[str, dict[str, int]] = {}
    for seller, ops in calls.items():
        for op, c in ops.items():
            requests += c["calls"]
            throttled += c["throttled"]
            per_store.setdefault(seller, {})[op] = c["statuses"].get("200", 0)
    return requests, throttled, per_store


def plan_limit(per_store: dict[str, dict[str, int]], scale: float) -> float:
    """Least wall time the usage plans allow: stores in parallel, operations in parallel."""
    worst = 0.0
    for ops in per_store.values():
        for op, n in ops.items():
            rate, burst = usage_plan(op)
            worst = max(worst, max(0.0, (n - burst) / rate))
    return worst / scale


# --- ours --------------------------------------------------------------------------------------
async def run_ours(
    url: str,
    config: SimulatorConfig,
    sellers: dict[str, str],
    days: int,
    limiter: RateLimiter,
    pages: int | None = None,
    max_in_flight: int = 32,
) -> Result:
    """The job for every store at once; `pages` stops each listing early (warm-up)."""
    await sim_calls(url, reset=True)
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        lwa = LwaClient(
            http,
            token_url=f"{url}/auth/o2/token",
            client_id=config.client_id,
            client_secret=config.client_secret,
        )
        client = SpApiClient(
            http,
            lwa,
            token_cache=AccessTokenCache(),
            rate_limiter=limiter,
            user_agent=build_user_agent("MintHubBench", "1"),
            endpoint_override=url,
            scheduler=FairScheduler(max_in_flight=max_in_flight),
        )
        since = datetime.now(UTC) - timedelta(days=days)

        async def store_job(seller: str, refresh: str) -> int:
            async def load() -> str:
                return refresh

            api: StoreApi = client.for_store(
                StoreCredentials(seller, seller, Region.NA, load), priority=Priority.background
            )

            async def inventory() -> int:
                n = 0
                async for page in iter_inventory_summaries(api, marketplace_id=US):
                    n += len(page.items)
                    if pages is not None:
                        break
                return n

            async def orders() -> int:
                n = 0
                async for page in iter_orders(api, marketplace_ids=[US], created_after=since):
                    n += len(page.items)
                    if pages is not None:
                        break
                return n

            return sum(await asyncio.gather(inventory(), orders()))

        started = time.perf_counter()
        items = sum(await asyncio.gather(*(store_job(s, r) for s, r in sellers.items())))
        wall = time.perf_counter() - started
    requests, throttled, per_store = counts(await sim_calls(url))
    return Result("minthub", wall, requests, throttled, per_store, items)


# --- python-amazon-sp-api ----------------------------------------------------------------------
def run_peer(
    url: str, config: SimulatorConfig, sellers: dict[str, str], days: int, scale: float
) -> Result:
    from sp_api.api import Inventories, OrdersV20260101
    from sp_api.auth import AccessTokenClient
    from sp_api.base import Marketplaces
    from sp_api.util import load_all_pages, throttle_retry

    # `sp_api.util.load_all_pages` is the function (re-exported); patch the modules themselves.
    load_all_pages_module = importlib.import_module("sp_api.util.load_all_pages")
    retry_module = importlib.import_module("sp_api.util.retry")

    scaled_time = types.SimpleNamespace(sleep=lambda s: time.sleep(s / scale), time=time.time)
    retry_module.__dict__["time"] = scaled_time
    load_all_pages_module.__dict__["time"] = scaled_time
    host = urlsplit(url).netloc

    class SimTokenClient(AccessTokenClient):  # type: ignore[misc]  # untyped base
        scheme = "http://"

    SimTokenClient.host = host
    credentials = {"lwa_app_id": config.client_id, "lwa_client_secret": config.client_secret}
    since = (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def store_job(refresh: str) -> int:
        inventories = Inventories(
            Marketplaces.US,
            refresh_token=refresh,
            credentials=credentials,
            auth_token_client_class=SimTokenClient,
        )
        orders = OrdersV20260101(
            Marketplaces.US,
            refresh_token=refresh,
            credentials=credentials,
            auth_token_client_class=SimTokenClient,
        )
        inventories.endpoint = orders.endpoint = url

        # The documented decorators, applied by hand (they are untyped):
        # @throttle_retry() @load_all_pages(next_token_param=...) def ...
        all_inventory: Any = throttle_retry()(
            load_all_pages(next_token_param="nextToken")(
                inventories.get_inventory_summary_marketplace
            )
        )
        all_orders: Any = throttle_retry()(
            load_all_pages(next_token_param="paginationToken")(orders.search_orders)
        )

        n = 0
        for page in all_inventory(details=True, marketplaceIds=[US]):
            n += len(page.payload.get("inventorySummaries", []))
        for page in all_orders(
            createdAfter=since,
            marketplaceIds=[US],
            maxResultsPerPage=100,
            includedData=["FULFILLMENT", "PROCEEDS"],
        ):
            n += len(page.payload.get("orders", []))
        return n

    asyncio.run(sim_calls(url, reset=True))
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(sellers)) as pool:
        items = sum(pool.map(store_job, sellers.values()))
    wall = time.perf_counter() - started
    requests, throttled, per_store = counts(asyncio.run(sim_calls(url)))
    return Result("python-amazon-sp-api", wall, requests, throttled, per_store, items)


def report(result: Result, scale: float) -> float:
    limit = plan_limit(result.per_store, scale)
    ratio = result.wall / limit if limit else math.inf
    print(
        f"{result.name:>22}: wall {result.wall:8.2f} s | requests {result.requests:5d} | "
        f"429s {result.throttled:4d} | usage-plan limit {limit:7.2f} s | "
        f"wall/limit {ratio:5.2f} | items {result.items}"
    )
    return limit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stores", type=int, default=10)
    parser.add_argument("--skus", type=int, default=2000)
    parser.add_argument("--orders", type=int, default=1500, help="orders per store in --days")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--database-url",
        help="use the PostgreSQL-shared rate limiter (postgresql+asyncpg://..., migrated)",
    )
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument(
        "--max-in-flight",
        type=int,
        default=8,
        help="our client's in-flight request cap (FairScheduler)",
    )
    args = parser.parse_args()

    config = SimulatorConfig(
        base_url=f"http://127.0.0.1:{args.port}",
        skus_per_seller=args.skus,
        orders_per_seller=args.orders * SIM_ORDER_DAYS // args.days,
        time_scale=args.time_scale,
        seed=11,
    )
    with simulator(config, args.port) as url:

        async def setup() -> dict[str, str]:
            async with httpx.AsyncClient(timeout=30) as http:
                ids = [f"A{secrets.token_hex(6).upper()}" for _ in range(args.stores)]
                tokens = await asyncio.gather(*(connect(http, url, config, s) for s in ids))
                return dict(zip(ids, tokens, strict=True))

        sellers = asyncio.run(setup())
        # Let the simulator generate every seller's data before timing anything.
        asyncio.run(run_ours(url, config, sellers, args.days, InMemoryRateLimiter(), pages=1))
        print(
            f"{args.stores} stores x {args.skus} SKUs x ~{args.orders} orders "
            f"({args.days} days), time scale {args.time_scale:g}"
        )

        async def ours() -> Result:
            limiter: RateLimiter
            if args.database_url:
                from sqlalchemy.ext.asyncio import create_async_engine

                from minthub_api.amazon.throttle_pg import PostgresRateLimiter

                engine = create_async_engine(args.database_url)
                try:
                    limiter = PostgresRateLimiter(engine, time_scale=args.time_scale)
                    return await run_ours(
                        url, config, sellers, args.days, limiter, max_in_flight=args.max_in_flight
                    )
                finally:
                    await engine.dispose()
            limiter = InMemoryRateLimiter(time_scale=args.time_scale)
            return await run_ours(
                url, config, sellers, args.days, limiter, max_in_flight=args.max_in_flight
            )

        mine = asyncio.run(ours())
        report(mine, args.time_scale)
        if not args.skip_peer:
            peer = run_peer(url, config, sellers, args.days, args.time_scale)
            report(peer, args.time_scale)
            print(f"{'peer / minthub':>22}: {peer.wall / mine.wall:.2f}x wall time")


if __name__ == "__main__":
    main()
