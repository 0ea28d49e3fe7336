"""The PostgreSQL-shared usage-plan limiter, against the real database (and real processes)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from minthub_api.amazon.throttle_pg import PostgresRateLimiter

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM spapi_rate_buckets"))
    yield engine
    await engine.dispose()


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


class TestPostgresRateLimiter:
    async def test_burst_then_reservations_at_the_rate(self, engine: AsyncEngine) -> None:
        sleeps = Sleeps()
        limiter = PostgresRateLimiter(engine, sleep=sleeps, safety_margin=0)
        key = ("A1", "na", "getOrder")
        for _ in range(5):
            await limiter.acquire(key, rate=0.5, burst=3)
        assert len(sleeps.waits) == 2
        # 4th and 5th requests own the tokens 2 s and 4 s ahead (rate 0.5/s), minus elapsed.
        assert sleeps.waits[0] == pytest.approx(2.0, abs=0.2)
        assert sleeps.waits[1] == pytest.approx(4.0, abs=0.2)

    async def test_two_limiters_share_one_bucket(
        self, engine: AsyncEngine, database_url: str
    ) -> None:
        other_engine = create_async_engine(database_url)
        try:
            a_sleeps, b_sleeps = Sleeps(), Sleeps()
            a = PostgresRateLimiter(engine, sleep=a_sleeps, safety_margin=0)
            b = PostgresRateLimiter(other_engine, sleep=b_sleeps, safety_margin=0)
            key = ("A1", "na", "searchOrders")
            for limiter in (a, b, a, b):
                await limiter.acquire(key, rate=0.0056, burst=2)
            # The burst of 2 is spent by the first two; the others wait ~3 and ~6 minutes.
            assert len(a_sleeps.waits) == 1 and len(b_sleeps.waits) == 1
            assert a_sleeps.waits[0] == pytest.approx(1 / 0.0056, rel=0.01)
            assert b_sleeps.waits[0] == pytest.approx(2 / 0.0056, rel=0.01)
        finally:
            await other_engine.dispose()

    async def test_stores_and_operations_are_separate(self, engine: AsyncEngine) -> None:
        sleeps = Sleeps()
        limiter = PostgresRateLimiter(engine, sleep=sleeps, safety_margin=0)
        for key in [
            ("A1", "na", "getOrder"),
            ("A2", "na", "getOrder"),
            ("A1", "eu", "getOrder"),
            ("A1", "na", "getReport"),
        ]:
            await limiter.acquire(key, rate=0.1, burst=1)
        assert sleeps.waits == []

    async def test_learned_rate_and_time_scale(self, engine: AsyncEngine) -> None:
        sleeps = Sleeps()
        limiter = PostgresRateLimiter(engine, sleep=sleeps, time_scale=2, safety_margin=0)
        key = ("A1", "na", "getOrderMetrics")
        await limiter.acquire(key, rate=0.5, burst=1)
        await limiter.update_rate(key, 1.0)
        await limiter.update_rate(key, float("nan"))  # ignored
        await limiter.acquire(key, rate=0.5, burst=1)
        # 1.0 rps learned x 2 = 0.5 s; the default (0.5 rps x 2) or no scale would give 1 s.
        # The wait is measured on the database clock, so a slow machine only shortens it.
        assert 0.3 <= sleeps.waits[0] <= 0.5

    async def test_application_wide_limit_is_shared_by_all_sellers(
        self, engine: AsyncEngine
    ) -> None:
        sleeps = Sleeps()
        limiter = PostgresRateLimiter(
            engine, sleep=sleeps, safety_margin=0, application_plans={"getListingsItem": (1.0, 2)}
        )
        for seller in ("A1", "A2", "A3"):
            await limiter.acquire((seller, "na", "getListingsItem"), rate=5, burst=10)
        # Each seller's own bucket is full, but the app bucket (burst 2) makes the 3rd wait.
        assert sleeps.waits == [pytest.approx(1.0, abs=0.1)]
        async with engine.connect() as conn:
            keys = set(
                (await conn.execute(text("SELECT bucket_key FROM spapi_rate_buckets"))).scalars()
            )
        assert "app|na|getListingsItem" in keys

    async def test_safety_margin_shifts_the_schedule_once(self, engine: AsyncEngine) -> None:
        sleeps = Sleeps()
        limiter = PostgresRateLimiter(engine, sleep=sleeps, safety_margin=0.25)
        for _ in range(4):
            await limiter.acquire(("A1", "na", "getReport"), rate=2.0, burst=2)
        # Reserve 0.5 token: the schedule moves once by 0.25 s (no drift afterwards).
        assert sleeps.waits == [pytest.approx(w, abs=0.08) for w in (0.25, 0.75, 1.25)]

    async def test_rejects_nonsense_plans(self, engine: AsyncEngine) -> None:
        with pytest.raises(ValueError):
            await PostgresRateLimiter(engine).acquire(("a", "na", "x"), rate=0, burst=1)
        with pytest.raises(ValueError):
            PostgresRateLimiter(engine, time_scale=0)


def test_separate_processes_never_exceed_the_plan(database_url: str) -> None:
    """Three OS processes hammer one bucket: together they stay within burst + rate x time."""
    asyncio.run(_clear(database_url))
    rate, burst, scale, per_process = 2.0, 5, 5.0, 12  # 10 tokens/s effective
    start_at = time.time() + 1.5
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.limiter_worker",
                database_url,
                "A1|na|getReport",
                str(per_process),
                str(rate),
                str(burst),
                str(scale),
                str(start_at),
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    stamps: list[float] = []
    for proc in procs:
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0
        stamps += [float(line) for line in out.split()]
    stamps.sort()
    assert len(stamps) == 3 * per_process
    first = stamps[0]
    effective = rate * scale
    for index, stamp in enumerate(stamps):
        allowed = burst + (stamp - first) * effective + 1  # +1: clock skew between processes
        assert index + 1 <= allowed, f"{index + 1} grants after {stamp - first:.3f}s"
    # And it is not needlessly slow (loose bound: a loaded CI machine starts processes late).
    minimum = (len(stamps) - burst) / effective
    assert stamps[-1] - first < 2 * minimum + 3.0


async def _clear(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM spapi_rate_buckets"))
    await engine.dispose()
