from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from minthub_api.auth.dependencies import VerifiedSession
from minthub_api.core.db import SessionDep
from minthub_api.core.errors import (
    CsrfFailed,
    MfaRequired,
    NotAuthenticated,
    NotFound,
    SessionRequired,
    error_responses,
)
from minthub_api.core.settings import Settings
from minthub_api.tokens import service as token_service
from minthub_api.tokens.schemas import ApiTokenCreate, ApiTokenCreated, ApiTokenRead

router = APIRouter(tags=["tokens"])

_AUTH = (NotAuthenticated, MfaRequired, SessionRequired)


@router.post(
    "/tokens",
    status_code=201,
    response_model=ApiTokenCreated,
    responses=error_responses(
        *_AUTH, CsrfFailed, token_service.TokenScopeInvalid, token_service.TokenTooLong
    ),
)
async def create_token(
    body: ApiTokenCreate, request: Request, principal: VerifiedSession, session: SessionDep
) -> ApiTokenCreated:
    """Create a personal read-only API token for some of your stores. The token is shown once;
    use it as `Authorization: Bearer <token>`."""
    settings: Settings = request.app.state.settings
    token, secret = await token_service.create_token(
        session,
        principal.user,
        body,
        max_days=settings.api_token_max_days,
        actor=principal.actor,
    )
    read = ApiTokenRead.model_validate(token)
    return ApiTokenCreated(**read.model_dump(), token=secret)


@router.get("/tokens", response_model=list[ApiTokenRead], responses=error_responses(*_AUTH))
async def list_tokens(principal: VerifiedSession, session: SessionDep) -> list[ApiTokenRead]:
    """Your API tokens (never the secrets), newest first."""
    tokens = await token_service.list_tokens(session, principal.user)
    return [ApiTokenRead.model_validate(t) for t in tokens]


@router.delete(
    "/tokens/{token_id}", status_code=204, responses=error_responses(*_AUTH, CsrfFailed, NotFound)
)
async def revoke_token(
    token_id: uuid.UUID, principal: VerifiedSession, session: SessionDep
) -> Response:
    """Revoke one of your tokens; it stops working at once."""
    await token_service.revoke_token(session, principal.user, token_id, actor=principal.actor)
    return Response(status_code=204)
