from __future__ import annotations

import asyncio
import re

import pytest

from minthub_api.amazon import USAGE_PLANS, InMemoryRateLimiter
from minthub_api.amazon.throttle import DEFAULT_USAGE_PLAN, usage_plan
from tests.amazon.conftest import FakeTime, models_dir

KEY = ("A3FHEXAMPLEYWS", "na", "getInventorySummaries")


class TestAcquire:
    async def test_burst_then_paced_at_rate(
        self, limiter: InMemoryRateLimiter, fake_time: FakeTime
    ) -> None:
        start = fake_time.monotonic
        for _ in range(2):
            await limiter.acquire(KEY, rate=2.0, burst=2)
        assert fake_time.sleeps == []
        for _ in range(3):
            await limiter.acquire(KEY, rate=2.0, burst=2)
        assert fake_time.sleeps == pytest.approx([0.5, 0.5, 0.5])
        assert fake_time.monotonic - start == pytest.approx(1.5)

    async def test_refills_with_time_up_to_burst(
        self, limiter: InMemoryRateLimiter, fake_time: FakeTime
    ) -> None:
        for _ in range(2):
            await limiter.acquire(KEY, rate=2.0, burst=2)
        fake_time.advance(60)  # would be 120 tokens without the burst cap
        for _ in range(2):
            await limiter.acquire(KEY, rate=2.0, burst=2)
        await limiter.acquire(KEY, rate=2.0, burst=2)
        assert fake_time.sleeps == pytest.approx([0.5])

    async def test_keys_have_separate_buckets(
        self, limiter: InMemoryRateLimiter, fake_time: FakeTime
    ) -> None:
        await limiter.acquire(KEY, rate=0.1, burst=1)
        await limiter.acquire(("other-seller", "na", "getInventorySummaries"), rate=0.1, burst=1)
        assert fake_time.sleeps == []

    async def test_waiters_are_served_first_come_first_served(
        self, limiter: InMemoryRateLimiter, fake_time: FakeTime
    ) -> None:
        order: list[int] = []

        async def one(i: int) -> None:
            await limiter.acquire(KEY, rate=1.0, burst=1)
            order.append(i)

        await asyncio.gather(*(one(i) for i in range(5)))
        assert order == [0, 1, 2, 3, 4]
        assert fake_time.sleeps == pytest.approx([1.0] * 4)

    async def test_rejects_nonsense_plans(self, limiter: InMemoryRateLimiter) -> None:
        with pytest.raises(ValueError):
            await limiter.acquire(KEY, rate=0, burst=1)


class TestUpdateRate:
    async def test_learned_rate_replaces_the_default(
        self, limiter: InMemoryRateLimiter, fake_time: FakeTime
    ) -> None:
        await limiter.acquire(KEY, rate=2.0, burst=1)
        await limiter.update_rate(KEY, 0.5)  # Amazon says this seller gets 0.5 rps
        await limiter.acquire(KEY, rate=2.0, burst=1)
        assert fake_time.sleeps == pytest.approx([2.0])
        assert limiter.rate_for(KEY) == 0.5

    async def test_ignores_invalid_rates(self, limiter: InMemoryRateLimiter) -> None:
        await limiter.acquire(KEY, rate=2.0, burst=2)
        for bad in (0.0, -1.0, float("nan")):
            await limiter.update_rate(KEY, bad)
        assert limiter.rate_for(KEY) is None


class TestUsagePlans:
    def test_every_operation_of_the_notes_table_is_listed(self) -> None:
        path = models_dir().parent / "SPAPI-NOTES.md"
        if not path.is_file():
            pytest.skip("SPAPI-NOTES.md not next to the models directory")
        notes = path.read_text(encoding="utf-8")
        table = notes.split("### 5.0", 1)[1].split("###", 1)[0]
        rows = re.findall(r"^\| (\w+)[^|]*\| [^|]+\| ([\d.]+) \| (\d+) \|$", table, re.M)
        assert len(rows) >= 15
        for name, rate, burst in rows:
            if name == "Notifications":
                assert USAGE_PLANS["createSubscription"] == (1.0, 5)
                continue
            assert USAGE_PLANS[name] == (float(rate), int(burst)), name

    def test_unknown_operation_gets_a_cautious_default(self) -> None:
        assert usage_plan("someNewOperation") == DEFAULT_USAGE_PLAN


class TestFloatClock:
    async def test_large_monotonic_values_do_not_spin(self) -> None:
        # At 1e6 s of uptime, 1e6 + 0.4 - 1e6 is 0.39999999997 and the bucket would hold
        # 0.9999999999 tokens forever if waits were computed exactly.
        fake = FakeTime(monotonic=1_000_000.123)
        limiter = InMemoryRateLimiter(clock=fake.mono, sleep=fake.sleep)
        for _ in range(4):
            await asyncio.wait_for(limiter.acquire(KEY, rate=2.5, burst=1), timeout=1)
        assert len(fake.sleeps) == 3
        assert sum(fake.sleeps) == pytest.approx(1.2, abs=1e-3)


class TestScaleAndApplicationScope:
    async def test_time_scale_multiplies_the_rate(self, fake_time: FakeTime) -> None:
        limiter = InMemoryRateLimiter(
            clock=fake_time.mono, sleep=fake_time.sleep, time_scale=4, safety_margin=0.0
        )
        for _ in range(3):
            await limiter.acquire(KEY, rate=2.0, burst=2)
        assert fake_time.sleeps == pytest.approx([0.125])

    async def test_application_limit_spans_sellers(self, fake_time: FakeTime) -> None:
        limiter = InMemoryRateLimiter(
            clock=fake_time.mono,
            sleep=fake_time.sleep,
            application_plans={"getListingsItem": (1.0, 2)},
            safety_margin=0.0,
        )
        for seller in ("A1", "A2", "A3"):
            await limiter.acquire((seller, "na", "getListingsItem"), rate=5, burst=10)
        assert fake_time.sleeps == pytest.approx([1.0])

    def test_documented_application_limit(self) -> None:
        from minthub_api.amazon import APPLICATION_USAGE_PLANS

        assert APPLICATION_USAGE_PLANS["getListingsItem"][0] == 100.0


class TestSafetyMargin:
    async def test_schedule_shifts_once_by_the_margin(self, fake_time: FakeTime) -> None:
        limiter = InMemoryRateLimiter(
            clock=fake_time.mono, sleep=fake_time.sleep, safety_margin=0.1
        )
        for _ in range(5):
            await limiter.acquire(KEY, rate=2.0, burst=2)
        # The reserve (0.2 token) shifts the schedule once by 0.1 s, then exactly the rate:
        # no drift per request.
        assert fake_time.sleeps == pytest.approx([0.1, 0.5, 0.5, 0.5])

    async def test_reserve_never_exceeds_burst_minus_one(self, fake_time: FakeTime) -> None:
        limiter = InMemoryRateLimiter(
            clock=fake_time.mono, sleep=fake_time.sleep, safety_margin=100.0
        )
        await limiter.acquire(KEY, rate=2.0, burst=2)
        await limiter.acquire(KEY, rate=2.0, burst=2)
        assert fake_time.sleeps == pytest.approx([0.5])
