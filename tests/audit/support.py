"""Helpers for audit tests: a separate database to tamper with, and raw event inserts."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.audit.chain import BrokenLink
from minthub_api.audit.integrity import verify
from minthub_api.core import migrations
from tests.support.db import temporary_database


def migrated_database() -> Iterator[str]:
    with temporary_database("minthub_audit") as url:
        migrations.upgrade(url)
        yield url


@asynccontextmanager
async def sessions(url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine(url)
    try:
        yield async_sessionmaker(engine, expire_on_commit=False)
    finally:
        await engine.dispose()


async def add_events(
    maker: async_sessionmaker[AsyncSession],
    store_id: uuid.UUID | None,
    count: int,
    *,
    occurred_at: datetime | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    async with maker() as session, session.begin():
        for i in range(count):
            event = audit.record(
                session,
                audit.SYSTEM,
                AuditAction.store_data_read,
                reason=AuditReason.user_view,
                store_id=store_id,
                operation="getInventorySummaries",
                details=details if details is not None else {"endpoint": "inventory", "rows": i},
            )
            if occurred_at is not None:
                event.occurred_at = occurred_at


async def tamper(maker: async_sessionmaker[AsyncSession], sql: str, **params: Any) -> None:
    """Change rows the way a database superuser could: with the triggers switched off."""
    async with maker() as session, session.begin():
        await session.execute(text("SET LOCAL session_replication_role = replica"))
        await session.execute(text(sql), params)


async def first_break(
    maker: async_sessionmaker[AsyncSession], keys: dict[str, bytes], store_id: uuid.UUID | None
) -> tuple[int, BrokenLink | None]:
    async with maker() as session, session.begin():
        [report] = await verify(session, keys, store_id=store_id, only_store=True)
    return report.events, report.broken
