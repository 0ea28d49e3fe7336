"""Usage-plan token buckets kept in PostgreSQL, shared by every process that calls SP-API.

Two API processes and a worker serving the same store must together stay inside the store's
usage plan, so the bucket can't live in one process's memory. Each `acquire` is ONE atomic
statement (INSERT ... ON CONFLICT DO UPDATE, which locks the bucket's row for its duration):
refill the bucket for the time elapsed on PostgreSQL's clock, take a token, and return the
balance. A negative balance is a reservation: the caller owns the |n|-th future token and sleeps
until it exists, so concurrent callers across processes are served first come, first served
without polling the database. (A reservation whose caller is cancelled is simply left unused:
we err on the side of sending less.)

Buckets are keyed per (selling partner, region, operation); operations with an
application-wide limit (`throttle.APPLICATION_USAGE_PLANS`) also take a token from
("app", region, operation), and the caller waits for the later of the two.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from minthub_api.amazon.throttle import (
    APPLICATION_USAGE_PLANS,
    SAFETY_MARGIN,
    application_key,
    reserve_tokens,
)

_TAKE = text("""
INSERT INTO spapi_rate_buckets AS b (bucket_key, tokens, updated_at, learned_rate)
VALUES (:key, :burst - 1.0, extract(epoch FROM clock_timestamp()), NULL)
ON CONFLICT (bucket_key) DO UPDATE SET
    tokens = LEAST(
        :burst,
        b.tokens + GREATEST(extract(epoch FROM clock_timestamp()) - b.updated_at, 0)
                   * COALESCE(b.learned_rate, :rate) * :scale
    ) - 1.0,
    updated_at = GREATEST(extract(epoch FROM clock_timestamp()), b.updated_at)
RETURNING tokens, COALESCE(learned_rate, :rate) * :scale AS effective_rate
""")

_LEARN = text("""
UPDATE spapi_rate_buckets SET learned_rate = :rate
WHERE bucket_key = :key AND learned_rate IS DISTINCT FROM :rate
""")


_READ = text("""
SELECT bucket_key, tokens, updated_at, learned_rate, extract(epoch FROM clock_timestamp()) AS now
FROM spapi_rate_buckets WHERE bucket_key = ANY(:keys)
""")


def bucket_key(key: tuple[str, ...]) -> str:
    return "|".join(key)


@dataclass(frozen=True)
class BucketLevel:
    """A bucket's tokens now, as `_TAKE` would find them (refilled, capped at burst)."""

    tokens: float  # may be negative: requests already promised future tokens
    rate: float  # tokens per second: Amazon's learned rate, else the default plan
    burst: int
    stored: bool  # False: no request yet, the bucket is full

    @property
    def requests_left(self) -> int:
        """Requests that could be sent right now without waiting."""
        return max(0, int(self.tokens + 1e-9))


def refill(
    tokens: float,
    updated_at: float,
    learned_rate: float | None,
    now: float,
    rate: float,
    burst: int,
) -> float:
    """The level at `now` of a bucket that had `tokens` at `updated_at` (same formula as _TAKE)."""
    effective = learned_rate if learned_rate is not None else rate
    return min(float(burst), tokens + max(now - updated_at, 0.0) * effective)


async def bucket_levels(
    session: AsyncSession,
    plans: Sequence[tuple[tuple[str, ...], float, int]],
    *,
    time_scale: float = 1.0,
) -> dict[tuple[str, ...], BucketLevel]:
    """Current levels of the buckets `(key, rate, burst)`, refilled to now on the database clock,
    without taking a token (a plain SELECT; nothing is written or locked)."""
    if not plans:
        return {}
    rows = {
        row.bucket_key: row
        for row in await session.execute(_READ, {"keys": [bucket_key(k) for k, _, _ in plans]})
    }
    out = {}
    for key, rate, burst in plans:
        row = rows.get(bucket_key(key))
        if row is None:
            out[key] = BucketLevel(float(burst), rate * time_scale, burst, stored=False)
            continue
        learned = None if row.learned_rate is None else float(row.learned_rate) * time_scale
        level = refill(
            float(row.tokens),
            float(row.updated_at),
            learned,
            float(row.now),
            rate * time_scale,
            burst,
        )
        out[key] = BucketLevel(level, learned or rate * time_scale, burst, stored=True)
    return out


class PostgresRateLimiter:
    """`RateLimiter` whose buckets are rows of `spapi_rate_buckets` (see module docstring)."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        time_scale: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        application_plans: dict[str, tuple[float, int]] | None = None,
        safety_margin: float = SAFETY_MARGIN,
    ) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be > 0")
        self._engine = engine
        self._scale = time_scale
        self.time_scale = time_scale
        self._margin = safety_margin
        self._sleep = sleep
        self._app_plans = (
            APPLICATION_USAGE_PLANS if application_plans is None else application_plans
        )

    async def _reserve(self, key: tuple[str, ...], rate: float, burst: int) -> float:
        """Take (or reserve) one token; returns the seconds to wait before using it."""
        async with self._engine.begin() as conn:
            row = (
                await conn.execute(
                    _TAKE,
                    {
                        "key": bucket_key(key),
                        "burst": float(burst),
                        "rate": rate,
                        "scale": self._scale,
                    },
                )
            ).one()
        balance, effective = float(row[0]), float(row[1])
        # Our token is usable once the balance left behind has grown back to the reserve.
        reserve = reserve_tokens(effective, burst, self._margin)
        return max(0.0, (reserve - balance) / effective) if balance < reserve else 0.0

    async def acquire(self, key: tuple[str, ...], *, rate: float, burst: int) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        wait = await self._reserve(key, rate, burst)
        app_key = application_key(key)
        if app_key is not None and app_key[2] in self._app_plans:
            app_rate, app_burst = self._app_plans[app_key[2]]
            wait = max(wait, await self._reserve(app_key, app_rate, app_burst))
        if wait > 0:
            await self._sleep(wait)

    async def update_rate(self, key: tuple[str, ...], rate: float) -> None:
        if rate > 0 and rate == rate:  # ignore 0, negatives and NaN
            async with self._engine.begin() as conn:
                await conn.execute(_LEARN, {"key": bucket_key(key), "rate": rate})
