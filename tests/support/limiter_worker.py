"""A separate OS process taking tokens from the PostgreSQL-shared limiter (tests/amazon).

Usage: python -m tests.support.limiter_worker DB_URL KEY COUNT RATE BURST SCALE START_AT
Prints one wall-clock timestamp per granted token.
"""

from __future__ import annotations

import asyncio
import sys
import time

from sqlalchemy.ext.asyncio import create_async_engine

from minthub_api.amazon.throttle_pg import PostgresRateLimiter


async def main(
    url: str, key: str, count: int, rate: float, burst: int, scale: float, start_at: float
) -> None:
    engine = create_async_engine(url, pool_size=2)
    limiter = PostgresRateLimiter(engine, time_scale=scale)
    await asyncio.sleep(max(0.0, start_at - time.time()))
    stamps = []
    try:
        for _ in range(count):
            await limiter.acquire(tuple(key.split("|")), rate=rate, burst=burst)
            stamps.append(time.time())
    finally:
        await engine.dispose()
    print("\n".join(f"{s:.6f}" for s in stamps))


if __name__ == "__main__":
    a = sys.argv[1:]
    asyncio.run(main(a[0], a[1], int(a[2]), float(a[3]), int(a[4]), float(a[5]), float(a[6])))
