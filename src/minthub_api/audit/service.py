"""Recording and reading audit events.

`record()` adds the event to the caller's session, so it commits or rolls back together with
the work it describes. It never flushes or commits on its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.audit.actions import ActorType, AuditAction, AuditReason
from minthub_api.audit.models import AuditEvent
from minthub_api.audit.repository import AuditRepository
from minthub_api.audit.schemas import AuditEventRead
from minthub_api.core.errors import InvalidCursor
from minthub_api.core.pagination import Page, decode_cursor, encode_cursor
from minthub_api.core.rls import system_context


@dataclass(frozen=True)
class Actor:
    type: ActorType
    id: uuid.UUID | None = None
    request_id: str | None = None

    @classmethod
    def user(cls, user_id: uuid.UUID, request_id: str | None = None) -> Actor:
        return cls(ActorType.user, user_id, request_id)

    @classmethod
    def user_unknown(cls, request_id: str | None = None) -> Actor:
        """An anonymous caller (e.g. a callback without a session)."""
        return cls(ActorType.user, None, request_id)


SYSTEM = Actor(ActorType.system)


def record(
    session: AsyncSession,
    actor: Actor,
    action: AuditAction,
    *,
    reason: AuditReason,
    store_id: uuid.UUID | None = None,
    operation: str | None = None,
    amazon_request_id: str | None = None,
    status_code: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor_type=actor.type,
        actor_id=actor.id,
        store_id=store_id,
        action=action,
        reason=reason,
        operation=operation,
        amazon_request_id=amazon_request_id,
        status_code=status_code,
        request_id=actor.request_id,
        details=details or {},
    )
    session.add(event)
    return event


async def list_events(
    session: AsyncSession,
    *,
    store_ids: list[uuid.UUID],
    scope: str,
    cursor: str | None,
    limit: int,
) -> Page[AuditEventRead]:
    """Newest first. `scope` binds the cursor to the list it came from."""
    return await _list(
        session,
        scope,
        cursor,
        limit,
        lambda repo, before, n: repo.list_for_stores(store_ids, before=before, limit=n),
    )


async def list_all_events(
    session: AsyncSession, *, actor: Actor, cursor: str | None, limit: int
) -> Page[AuditEventRead]:
    """Cross-store audit export for workspace admins: every event, newest first. Reads outside
    store isolation (a system context) and audits the export itself."""
    record(session, actor, AuditAction.audit_exported, reason=AuditReason.export)
    async with system_context(session, "admin.audit_export"):
        return await _list(
            session,
            "audit:admin",
            cursor,
            limit,
            lambda repo, before, n: repo.list_all(before=before, limit=n),
        )


async def _list(
    session: AsyncSession,
    scope: str,
    cursor: str | None,
    limit: int,
    fetch: Callable[
        [AuditRepository, tuple[datetime, int] | None, int], Awaitable[Sequence[AuditEvent]]
    ],
) -> Page[AuditEventRead]:
    before: tuple[datetime, int] | None = None
    if cursor:
        data = decode_cursor(cursor, scope)
        try:
            before = (datetime.fromisoformat(data["t"]), int(data["i"]))
        except (KeyError, TypeError, ValueError):
            raise InvalidCursor() from None
    rows = await fetch(AuditRepository(session), before, limit + 1)
    items = [AuditEventRead.model_validate(row) for row in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor(scope, {"t": last.occurred_at.isoformat(), "i": last.id})
    return Page[AuditEventRead](items=items, next_cursor=next_cursor)
