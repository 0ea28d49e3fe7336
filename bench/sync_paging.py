"""Sync cost of a simulated store through API paging: requests per operation and wall time.

    uv run python -m bench.sync_paging [--skus 120] [--orders 300] [--time-scale 1]

Prints the first (full) sync, the incremental one after it, and a --full re-sync, side by
side. The report path (GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA, GET_FLAT_FILE_ALL_ORDERS_DATA_
BY_LAST_UPDATE_GENERAL) joins this table once the Reports operations exist.
Needs PostgreSQL on 127.0.0.1:5432 (MINTHUB_TEST_ADMIN_DSN), like the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

import httpx
from tests.conftest import RunningSimulator, connect_store, make_settings, signed_in_client
from tests.support.db import temporary_database
from tests.support.servers import free_port, run_in_thread

from minthub_api.core import migrations
from minthub_api.main import create_app
from minthub_api.simulator import SimulatorConfig, create_simulator_app
from minthub_api.sync.service import SyncRuntime, run_sync


async def bench(db: str, sim: RunningSimulator) -> None:
    config, sim_url = sim.config, sim.url
    skus, orders, time_scale = config.skus_per_seller, config.orders_per_seller, config.time_scale
    app = create_app(make_settings(db, sim, sync_orders_initial_days=100))
    async with app.router.lifespan_context(app), httpx.AsyncClient(base_url=sim_url) as s:
        async with signed_in_client(app) as client:
            store = await connect_store(client, s)
        rt = SyncRuntime(
            app.state.engine, app.state.sessionmaker, app.state.amazon, app.state.settings
        )
        rows = []
        for label, full in (("first sync", False), ("incremental", False), ("--full", True)):
            started = time.perf_counter()
            outcome = await run_sync(rt, uuid.UUID(str(store["id"])), full=full)
            wall = time.perf_counter() - started
            by = {d.dataset: d for d in outcome.datasets}
            rows.append(
                (
                    label,
                    by["inventory"].requests,
                    by["inventory"].rows,
                    by["orders"].requests,
                    by["orders"].rows,
                    wall,
                )
            )
    mps = len(store["marketplace_ids"])  # type: ignore[arg-type]
    print(
        f"store: {skus} SKUs x {mps} marketplaces, {orders} orders (all marketplaces); "
        f"usage plans x{time_scale}"
    )
    print(
        f"{'run':<12} {'inv req':>8} {'inv rows':>9} {'ord req':>8} {'ord rows':>9} {'wall s':>7}"
    )
    for label, ir, irows, orq, orows, wall in rows:
        print(f"{label:<12} {ir:>8} {irows:>9} {orq:>8} {orows:>9} {wall:>7.2f}")
    first, inc = rows[0], rows[1]
    print(
        f"incremental / first: requests {(inc[1] + inc[3]) / (first[1] + first[3]):.2f}, "
        f"wall {inc[5] / first[5]:.2f}"
    )
    print("reports path: not measured (needs the Reports operations)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skus", type=int, default=120)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--time-scale", type=float, default=1.0)
    args = parser.parse_args()
    port = free_port()
    config = SimulatorConfig(
        base_url=f"http://127.0.0.1:{port}",
        skus_per_seller=args.skus,
        orders_per_seller=args.orders,
        time_scale=args.time_scale,
        redirect_uris=["http://testserver/api/v1/oauth/amazon/callback"],
    )
    with (
        temporary_database("minthub_bench") as db,
        run_in_thread(create_simulator_app(config), port) as sim_url,
    ):
        migrations.upgrade(db)
        asyncio.run(bench(db, RunningSimulator(url=sim_url, config=config)))


if __name__ == "__main__":
    main()
