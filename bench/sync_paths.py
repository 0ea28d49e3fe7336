"""Sync of the default benchmark store through reports and through paging, in one run.

    uv run python -m bench.sync_paths [--skus 120] [--orders 300] [--time-scale 50]

Two stores of the same simulated seller size (bench/sync_paging.py's default: 120 SKUs per
marketplace, 300 orders), each synced in full once through API paging and once through reports
(MINTHUB_SYNC_PATH=paging / report). Prints requests per SP-API operation (counted from the
audit trail: one `spapi_call` per HTTP attempt) and wall time side by side, with ratios.
Report processing time and usage-plan waits scale with --time-scale (the simulator's queue
20 s + processing 40 s become 1.2 s at x50). Needs PostgreSQL on 127.0.0.1:5432.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections import Counter

import httpx
from sqlalchemy import func, select, text
from tests.conftest import RunningSimulator, connect_store, make_settings, signed_in_client
from tests.support.db import temporary_database
from tests.support.servers import free_port, run_in_thread

from minthub_api.audit.models import AuditEvent
from minthub_api.core import migrations
from minthub_api.core.rls import system_context
from minthub_api.main import create_app
from minthub_api.simulator import SimulatorConfig, create_simulator_app
from minthub_api.sync.service import SyncRuntime, run_sync


async def _calls(app: object, store_id: uuid.UUID) -> Counter[str]:
    sessionmaker = app.state.sessionmaker  # type: ignore[attr-defined]
    op = AuditEvent.operation.label("op")
    async with sessionmaker() as session, system_context(session, "bench"):
        rows = (
            await session.execute(
                select(op, func.count())
                .where(AuditEvent.store_id == store_id, AuditEvent.action == "spapi_call")
                .group_by(text("op"))
            )
        ).all()
    return Counter({str(op): int(n) for op, n in rows})


async def bench(db: str, sim: RunningSimulator) -> None:
    app = create_app(make_settings(db, sim, sync_orders_initial_days=100, sync_on_connect=False))
    results: dict[str, tuple[Counter[str], float, dict[str, int]]] = {}
    async with app.router.lifespan_context(app), httpx.AsyncClient(base_url=sim.url) as s:
        for path in ("paging", "report"):
            async with signed_in_client(app) as client:
                store = await connect_store(client, s)
            store_id = uuid.UUID(str(store["id"]))
            settings = app.state.settings.model_copy(
                update={"sync_path": path, "report_poll_seconds": 30 / sim.config.time_scale}
            )
            rt = SyncRuntime(app.state.engine, app.state.sessionmaker, app.state.amazon, settings)
            before = await _calls(app, store_id)
            started = time.perf_counter()
            # The two datasets with both paths (listings page; restock is report-only).
            outcome = await run_sync(rt, store_id, datasets=("inventory", "orders"), full=True)
            wall = time.perf_counter() - started
            assert all(d.state == "succeeded" for d in outcome.datasets), outcome
            assert {d.source for d in outcome.datasets} == {
                "api_paging" if path == "paging" else "report"
            }, outcome
            calls = await _calls(app, store_id)
            calls.subtract(before)
            results[path] = (+calls, wall, {d.dataset: d.rows for d in outcome.datasets})
    cfg = sim.config
    print(
        f"store: {cfg.skus_per_seller} SKUs per marketplace, {cfg.orders_per_seller} orders;"
        f" simulator and usage plans x{cfg.time_scale}"
    )
    paging, report = results["paging"], results["report"]
    ops = sorted(set(paging[0]) | set(report[0]))
    print(f"{'operation':<22} {'paging':>8} {'report':>8}")
    for op in ops:
        print(f"{op:<22} {paging[0][op]:>8} {report[0][op]:>8}")
    tp, tr = sum(paging[0].values()), sum(report[0].values())
    print(f"{'requests, total':<22} {tp:>8} {tr:>8}   report/paging {tr / tp:.2f}")
    print(
        f"{'wall s':<22} {paging[1]:>8.2f} {report[1]:>8.2f}   report/paging"
        f" {report[1] / paging[1]:.2f}"
    )
    print(
        f"{'rows (inv, orders)':<22} {tuple(paging[2].values())!s:>8} "
        f"{tuple(report[2].values())!s:>8}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skus", type=int, default=120)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--time-scale", type=float, default=50.0)
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
