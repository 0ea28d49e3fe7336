from __future__ import annotations

from fastapi import APIRouter, Request, Response

from minthub_api.auth import mfa
from minthub_api.auth import service as auth_service
from minthub_api.auth.dependencies import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    SessionPrincipal,
    SignedIn,
    client_address,
    request_id,
)
from minthub_api.auth.models import User, UserSession
from minthub_api.auth.schemas import (
    LoginRequest,
    MfaCode,
    RecoveryCodes,
    SessionRead,
    SignedOutEverywhere,
    TotpSetup,
    UserRead,
)
from minthub_api.core.db import SessionDep
from minthub_api.core.errors import (
    Conflict,
    CsrfFailed,
    InvalidCredentials,
    InvalidMfaCode,
    NotAuthenticated,
    SessionRequired,
    TooManyRequests,
    error_responses,
)
from minthub_api.core.settings import Settings

router = APIRouter(tags=["auth"])

MFA_OFF_NOTICE = (
    "Two-factor authentication is not required on this installation (MINTHUB_REQUIRE_MFA=false);"
    " Amazon's Data Protection Policy requires it in production."
)


def session_read(user: User, user_session: UserSession | None, settings: Settings) -> SessionRead:
    enabled = user.mfa_enabled_at is not None
    verified = (
        user_session is not None and user_session.mfa_verified_at is not None
        if enabled
        else not settings.require_mfa
    )
    next_step = None
    if not verified:
        next_step = "mfa_verify" if enabled else "mfa_enroll"
    return SessionRead(
        id=user.id,
        email=user.email,
        is_admin=user.is_admin,
        mfa_enabled=enabled,
        mfa_required=settings.require_mfa,
        mfa_verified=verified,
        next_step=next_step,
        notice=None if settings.require_mfa else MFA_OFF_NOTICE,
    )


def _set_cookie(
    response: Response, settings: Settings, name: str, value: str, http_only: bool
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=settings.session_ttl_hours * 3600,
        httponly=http_only,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


@router.post(
    "/auth/login",
    response_model=SessionRead,
    responses=error_responses(InvalidCredentials, TooManyRequests),
)
async def login(
    body: LoginRequest, request: Request, response: Response, session: SessionDep
) -> SessionRead:
    """Sign in with email and password. Sets the http-only session cookie and the readable
    `minthub_csrf` cookie (echo it as `X-CSRF-Token` on POST/PUT/PATCH/DELETE). `next_step`
    says whether a second factor is still needed before store data."""
    settings: Settings = request.app.state.settings
    result = await auth_service.sign_in(
        session,
        email=body.email,
        password=body.password,
        settings=settings,
        client_address=client_address(request),
        request_id=request_id(request),
    )
    _set_cookie(response, settings, SESSION_COOKIE, result.session_token, True)
    _set_cookie(response, settings, CSRF_COOKIE, result.csrf_token, False)
    return session_read(result.user, None, settings)


def _clear_cookies(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


@router.post(
    "/auth/logout",
    status_code=204,
    responses=error_responses(NotAuthenticated, SessionRequired, CsrfFailed),
)
async def logout(request: Request, principal: SessionPrincipal, session: SessionDep) -> Response:
    """End this session (server-side) and clear the cookies."""
    token = request.cookies.get(SESSION_COOKIE, "")
    await auth_service.sign_out(
        session, token=token, user=principal.user, request_id=request_id(request)
    )
    response = Response(status_code=204)
    _clear_cookies(response)
    return response


@router.post(
    "/auth/logout-everywhere",
    response_model=SignedOutEverywhere,
    responses=error_responses(NotAuthenticated, SessionRequired, CsrfFailed),
)
async def logout_everywhere(
    principal: SessionPrincipal, response: Response, session: SessionDep
) -> SignedOutEverywhere:
    """Sign out on every device: revokes all of your sessions, this one included."""
    count = await auth_service.sign_out_everywhere(
        session, user_id=principal.user.id, actor=principal.actor
    )
    _clear_cookies(response)
    return SignedOutEverywhere(sessions_revoked=count)


@router.get("/me", response_model=SessionRead, responses=error_responses(NotAuthenticated))
async def read_me(request: Request, principal: SignedIn) -> SessionRead:
    """The signed-in user (also for a session still waiting for its second factor)."""
    return session_read(principal.user, principal.user_session, request.app.state.settings)


@router.post(
    "/auth/mfa/totp/setup",
    response_model=TotpSetup,
    responses=error_responses(NotAuthenticated, SessionRequired, CsrfFailed, Conflict),
)
async def setup_totp(
    request: Request, principal: SessionPrincipal, session: SessionDep
) -> TotpSetup:
    """Start TOTP enrolment: a new secret for your authenticator app (shown once)."""
    secret, uri = await mfa.start_enrolment(
        session, request.app.state.amazon.key_provider, principal.user
    )
    return TotpSetup(secret=secret, otpauth_uri=uri)


@router.post(
    "/auth/mfa/totp/confirm",
    response_model=RecoveryCodes,
    responses=error_responses(
        NotAuthenticated, SessionRequired, CsrfFailed, Conflict, InvalidMfaCode, TooManyRequests
    ),
)
async def confirm_totp(
    body: MfaCode, request: Request, principal: SessionPrincipal, session: SessionDep
) -> RecoveryCodes:
    """Finish enrolment with a first code: MFA is on, this session is verified, and you get
    ten one-time recovery codes (shown once)."""
    codes = await mfa.confirm_enrolment(
        session,
        request.app.state.amazon.key_provider,
        principal.user,
        principal.user_session,
        body.code,
        principal.actor,
    )
    return RecoveryCodes(recovery_codes=codes)


@router.post(
    "/auth/mfa/verify",
    response_model=SessionRead,
    responses=error_responses(
        NotAuthenticated, SessionRequired, CsrfFailed, Conflict, InvalidMfaCode, TooManyRequests
    ),
)
async def verify_mfa(
    body: MfaCode, request: Request, principal: SessionPrincipal, session: SessionDep
) -> SessionRead:
    """Second step of signing in: a TOTP code or an unused recovery code."""
    assert principal.user_session is not None
    await mfa.verify_session(
        session,
        request.app.state.amazon.key_provider,
        principal.user,
        principal.user_session,
        body.code,
        principal.actor,
    )
    return session_read(principal.user, principal.user_session, request.app.state.settings)


__all__ = ["UserRead", "router"]
