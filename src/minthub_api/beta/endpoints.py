from __future__ import annotations

import uuid

from fastapi import APIRouter, BackgroundTasks, Request

from minthub_api.audit.service import Actor
from minthub_api.auth.dependencies import CurrentAdmin, client_address, request_id
from minthub_api.beta import service as beta_service
from minthub_api.beta.models import BetaStatus
from minthub_api.beta.schemas import BetaRequestAck, BetaRequestCreate, BetaRequestRead
from minthub_api.core.db import SessionDep
from minthub_api.core.errors import (
    AdminRequired,
    CsrfFailed,
    MfaRequired,
    NotAuthenticated,
    SessionRequired,
    TooManyRequests,
    error_responses,
)
from minthub_api.mail.sender import send_quietly

router = APIRouter(tags=["beta"])

_ADMIN = (NotAuthenticated, MfaRequired, SessionRequired, AdminRequired)


@router.post(
    "/beta-requests",
    status_code=202,
    response_model=BetaRequestAck,
    responses=error_responses(TooManyRequests),
)
async def create_beta_request(
    body: BetaRequestCreate, request: Request, session: SessionDep
) -> BetaRequestAck:
    """Ask for beta access (public). The answer is the same whether or not this email applied
    before; approval arrives by e-mail as an invitation to create an account."""
    await beta_service.submit(
        session,
        body,
        client_address=client_address(request),
        settings=request.app.state.settings,
        actor=Actor.user_unknown(request_id(request)),
    )
    return BetaRequestAck()


@router.get(
    "/admin/beta-requests",
    response_model=list[BetaRequestRead],
    responses=error_responses(*_ADMIN),
)
async def list_beta_requests(
    admin: CurrentAdmin, session: SessionDep, status: BetaStatus | None = None
) -> list[BetaRequestRead]:
    """Beta requests, newest first (workspace admins)."""
    found = await beta_service.list_requests(session, status)
    return [BetaRequestRead.model_validate(r) for r in found]


@router.post(
    "/admin/beta-requests/{beta_request_id}/approve",
    response_model=BetaRequestRead,
    responses=error_responses(
        *_ADMIN, CsrfFailed, beta_service.BetaRequestNotFound, beta_service.BetaRequestDecided
    ),
)
async def approve_beta_request(
    beta_request_id: uuid.UUID,
    request: Request,
    background: BackgroundTasks,
    admin: CurrentAdmin,
    session: SessionDep,
) -> BetaRequestRead:
    """Approve (workspace admins): the contact gets an invitation to create an account."""
    found, mail = await beta_service.approve(
        session,
        beta_request_id,
        decided_by=admin.user.id,
        settings=request.app.state.settings,
        actor=admin.actor,
    )
    background.add_task(send_quietly, request.app.state.mail, mail)
    return BetaRequestRead.model_validate(found)


@router.post(
    "/admin/beta-requests/{beta_request_id}/reject",
    response_model=BetaRequestRead,
    responses=error_responses(
        *_ADMIN, CsrfFailed, beta_service.BetaRequestNotFound, beta_service.BetaRequestDecided
    ),
)
async def reject_beta_request(
    beta_request_id: uuid.UUID, admin: CurrentAdmin, session: SessionDep
) -> BetaRequestRead:
    """Reject (workspace admins)."""
    found = await beta_service.reject(
        session, beta_request_id, decided_by=admin.user.id, actor=admin.actor
    )
    return BetaRequestRead.model_validate(found)
