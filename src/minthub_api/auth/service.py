"""Users and sign-in sessions: password policy, throttling, idle and absolute expiry."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.audit import service as audit
from minthub_api.audit.actions import ActorType, AuditAction, AuditReason
from minthub_api.auth import throttle
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
from minthub_api.core.errors import Conflict, InvalidCredentials, WeakPassword
from minthub_api.core.settings import Settings

__all__ = ["WeakPassword"]

# last_seen_at is written at most this often (a write per request would be wasteful).
TOUCH_INTERVAL = timedelta(seconds=60)


def check_password_policy(password: str, email: str) -> None:
    """Raise `WeakPassword` (422) naming every problem of a new password."""
    problems = password_problems(password, email)
    if problems:
        raise WeakPassword("Password " + "; ".join(problems))


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    is_admin: bool = False,
    beta_access: bool = False,
    actor: audit.Actor = audit.SYSTEM,
) -> User:
    """Create a user. Raises `WeakPassword` or `Conflict` (email taken). Audits `user_created`."""
    email = normalize_email(email)
    check_password_policy(password, email)
    if await UserRepository(session).get_by_email(email):
        raise Conflict("A user with this email already exists")
    user = User(
        email=email,
        password_hash=hash_password(password),
        is_admin=is_admin,
        beta_access_at=utcnow() if beta_access else None,
    )
    session.add(user)
    await session.flush()
    audit.record(
        session,
        actor,
        AuditAction.user_created,
        reason=AuditReason.operator_action,
        details={"user_id": str(user.id), "admin": is_admin, "beta_access": beta_access},
    )
    return user


@dataclass(frozen=True)
class SignIn:
    user: User
    session_token: str
    csrf_token: str


async def sign_in(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    settings: Settings,
    client_address: str,
    request_id: str | None,
) -> SignIn:
    """Check the password and open a session; the tokens are returned once, stored hashed.

    Raises `TooManyRequests` (429) when the account or the client address had too many recent
    failures (checked before the password, so a locked account cannot be probed), and
    `InvalidCredentials` for an unknown email, a wrong password or a disabled user alike.
    The session needs a second factor before store data when the user enrolled one, or when
    MINTHUB_REQUIRE_MFA is on (then the user must enrol first).
    """
    email = normalize_email(email)
    window = timedelta(minutes=settings.login_throttle_window_minutes)
    account_key, address_key = f"email:{email}", f"address:{client_address}"
    await throttle.check(
        session,
        throttle.LOGIN_ADDRESS,
        address_key,
        limit=settings.login_max_failures_per_address,
        window=window,
        what="failed sign-ins from this address",
    )
    await throttle.check(
        session,
        throttle.LOGIN_ACCOUNT,
        account_key,
        limit=settings.login_max_failures_per_account,
        window=window,
        what="failed sign-ins for this account",
    )
    user = await UserRepository(session).get_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        await throttle.hit(session, throttle.LOGIN_ACCOUNT, account_key)
        await throttle.hit(session, throttle.LOGIN_ADDRESS, address_key)
        audit.record(
            session,
            audit.Actor(ActorType.user, user.id if user else None, request_id),
            AuditAction.user_sign_in_failed,
            reason=AuditReason.sign_in,
        )
        raise InvalidCredentials()
    await throttle.ThrottleRepository(session).clear(throttle.LOGIN_ACCOUNT, account_key)
    token, csrf = new_token(), new_token()
    now = utcnow()
    session.add(
        UserSession(
            token_hash=token_hash(token),
            csrf_hash=token_hash(csrf),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_ttl_hours),
        )
    )
    audit.record(
        session,
        audit.Actor.user(user.id, request_id),
        AuditAction.user_signed_in,
        reason=AuditReason.sign_in,
    )
    return SignIn(user=user, session_token=token, csrf_token=csrf)


async def session_for_token(
    session: AsyncSession, token: str, settings: Settings
) -> tuple[UserSession, User] | None:
    """The live session and its active user, or None (unknown, revoked, idle or too old)."""
    now = utcnow()
    row = await SessionRepository(session).get_active_with_user(token_hash(token), now)
    if row is None:
        return None
    found, user = row
    if found.last_seen_at + timedelta(minutes=settings.session_idle_minutes) <= now:
        return None
    if not user.is_active:
        return None
    if now - found.last_seen_at >= TOUCH_INTERVAL:
        found.last_seen_at = now
    return found, user


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


async def sign_out_everywhere(
    session: AsyncSession, *, user_id: uuid.UUID, actor: audit.Actor
) -> int:
    """Revoke every session of the user (this one included); returns how many. Audited."""
    count = await SessionRepository(session).revoke_all_for_user(user_id, utcnow())
    audit.record(
        session,
        actor,
        AuditAction.user_signed_out_everywhere,
        reason=AuditReason.sign_in,
        details={"user_id": str(user_id), "sessions": count},
    )
    return count
