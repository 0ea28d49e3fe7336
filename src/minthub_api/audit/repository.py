from __future__ import annotations

import builtins
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Text, cast, func, select, text, tuple_, union
from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.audit.chain import ChainRow, Checkpoint
from minthub_api.audit.models import AuditCheckpoint, AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    """`store_ids=None` means every event, store-less ones included (admins only)."""

    store_ids: Sequence[uuid.UUID] | None
    since: datetime | None = None
    until: datetime | None = None
    actor_type: str | None = None
    actor_id: uuid.UUID | None = None
    action: str | None = None
    reason: str | None = None
    operation: str | None = None
    max_id: int | None = None  # exports: only what existed when the export was asked for


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _filtered(self, f: AuditFilters) -> Select[Any]:
        stmt = select(AuditEvent)
        if f.store_ids is not None:
            stmt = stmt.where(AuditEvent.store_id.in_(f.store_ids))
        if f.since is not None:
            stmt = stmt.where(AuditEvent.occurred_at >= f.since)
        if f.until is not None:
            stmt = stmt.where(AuditEvent.occurred_at < f.until)
        if f.actor_type is not None:
            stmt = stmt.where(AuditEvent.actor_type == f.actor_type)
        if f.actor_id is not None:
            stmt = stmt.where(AuditEvent.actor_id == f.actor_id)
        if f.action is not None:
            stmt = stmt.where(AuditEvent.action == f.action)
        if f.reason is not None:
            stmt = stmt.where(AuditEvent.reason == f.reason)
        if f.operation is not None:
            stmt = stmt.where(AuditEvent.operation == f.operation)
        if f.max_id is not None:
            stmt = stmt.where(AuditEvent.id <= f.max_id)
        return stmt

    async def list(
        self, filters: AuditFilters, *, before: tuple[datetime, int] | None, limit: int
    ) -> Sequence[AuditEvent]:
        """Newest first, keyset-paginated on (occurred_at, id)."""
        if filters.store_ids is not None and not filters.store_ids:
            return []
        stmt = self._filtered(filters)
        if before is not None:
            stmt = stmt.where(tuple_(AuditEvent.occurred_at, AuditEvent.id) < before)
        stmt = stmt.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(limit)
        return (await self.session.scalars(stmt)).all()

    async def count(self, filters: AuditFilters) -> int:
        if filters.store_ids is not None and not filters.store_ids:
            return 0
        sub = self._filtered(filters).subquery()
        return int(await self.session.scalar(select(func.count()).select_from(sub)) or 0)

    async def max_id(self) -> int:
        return int(await self.session.scalar(select(func.max(AuditEvent.id))) or 0)

    async def stream(self, filters: AuditFilters) -> AsyncIterator[AuditEvent]:
        """Oldest first, through a server-side cursor (exports of any size)."""
        if filters.store_ids is not None and not filters.store_ids:
            return
        stmt = self._filtered(filters).order_by(AuditEvent.occurred_at, AuditEvent.id)
        result = await self.session.stream_scalars(stmt.execution_options(yield_per=500))
        async for event in result:
            yield event

    # --- the hash chain ---------------------------------------------------------------------

    async def chain_ids(self) -> builtins.list[uuid.UUID | None]:
        stmt = union(
            select(AuditEvent.store_id).distinct(), select(AuditCheckpoint.store_id).distinct()
        )
        return list((await self.session.scalars(select(stmt.subquery().c[0]))).all())

    async def iter_chain(self, store_id: uuid.UUID | None) -> AsyncIterator[ChainRow]:
        e = AuditEvent
        stmt = (
            select(
                e.id,
                e.store_id,
                e.seq,
                e.occurred_at,
                e.actor_type,
                e.actor_id,
                e.action,
                e.reason,
                e.operation,
                e.amazon_request_id,
                e.status_code,
                e.request_id,
                cast(e.details, Text),
                e.prev_hash,
                e.hash,
            )
            .where(e.store_id.is_(None) if store_id is None else e.store_id == store_id)
            .order_by(e.seq, e.id)
            .execution_options(yield_per=1000)
        )
        result = await self.session.stream(stmt)
        async for r in result:
            yield ChainRow(
                id=r[0],
                store_id=r[1],
                seq=r[2],
                occurred_at=r[3],
                actor_type=r[4],
                actor_id=r[5],
                action=r[6],
                reason=r[7],
                operation=r[8],
                amazon_request_id=r[9],
                status_code=r[10],
                request_id=r[11],
                details_text=r[12],
                prev_hash=r[13],
                hash=r[14],
            )

    async def checkpoints(self, store_id: uuid.UUID | None) -> builtins.list[Checkpoint]:
        c = AuditCheckpoint
        rows = await self.session.scalars(
            select(c)
            .where(c.store_id.is_(None) if store_id is None else c.store_id == store_id)
            .order_by(c.seq)
        )
        return [
            Checkpoint(r.store_id, r.seq, r.hash, r.last_occurred_at, r.key_id, r.signature)
            for r in rows
        ]

    async def retention_boundary(
        self, store_id: uuid.UUID | None, cutoff: datetime
    ) -> AuditEvent | None:
        """The last event that may go: every event up to it (in chain order) is older than
        `cutoff`. None when nothing may go."""
        e = AuditEvent
        same_chain = e.store_id.is_(None) if store_id is None else e.store_id == store_id
        first_young = (
            select(func.min(e.seq)).where(same_chain, e.occurred_at >= cutoff).scalar_subquery()
        )
        stmt = (
            select(e)
            .where(same_chain, e.occurred_at < cutoff)
            .where((first_young.is_(None)) | (e.seq < first_young))
            .order_by(e.seq.desc())
            .limit(1)
        )
        return await self.session.scalar(stmt)

    async def apply_retention(self, store_id: uuid.UUID | None, seq: int) -> int:
        removed = await self.session.scalar(
            text("SELECT audit_apply_retention(:store_id, :seq)"),
            {"store_id": store_id, "seq": seq},
        )
        return int(removed or 0)
