from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from minthub_api.audit import service as audit_service
from minthub_api.audit.actions import ActorType, AuditAction, AuditReason
from minthub_api.audit.repository import AuditFilters
from minthub_api.audit.schemas import AuditEventRead, ExportFormat
from minthub_api.auth.dependencies import CurrentActor, CurrentUser
from minthub_api.core.db import SessionDep, utcnow
from minthub_api.core.errors import InvalidCursor, NotAuthenticated, StoreNotFound, error_responses
from minthub_api.core.pagination import Page
from minthub_api.core.types import IsoDateTime
from minthub_api.stores.dependencies import CurrentStore

router = APIRouter(tags=["audit"])
store_router = APIRouter(tags=["audit"])

Limit = Annotated[int, Query(ge=1, le=500)]
Cursor = Annotated[str | None, Query(max_length=512)]
EXPORT_DEFAULT_DAYS = 30


async def audit_filters(
    since: Annotated[IsoDateTime | None, Query(description="Events at or after this time.")] = None,
    until: Annotated[IsoDateTime | None, Query(description="Events before this time.")] = None,
    actor_type: ActorType | None = None,
    actor_id: uuid.UUID | None = None,
    action: AuditAction | None = None,
    reason: AuditReason | None = None,
    operation: Annotated[str | None, Query(max_length=64, description="SP-API operation")] = None,
) -> AuditFilters:
    return AuditFilters(
        store_ids=[],
        since=since,
        until=until,
        actor_type=actor_type,
        actor_id=actor_id,
        action=action,
        reason=reason,
        operation=operation,
    )


Filters = Annotated[AuditFilters, Depends(audit_filters)]
StoreIdFilter = Annotated[
    uuid.UUID | None,
    Query(description="One store (admins: any store; others: a store they are a member of)."),
]


def _export_response(request: Request, export: audit_service.PreparedExport) -> StreamingResponse:
    return StreamingResponse(
        audit_service.stream_export(request.app.state.sessionmaker, export),
        media_type=export.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename}"',
            "X-Audit-Rows": str(export.rows),
        },
    )


def _export_range(filters: AuditFilters) -> AuditFilters:
    until = filters.until or utcnow()
    since = filters.since or until - timedelta(days=EXPORT_DEFAULT_DAYS)
    return replace(filters, since=since, until=until)


EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The events, oldest first, streamed",
        "content": {"text/csv": {}, "application/x-ndjson": {}},
    }
}


@router.get(
    "/audit-events",
    response_model=Page[AuditEventRead],
    responses=error_responses(NotAuthenticated, StoreNotFound, InvalidCursor),
)
async def list_my_audit_events(
    user: CurrentUser,
    session: SessionDep,
    filters: Filters,
    store_id: StoreIdFilter = None,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> Page[AuditEventRead]:
    """Audit events across stores, newest first: an admin's of every store (store-less events
    such as sign-ins included, or one store with `store_id`), anyone else's of the stores they
    are a member of."""
    store_ids = await audit_service.visible_store_ids(session, user, store_id)
    async with audit_service.review_context(session, user):
        return await audit_service.list_events(
            session,
            filters=replace(filters, store_ids=store_ids),
            scope=f"audit:user:{user.id}",
            cursor=cursor,
            limit=limit,
        )


@router.get(
    "/audit-events/export",
    response_class=StreamingResponse,
    responses={**EXPORT_RESPONSES, **error_responses(NotAuthenticated, StoreNotFound)},
)
async def export_my_audit_events(
    request: Request,
    user: CurrentUser,
    actor: CurrentActor,
    session: SessionDep,
    filters: Filters,
    store_id: StoreIdFilter = None,
    format: ExportFormat = ExportFormat.jsonl,
) -> StreamingResponse:
    """Export the events of a time range (default: the last 30 days) as CSV or JSON Lines,
    streamed, oldest first. The export is itself an audit event."""
    store_ids = await audit_service.visible_store_ids(session, user, store_id)
    async with audit_service.review_context(session, user):
        export = await audit_service.prepare_export(
            session,
            actor,
            filters=_export_range(replace(filters, store_ids=store_ids)),
            fmt=format,
            endpoint="audit-events/export",
        )
    return _export_response(request, export)


@store_router.get(
    "/audit-events",
    response_model=Page[AuditEventRead],
    responses=error_responses(NotAuthenticated, StoreNotFound, InvalidCursor),
)
async def list_store_audit_events(
    store: CurrentStore,
    session: SessionDep,
    filters: Filters,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> Page[AuditEventRead]:
    """The store's audit events, newest first."""
    return await audit_service.list_events(
        session,
        filters=replace(filters, store_ids=[store.store.id]),
        scope=f"audit:store:{store.store.id}",
        cursor=cursor,
        limit=limit,
    )


@store_router.get(
    "/audit-events/export",
    response_class=StreamingResponse,
    responses={**EXPORT_RESPONSES, **error_responses(StoreNotFound)},
)
async def export_store_audit_events(
    request: Request,
    store: CurrentStore,
    session: SessionDep,
    filters: Filters,
    format: ExportFormat = ExportFormat.jsonl,
) -> StreamingResponse:
    """Export the store's events of a time range (default: the last 30 days) as CSV or JSON
    Lines, streamed, oldest first. The export is itself an audit event."""
    export = await audit_service.prepare_export(
        session,
        store.actor,
        filters=_export_range(replace(filters, store_ids=[store.store.id])),
        fmt=format,
        endpoint="stores/audit-events/export",
    )
    return _export_response(request, export)
