from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response

from minthub_api.auth import service as auth_service
from minthub_api.auth.dependencies import SESSION_COOKIE, CurrentUser, request_id
from minthub_api.auth.schemas import LoginRequest, UserRead
from minthub_api.core.db import SessionDep
from minthub_api.core.errors import InvalidCredentials, NotAuthenticated, error_responses
from minthub_api.core.settings import Settings

router = APIRouter(tags=["auth"])


@router.post("/auth/login", response_model=UserRead, responses=error_responses(InvalidCredentials))
async def login(
    body: LoginRequest, request: Request, response: Response, session: SessionDep
) -> UserRead:
    """Sign in with email and password; sets the http-only session cookie."""
    settings: Settings = request.app.state.settings
    ttl = timedelta(hours=settings.session_ttl_hours)
    user, token = await auth_service.sign_in(
        session, email=body.email, password=body.password, ttl=ttl, request_id=request_id(request)
    )
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(ttl.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
        path="/",
    )
    return UserRead.model_validate(user)


@router.post("/auth/logout", status_code=204, responses=error_responses(NotAuthenticated))
async def logout(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    """End this session (server-side) and clear the cookie."""
    token = request.cookies.get(SESSION_COOKIE, "")
    await auth_service.sign_out(session, token=token, user=user, request_id=request_id(request))
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=UserRead, responses=error_responses(NotAuthenticated))
async def read_me(user: CurrentUser) -> UserRead:
    return UserRead.model_validate(user)
