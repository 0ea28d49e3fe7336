from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.audit.models import AuditEvent


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_for_stores(
        self,
        store_ids: Sequence[uuid.UUID],
        *,
        before: tuple[datetime, int] | None,
        limit: int,
    ) -> Sequence[AuditEvent]:
        if not store_ids:
            return []
        return await self._page(
            select(AuditEvent).where(AuditEvent.store_id.in_(store_ids)), before, limit
        )

    async def list_all(
        self, *, before: tuple[datetime, int] | None, limit: int
    ) -> Sequence[AuditEvent]:
        """Every event of every store (and of none). Row-level security still applies: callers
        open a system context (the admin export)."""
        return await self._page(select(AuditEvent), before, limit)

    async def _page(
        self,
        stmt: Select[AuditEvent],
        before: tuple[datetime, int] | None,
        limit: int,
    ) -> Sequence[AuditEvent]:
        if before is not None:
            stmt = stmt.where(tuple_(AuditEvent.occurred_at, AuditEvent.id) < before)
        stmt = stmt.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(limit)
        return (await self.session.scalars(stmt)).all()
