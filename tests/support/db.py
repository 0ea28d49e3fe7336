"""A throwaway PostgreSQL database per test run, migrated from empty by Alembic."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import asyncpg

ADMIN_DSN = os.environ.get(
    "MINTHUB_TEST_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def asyncpg_url(dsn: str) -> str:
    return dsn.replace("postgresql://", "postgresql+asyncpg://", 1)


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def temporary_database(prefix: str = "minthub_test") -> Iterator[str]:
    """Create an empty database and yield its asyncpg URL; drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    base = ADMIN_DSN.rsplit("/", 1)[0]
    try:
        yield asyncpg_url(f"{base}/{name}")
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@asynccontextmanager
async def temporary_database_async(prefix: str = "minthub_test") -> AsyncIterator[str]:
    """`temporary_database` for async tests: the blocking parts run in a worker thread."""
    manager = temporary_database(prefix)
    url = await asyncio.to_thread(manager.__enter__)
    try:
        yield url
    finally:
        await asyncio.to_thread(manager.__exit__, None, None, None)
