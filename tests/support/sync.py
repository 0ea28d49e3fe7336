"""Sync helpers for tests: run the real sync in-process, and the simulator's own data."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI

from minthub_api.simulator.catalogue import Sku, build_catalogue, build_inventory
from minthub_api.simulator.orders_data import OrderSeed, build_orders
from minthub_api.sync.service import SyncOutcome, SyncRuntime, run_sync
from tests.conftest import RunningSimulator


def runtime(app: FastAPI, **settings: Any) -> SyncRuntime:
    return SyncRuntime(
        engine=app.state.engine,
        sessionmaker=app.state.sessionmaker,
        amazon=app.state.amazon,
        mail=app.state.mail,
        # 100 days: every simulated order (they span 90 days before today's 00:00 UTC).
        settings=app.state.settings.model_copy(update={"sync_orders_initial_days": 100} | settings),
    )


async def sync(app: FastAPI, store_id: object, **kwargs: Any) -> SyncOutcome:
    return await run_sync(runtime(app), uuid.UUID(str(store_id)), **kwargs)


@dataclass
class SimData:
    """The simulator's data for one seller, straight from its deterministic generators."""

    catalogue: list[Sku]
    orders: list[OrderSeed]
    anchor: datetime

    def inventory(self, seed: int, spid: str, marketplace_id: str) -> list[dict[str, Any]]:
        return build_inventory(seed, spid, marketplace_id, self.catalogue)


def sim_data(sim: RunningSimulator, spid: str) -> SimData:
    cfg = sim.config
    catalogue = build_catalogue(cfg.seed, spid, cfg.skus_per_seller)
    now = datetime.now(UTC)
    return SimData(
        catalogue=catalogue,
        orders=build_orders(cfg.seed, spid, cfg.orders_per_seller, catalogue),
        anchor=now.replace(hour=0, minute=0, second=0, microsecond=0),
    )
