from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from minthub_api.audit.service import Actor
from minthub_api.auth import service as auth_service
from minthub_api.auth.models import User
from minthub_api.core.db import SessionDep
from minthub_api.core.errors import NotAuthenticated

SESSION_COOKIE = "minthub_session"


async def get_current_user(request: Request, session: SessionDep) -> User:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise NotAuthenticated()
    user = await auth_service.user_for_session_token(session, token)
    if user is None:
        raise NotAuthenticated("Your session has expired or was signed out; sign in again")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_optional_user(request: Request, session: SessionDep) -> User | None:
    token = request.cookies.get(SESSION_COOKIE)
    return await auth_service.user_for_session_token(session, token) if token else None


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


def request_id(request: Request) -> str | None:
    value = getattr(request.state, "request_id", None)
    return value if isinstance(value, str) else None


def get_actor(request: Request, user: CurrentUser) -> Actor:
    return Actor.user(user.id, request_id(request))


CurrentActor = Annotated[Actor, Depends(get_actor)]
