"""Recording, reviewing and exporting audit events.

`record()` adds the event to the caller's session, so it commits or rolls back together with
the work it describes. It never flushes or commits on its own: the transaction's events are
inserted in one statement when it commits (or on an explicit flush; see `audit/writer.py`), and
the database assigns each its place in its store's hash chain on insert (see `audit/chain.py`).
Details are scrubbed with the log redaction rules before they are stored: no token, code,
secret, password or e-mail address.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from minthub_api.audit.actions import ActorType, AuditAction, AuditReason
from minthub_api.audit.repository import AuditFilters, AuditRepository
from minthub_api.audit.schemas import AuditEventRead, ExportFormat
from minthub_api.audit.writer import AuditRecord, add_pending
from minthub_api.auth.models import User
from minthub_api.core.db import utcnow
from minthub_api.core.errors import InvalidCursor, StoreNotFound
from minthub_api.core.logging import redact_mapping
from minthub_api.core.pagination import Page, decode_cursor, encode_cursor
from minthub_api.core.rls import system_context
from minthub_api.stores.repository import StoreRepository


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
) -> AuditRecord:
    """Add one event to the session (inserted when the caller's transaction commits).

    `action` and `reason` are closed vocabularies (`audit/actions.py`); anything else raises
    ValueError, so free text cannot slip in.
    """
    event = AuditRecord(
        occurred_at=utcnow(),
        actor_type=ActorType(actor.type).value,
        actor_id=actor.id,
        store_id=store_id,
        action=AuditAction(action).value,
        reason=AuditReason(reason).value,
        operation=operation,
        amazon_request_id=amazon_request_id,
        status_code=status_code,
        request_id=actor.request_id,
        details=redact_mapping(details or {}),
    )
    add_pending(session.sync_session, event)
    return event


def _scope(kind: str, filters: AuditFilters) -> str:
    """Bind a cursor to the list and the filters it came from."""
    raw = json.dumps(
        {k: str(v) if v is not None else None for k, v in asdict(filters).items()},
        sort_keys=True,
    )
    return f"{kind}:{hashlib.sha256(raw.encode()).hexdigest()[:24]}"


async def list_events(
    session: AsyncSession,
    *,
    filters: AuditFilters,
    scope: str,
    cursor: str | None,
    limit: int,
) -> Page[AuditEventRead]:
    """Newest first. `scope` and the filters bind the cursor to the list it came from."""
    bound_scope = _scope(scope, filters)
    before: tuple[datetime, int] | None = None
    if cursor:
        data = decode_cursor(cursor, bound_scope)
        try:
            before = (datetime.fromisoformat(data["t"]), int(data["i"]))
        except (KeyError, TypeError, ValueError):
            raise InvalidCursor() from None
    rows = await AuditRepository(session).list(filters, before=before, limit=limit + 1)
    items = [AuditEventRead.model_validate(row) for row in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor(bound_scope, {"t": last.occurred_at.isoformat(), "i": last.id})
    return Page[AuditEventRead](items=items, next_cursor=next_cursor)


@dataclass(frozen=True)
class PreparedExport:
    filters: AuditFilters
    format: ExportFormat
    rows: int

    @property
    def media_type(self) -> str:
        return (
            "text/csv; charset=utf-8" if self.format == ExportFormat.csv else "application/x-ndjson"
        )

    @property
    def filename(self) -> str:
        since = self.filters.since.strftime("%Y%m%dT%H%M%SZ") if self.filters.since else "start"
        until = self.filters.until.strftime("%Y%m%dT%H%M%SZ") if self.filters.until else "now"
        return f"audit-events_{since}_{until}.{self.format.value}"


async def prepare_export(
    session: AsyncSession,
    actor: Actor,
    *,
    filters: AuditFilters,
    fmt: ExportFormat,
    endpoint: str,
) -> PreparedExport:
    """Pin the export to the events that exist now, count them and audit the export itself.

    Audits one `audit_exported` event per store exported (a store-less one for an admin's
    export of every store), committed before the first byte is streamed.
    """
    now = utcnow()
    repo = AuditRepository(session)
    pinned = replace(
        filters,
        until=min(filters.until, now) if filters.until else now,
        max_id=await repo.max_id(),
    )
    rows = await repo.count(pinned)
    details = {
        "endpoint": endpoint,
        "format": fmt.value,
        "since": pinned.since.isoformat() if pinned.since else None,
        "until": pinned.until.isoformat() if pinned.until else None,
        "rows": rows,
        "filters": {
            k: str(v)
            for k, v in asdict(filters).items()
            if v is not None and k not in ("store_ids", "since", "until", "max_id")
        },
    }
    targets: list[uuid.UUID | None] = (
        list(pinned.store_ids) if pinned.store_ids is not None else [None]
    )
    for store_id in targets:
        record(
            session,
            actor,
            AuditAction.audit_exported,
            reason=AuditReason.export,
            store_id=store_id,
            details=details,
        )
    return PreparedExport(filters=pinned, format=fmt, rows=rows)


CSV_COLUMNS = (
    "id",
    "occurred_at",
    "store_id",
    "seq",
    "actor_type",
    "actor_id",
    "action",
    "reason",
    "operation",
    "amazon_request_id",
    "status_code",
    "request_id",
    "details",
    "prev_hash",
    "hash",
)


def _csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # Spreadsheet formula injection: a cell starting with = + - @ would be evaluated.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


async def stream_export(
    sessionmaker: async_sessionmaker[AsyncSession], export: PreparedExport
) -> AsyncIterator[bytes]:
    """The export's bytes, oldest event first, read through a server-side cursor."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if export.format == ExportFormat.csv:
        writer.writerow(CSV_COLUMNS)
    async with (
        sessionmaker() as session,
        session.begin(),
        system_context(
            # The request that prepared this export authorized exactly these filters (its store ids,
            # or every store for an admin); the stream runs after it, in a session of its own.
            session,
            "audit.export_stream",
        ),
    ):
        chunk: list[str] = []
        async for event in AuditRepository(session).stream(export.filters):
            data = AuditEventRead.model_validate(event).model_dump(mode="json")
            if export.format == ExportFormat.csv:
                data["details"] = json.dumps(data["details"], sort_keys=True)
                writer.writerow([_csv_cell(data[c]) for c in CSV_COLUMNS])
            else:
                chunk.append(json.dumps(data, sort_keys=True) + "\n")
            if buffer.tell() > 64_000 or len(chunk) >= 200:
                yield (buffer.getvalue() + "".join(chunk)).encode()
                buffer.seek(0)
                buffer.truncate()
                chunk.clear()
        rest = buffer.getvalue() + "".join(chunk)
        if rest:
            yield rest.encode()


def review_context(session: AsyncSession, user: User) -> AbstractAsyncContextManager[None]:
    """An admin reviews across stores (and store-less events): lift store isolation for that
    read only. Everyone else reads under their own store ids."""
    if user.is_admin:
        return system_context(session, "admin.audit_review")
    return nullcontext()


async def visible_store_ids(
    session: AsyncSession, user: User, store_id: uuid.UUID | None
) -> list[uuid.UUID] | None:
    """The stores `user` may review: an admin any store (None = all, store-less events too),
    anyone else the stores they are a member of. Raises `StoreNotFound` for a store the user
    may not see (the same 404 as a store that does not exist)."""
    if user.is_admin:
        return None if store_id is None else [store_id]
    mine = await StoreRepository(session).store_ids_for_user(user.id)
    if store_id is None:
        return mine
    if store_id not in mine:
        raise StoreNotFound()
    return [store_id]
