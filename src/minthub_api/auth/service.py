"""Users and sign-in sessions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.audit import service as audit
from minthub_api.audit.actions import ActorType, AuditAction, AuditReason
from minthub_api.auth.models import User, UserSession
from minthub_api.auth.repository import SessionRepository, UserRepository
from minthub_api.auth.security import (
    hash_password,
    new_token,
    normalize_email,
    password_problems,
    token_hash,
    verify_password,
)
from minthub_api.core.db import utcnow
from minthub_api.core.errors import Conflict, InvalidCredentials


class WeakPassword(Conflict):
    status_code = 422
    code = "weak_password"
    title = "The password does not meet the policy"


async def create_user(
    session: AsyncSession, *, email: str, password: str, is_admin: bool = False
) -> User:
    """Create a user. Raises `WeakPassword` or `Conflict` (email taken). Audits `user_created`."""
    email = normalize_email(email)
    problems = password_problems(password, email)
    if problems:
        raise WeakPassword("Password " + "; ".join(problems))
    if await UserRepository(session).get_by_email(email):
        raise Conflict("A user with this email already exists")
    user = User(email=email, password_hash=hash_password(password), is_admin=is_admin)
    session.add(user)
    await session.flush()
    audit.record(
        session,
        audit.SYSTEM,
        AuditAction.user_created,
        reason=AuditReason.operator_action,
        details={"user_id": str(user.id)},
    )
    return user


async def sign_in(
    session: AsyncSession, *, email: str, password: str, ttl: timedelta, request_id: str | None
) -> tuple[User, str]:
    """Check the password and open a session; returns the user and the session token (shown once).

    Raises `InvalidCredentials` for an unknown email, a wrong password or a disabled user alike.
    """
    user = await UserRepository(session).get_by_email(normalize_email(email))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        audit.record(
            session,
            audit.Actor(ActorType.user, user.id if user else None, request_id),
            AuditAction.user_sign_in_failed,
            reason=AuditReason.sign_in,
        )
        raise InvalidCredentials()
    token = new_token()
    now = utcnow()
    session.add(UserSession(token_hash=token_hash(token), user_id=user.id, expires_at=now + ttl))
    audit.record(
        session,
        audit.Actor.user(user.id, request_id),
        AuditAction.user_signed_in,
        reason=AuditReason.sign_in,
    )
    return user, token


async def user_for_session_token(session: AsyncSession, token: str) -> User | None:
    found = await SessionRepository(session).get_active_by_hash(token_hash(token), utcnow())
    if found is None:
        return None
    user = await UserRepository(session).get_by_id(found.user_id)
    if user is None or not user.is_active:
        return None
    return user


async def sign_out(
    session: AsyncSession, *, token: str, user: User, request_id: str | None
) -> None:
    await SessionRepository(session).revoke_by_hash(token_hash(token), utcnow())
    audit.record(
        session,
        audit.Actor.user(user.id, request_id),
        AuditAction.user_signed_out,
        reason=AuditReason.sign_in,
    )
