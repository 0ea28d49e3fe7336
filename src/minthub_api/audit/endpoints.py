from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from minthub_api.audit import service as audit_service
from minthub_api.audit.schemas import AuditEventRead
from minthub_api.auth.dependencies import CurrentAdmin, CurrentPrincipal
from minthub_api.core.db import SessionDep
from minthub_api.core.errors import (
    AdminRequired,
    InvalidCursor,
    MfaRequired,
    NotAuthenticated,
    StoreNotFound,
    error_responses,
)
from minthub_api.core.pagination import Page
from minthub_api.stores.dependencies import CurrentStore

router = APIRouter(tags=["audit"])
store_router = APIRouter(tags=["audit"])

Limit = Annotated[int, Query(ge=1, le=500)]
Cursor = Annotated[str | None, Query(max_length=512)]


@router.get(
    "/audit-events",
    response_model=Page[AuditEventRead],
    responses=error_responses(NotAuthenticated, MfaRequired, InvalidCursor),
)
async def list_my_audit_events(
    principal: CurrentPrincipal, session: SessionDep, limit: Limit = 100, cursor: Cursor = None
) -> Page[AuditEventRead]:
    """Audit events of every store the caller may see (an API token: its stores), newest first."""
    store_ids = sorted(principal.store_ids)
    return await audit_service.list_events(
        session,
        store_ids=store_ids,
        scope=f"audit:{principal.kind}:{principal.actor.id}",
        cursor=cursor,
        limit=limit,
    )


@store_router.get(
    "/audit-events",
    response_model=Page[AuditEventRead],
    responses=error_responses(StoreNotFound, InvalidCursor),
)
async def list_store_audit_events(
    store: CurrentStore, session: SessionDep, limit: Limit = 100, cursor: Cursor = None
) -> Page[AuditEventRead]:
    """The store's audit events, newest first."""
    return await audit_service.list_events(
        session,
        store_ids=[store.store.id],
        scope=f"audit:store:{store.store.id}",
        cursor=cursor,
        limit=limit,
    )


@router.get(
    "/admin/audit-events",
    response_model=Page[AuditEventRead],
    responses=error_responses(NotAuthenticated, MfaRequired, AdminRequired, InvalidCursor),
)
async def export_audit_events(
    admin: CurrentAdmin, session: SessionDep, limit: Limit = 500, cursor: Cursor = None
) -> Page[AuditEventRead]:
    """Cross-store audit export (workspace admins): every event of every store, newest first.
    The export itself is audited."""
    return await audit_service.list_all_events(
        session, actor=admin.actor, cursor=cursor, limit=limit
    )
