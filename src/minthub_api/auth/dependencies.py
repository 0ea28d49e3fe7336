"""Who is calling: a signed-in session (cookie) or a personal API token (Authorization: Bearer).

`get_principal` authenticates, enforces CSRF on cookie-authenticated unsafe methods and the
read-only rule of tokens, and sets the transaction's row-level-security scope (the acting
principal and the stores it may see right now). Routes then ask for what they need:

- `SignedIn`: any principal, even a session still waiting for its second factor;
- `CurrentPrincipal` / `CurrentUser` / `CurrentActor`: second factor done (or not required);
- `SessionPrincipal` / `VerifiedSession`: a cookie session only (account and token management);
- `CurrentAdmin`: a verified session of a workspace administrator.
"""

from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Request

from minthub_api.audit.actions import ActorType
from minthub_api.audit.service import Actor
from minthub_api.auth import service as auth_service
from minthub_api.auth.models import User, UserSession
from minthub_api.auth.security import token_hash
from minthub_api.core import rls
from minthub_api.core.db import SessionDep
from minthub_api.core.errors import (
    AdminRequired,
    CsrfFailed,
    MfaEnrollmentRequired,
    MfaRequired,
    NotAuthenticated,
    SessionRequired,
    TokenReadOnly,
)
from minthub_api.core.settings import Settings
from minthub_api.tokens import service as token_service
from minthub_api.tokens.models import ApiToken

SESSION_COOKIE = "minthub_session"
CSRF_COOKIE = "minthub_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class PrincipalKind(StrEnum):
    session = "session"
    api_token = "api_token"  # noqa: S105 - a kind of principal, not a secret


@dataclass(frozen=True)
class Principal:
    user: User
    kind: PrincipalKind
    store_ids: frozenset[uuid.UUID]  # what it may see now (RLS scope of this transaction)
    mfa_ok: bool
    actor: Actor
    user_session: UserSession | None = None
    token: ApiToken | None = None


def request_id(request: Request) -> str | None:
    value = getattr(request.state, "request_id", None)
    return value if isinstance(value, str) else None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _scope(
    session: SessionDep, label: str, user: User, limit_to: set[uuid.UUID] | None
) -> frozenset[uuid.UUID]:
    # Who we are (a user sees their own memberships), then which stores: those memberships.
    return await rls.set_principal_for_user(session, label, user_id=user.id, limit_to=limit_to)


async def _authenticate(request: Request, session: SessionDep) -> Principal | None:
    settings: Settings = request.app.state.settings
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise NotAuthenticated("Use `Authorization: Bearer <token>`")
        found = await token_service.authenticate(session, value.strip())
        if found is None:
            raise NotAuthenticated("The API token is unknown, expired or revoked")
        token, user = found
        if request.method not in SAFE_METHODS:
            raise TokenReadOnly()
        # A token never has more than its user has now: its scope meets current memberships.
        allowed = await _scope(session, f"api_token:{token.id}", user, set(token.store_ids))
        actor = Actor(ActorType.api_token, token.id, request_id(request))
        return Principal(user, PrincipalKind.api_token, allowed, True, actor, token=token)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    found_session = await auth_service.session_for_token(session, cookie, settings)
    if found_session is None:
        raise NotAuthenticated("Your session has expired or was signed out; sign in again")
    user_session, user = found_session
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        expected = user_session.csrf_hash
        if not sent or expected is None or not hmac.compare_digest(token_hash(sent), expected):
            raise CsrfFailed()
    if user.mfa_enabled_at is not None:
        mfa_ok = user_session.mfa_verified_at is not None
    else:
        mfa_ok = not settings.require_mfa
    allowed = await _scope(session, f"user:{user.id}", user, None)
    actor = Actor.user(user.id, request_id(request))
    return Principal(user, PrincipalKind.session, allowed, mfa_ok, actor, user_session=user_session)


async def get_principal(request: Request, session: SessionDep) -> Principal:
    principal = await _authenticate(request, session)
    if principal is None:
        raise NotAuthenticated()
    return principal


SignedIn = Annotated[Principal, Depends(get_principal)]


async def get_optional_principal(request: Request, session: SessionDep) -> Principal | None:
    try:
        return await _authenticate(request, session)
    except NotAuthenticated:
        return None


OptionalPrincipal = Annotated[Principal | None, Depends(get_optional_principal)]


async def get_verified_principal(principal: SignedIn) -> Principal:
    """Second factor done (or not required on this installation)."""
    if not principal.mfa_ok:
        if principal.user.mfa_enabled_at is None:
            raise MfaEnrollmentRequired()
        raise MfaRequired()
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_verified_principal)]


async def get_session_principal(principal: SignedIn) -> Principal:
    if principal.kind != PrincipalKind.session or principal.user_session is None:
        raise SessionRequired()
    return principal


SessionPrincipal = Annotated[Principal, Depends(get_session_principal)]


async def get_verified_session(principal: CurrentPrincipal) -> Principal:
    return await get_session_principal(principal)


VerifiedSession = Annotated[Principal, Depends(get_verified_session)]


async def get_current_user(principal: CurrentPrincipal) -> User:
    return principal.user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_actor(principal: CurrentPrincipal) -> Actor:
    return principal.actor


CurrentActor = Annotated[Actor, Depends(get_actor)]


async def get_admin(principal: VerifiedSession) -> Principal:
    """A workspace administrator. Being admin grants no store: store access is membership."""
    if not principal.user.is_admin:
        raise AdminRequired()
    return principal


CurrentAdmin = Annotated[Principal, Depends(get_admin)]
