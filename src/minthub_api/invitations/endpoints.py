from __future__ import annotations

import uuid

from fastapi import APIRouter, BackgroundTasks, Request, Response

from minthub_api.audit.service import Actor
from minthub_api.auth.dependencies import OptionalPrincipal, get_verified_principal, request_id
from minthub_api.core.db import SessionDep
from minthub_api.core.errors import (
    CsrfFailed,
    InvalidInvitation,
    MfaRequired,
    StoreNotFound,
    StoreRoleForbidden,
    TokenReadOnly,
    WeakPassword,
    error_responses,
)
from minthub_api.core.settings import Settings
from minthub_api.invitations import service as invitation_service
from minthub_api.invitations.schemas import (
    InvitationAccept,
    InvitationAccepted,
    InvitationCreate,
    InvitationRead,
)
from minthub_api.mail.sender import send_quietly
from minthub_api.stores.dependencies import CurrentStore

router = APIRouter(tags=["invitations"])
store_router = APIRouter(tags=["invitations"])

_STORE_WRITE = (StoreNotFound, StoreRoleForbidden, CsrfFailed, TokenReadOnly)


@store_router.post(
    "/invitations",
    status_code=201,
    response_model=InvitationRead,
    responses=error_responses(*_STORE_WRITE),
)
async def create_invitation(
    body: InvitationCreate,
    request: Request,
    background: BackgroundTasks,
    store: CurrentStore,
    session: SessionDep,
) -> InvitationRead:
    """Invite a teammate by email to this store with a role (owners). The link is e-mailed,
    works once and expires (MINTHUB_INVITATION_TTL_HOURS)."""
    settings: Settings = request.app.state.settings
    inv, mail = await invitation_service.invite_to_store(session, store, body, settings)
    background.add_task(send_quietly, request.app.state.mail, mail)
    return InvitationRead.model_validate(inv)


@store_router.get(
    "/invitations", response_model=list[InvitationRead], responses=error_responses(StoreNotFound)
)
async def list_invitations(store: CurrentStore, session: SessionDep) -> list[InvitationRead]:
    """Pending invitations of this store."""
    found = await invitation_service.list_for_store(session, store)
    return [InvitationRead.model_validate(i) for i in found]


@store_router.delete(
    "/invitations/{invitation_id}",
    status_code=204,
    responses=error_responses(*_STORE_WRITE, invitation_service.InvitationNotFound),
)
async def revoke_invitation(
    invitation_id: uuid.UUID, store: CurrentStore, session: SessionDep
) -> Response:
    """Revoke a pending invitation (owners); its link stops working."""
    await invitation_service.revoke(session, store, invitation_id)
    return Response(status_code=204)


@router.post(
    "/invitations/accept",
    response_model=InvitationAccepted,
    responses=error_responses(
        InvalidInvitation,
        WeakPassword,
        CsrfFailed,
        MfaRequired,
        invitation_service.InvitationEmailMismatch,
        invitation_service.AccountExists,
    ),
)
async def accept_invitation(
    body: InvitationAccept, request: Request, principal: OptionalPrincipal, session: SessionDep
) -> InvitationAccepted:
    """Use an invitation link: signed in as the invitee, the store (or beta access) is added
    to your account; otherwise send a password and the account is created (then sign in)."""
    if principal is not None:
        await get_verified_principal(principal)
    acceptor = invitation_service.Acceptor(
        user=principal.user if principal else None,
        actor=principal.actor if principal else Actor.user_unknown(request_id(request)),
    )
    return await invitation_service.accept(
        session, token=body.token, password=body.password, by=acceptor
    )
