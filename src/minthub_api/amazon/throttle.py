"""Client-side pacing of SP-API calls with token buckets.

Amazon meters each operation per application + selling partner with a token bucket (`rate`
tokens/s refilling up to `burst`) and answers 429 when it is empty (../shared/SPAPI-NOTES.md
§5.0, §6, §9.4). We mirror that bucket locally and wait for a token instead of spending
requests on 429s. Real per-seller rates arrive in `x-amzn-RateLimit-Limit`, which is absent on
429s. The `RateLimiter` protocol lets a PostgreSQL-shared limiter replace the in-memory one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

# Default (rate per second, burst) per operation, from §5.0.
USAGE_PLANS: dict[str, tuple[float, int]] = {
    "getInventorySummaries": (2.0, 2),
    "getOrders": (0.0167, 20),
    "getOrder": (0.5, 30),  # same plan in Orders v0 and 2026-01-01
    "getOrderItems": (0.5, 30),
    "searchOrders": (0.0056, 20),
    "getOrderMetrics": (0.5, 15),
    "getListingsItem": (5.0, 10),
    "searchListingsItems": (5.0, 5),
    "createReport": (0.0167, 15),
    "getReports": (0.0222, 10),
    "getReport": (2.0, 15),
    "cancelReport": (0.0222, 10),
    "getReportDocument": (0.0167, 15),
    "getMarketplaceParticipations": (0.016, 15),
    "getAccount": (0.016, 15),
    "getDestinations": (1.0, 5),
    "getDestination": (1.0, 5),
    "createDestination": (1.0, 5),
    "deleteDestination": (1.0, 5),
    "getSubscriptions": (1.0, 5),
    "getSubscription": (1.0, 5),
    "createSubscription": (1.0, 5),
    "getSubscriptionById": (1.0, 5),
    "deleteSubscriptionById": (1.0, 5),
    "rotateApplicationClientSecret": (0.0167, 1),
}
# Application-wide limits (all sellers together), where Amazon documents one. The header
# `x-amzn-RateLimit-Limit` reports only the per-seller rate, so these are never learned.
# getListingsItem: 100 rps per application (developer-docs "Listings Items API Rate Limits");
# burst: one second's worth (Amazon gives only the per-account burst).
APPLICATION_USAGE_PLANS: dict[str, tuple[float, int]] = {
    "getListingsItem": (100.0, 100),
}
APP_SCOPE = "app"

# Headroom against network jitter. Amazon refills its bucket by the *arrival* times of our
# requests: if request k+1 arrives a few ms "earlier" (relative to its send time) than request k,
# Amazon finds 0.99 tokens and answers 429 although we paced exactly. Keeping a reserve of
# `rate x SAFETY_MARGIN` tokens (at most burst - 1) shifts our schedule once by that margin
# instead of risking a 429 on every request after the burst.
SAFETY_MARGIN = 0.5  # seconds

# Unknown operations get a cautious plan rather than none.
DEFAULT_USAGE_PLAN: tuple[float, int] = (0.5, 1)
_EPSILON = 1e-6
_MIN_SLEEP = 0.001


def usage_plan(operation: str) -> tuple[float, int]:
    return USAGE_PLANS.get(operation, DEFAULT_USAGE_PLAN)


def reserve_tokens(effective_rate: float, burst: int, margin: float) -> float:
    """Tokens kept back so jitter of `margin` seconds cannot empty Amazon's bucket."""
    return min(effective_rate * margin, max(burst - 1, 0))


def application_key(key: tuple[str, ...]) -> tuple[str, ...] | None:
    """The application-wide bucket that also meters `key` = (seller, region, operation)."""
    if len(key) == 3 and key[0] != APP_SCOPE and key[2] in APPLICATION_USAGE_PLANS:
        return (APP_SCOPE, key[1], key[2])
    return None


class RateLimiter(Protocol):
    async def acquire(self, key: tuple[str, ...], *, rate: float, burst: int) -> None:
        """Wait until one request for `key` may be sent, then take its token."""
        ...

    async def update_rate(self, key: tuple[str, ...], rate: float) -> None:
        """Record the rate Amazon reported for `key` (`x-amzn-RateLimit-Limit`)."""
        ...


@dataclass
class _Bucket:
    tokens: float
    updated: float
    learned_rate: float | None = None
    # asyncio.Lock wakes waiters in FIFO order, which makes each bucket first-come first-served.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class InMemoryRateLimiter:
    """Per-process token buckets. Correct for a single API process only."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        time_scale: float = 1.0,
        application_plans: dict[str, tuple[float, int]] | None = None,
        safety_margin: float = SAFETY_MARGIN,
    ) -> None:
        """`time_scale` multiplies every rate (a simulator running plans N times faster)."""
        if time_scale <= 0:
            raise ValueError("time_scale must be > 0")
        self._margin = safety_margin
        self._clock = clock
        self._sleep = sleep
        self._scale = time_scale
        self._app_plans = (
            APPLICATION_USAGE_PLANS if application_plans is None else application_plans
        )
        self._buckets: dict[tuple[str, ...], _Bucket] = {}

    def _bucket(self, key: tuple[str, ...], burst: int) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(tokens=float(burst), updated=self._clock())
        return bucket

    def rate_for(self, key: tuple[str, ...]) -> float | None:
        """The rate learned from Amazon for `key`, if any."""
        bucket = self._buckets.get(key)
        return bucket.learned_rate if bucket else None

    def _refill(self, bucket: _Bucket, rate: float, burst: int) -> None:
        now = self._clock()
        bucket.tokens = min(float(burst), bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now

    async def acquire(self, key: tuple[str, ...], *, rate: float, burst: int) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        bucket = self._bucket(key, burst)
        # Holding the lock while sleeping keeps later callers queued behind earlier ones.
        async with bucket.lock:
            while True:
                effective = (bucket.learned_rate or rate) * self._scale
                self._refill(bucket, effective, burst)
                # Tolerance and a minimum sleep: float clocks can leave 0.99999999999994
                # tokens, and a sleep too short to move the clock would spin forever.
                need = 1.0 + reserve_tokens(effective, burst, self._margin)
                if bucket.tokens >= need - _EPSILON:
                    bucket.tokens = max(bucket.tokens - 1.0, 0.0)
                    break
                await self._sleep(max((need - bucket.tokens) / effective, _MIN_SLEEP))
        app_key = application_key(key)
        if app_key is not None and app_key[2] in self._app_plans:
            app_rate, app_burst = self._app_plans[app_key[2]]
            await self.acquire(app_key, rate=app_rate, burst=app_burst)

    async def update_rate(self, key: tuple[str, ...], rate: float) -> None:
        if rate > 0 and rate == rate:  # ignore 0, negatives and NaN
            bucket = self._buckets.get(key)
            if bucket is not None:
                bucket.learned_rate = rate
