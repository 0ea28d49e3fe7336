"""Personal API tokens: read-only, scoped to some of the user's stores, shown once, hashed.

A token's effective scope is computed per request (`auth/dependencies.py`): its `store_ids`
intersected with the user's memberships at that moment, so removing the user from a store (or
disabling the user) takes the token's access away at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.auth.models import User
from minthub_api.auth.security import new_token, token_hash
from minthub_api.core.db import utcnow
from minthub_api.core.errors import AppError, NotFound
from minthub_api.stores.repository import StoreRepository
from minthub_api.tokens.models import ApiToken
from minthub_api.tokens.repository import ApiTokenRepository
from minthub_api.tokens.schemas import ApiTokenCreate

TOKEN_PREFIX = "mh_pat_"  # noqa: S105 - the visible prefix of every token (secret scanners)
# last_used_at is written at most this often.
TOUCH_INTERVAL = timedelta(seconds=60)


class TokenScopeInvalid(AppError):
    status_code = 422
    code = "token_scope_invalid"
    title = "A token can only be scoped to stores you are a member of"


class TokenTooLong(AppError):
    status_code = 422
    code = "token_expiry_too_long"
    title = "The token's lifetime is longer than this installation allows"


async def authenticate(session: AsyncSession, token: str) -> tuple[ApiToken, User] | None:
    """The live token and its active user, or None. Updates `last_used_at`."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    now = utcnow()
    found = await ApiTokenRepository(session).get_active_with_user(token_hash(token), now)
    if found is None:
        return None
    if found[0].last_used_at is None or now - found[0].last_used_at >= TOUCH_INTERVAL:
        found[0].last_used_at = now
    return found


async def create_token(
    session: AsyncSession,
    user: User,
    body: ApiTokenCreate,
    *,
    max_days: int,
    actor: audit.Actor,
) -> tuple[ApiToken, str]:
    """Create a token; returns it with its secret (shown once). Audited.

    Raises `TokenScopeInvalid` when a store id is not one of the user's stores (unknown and
    foreign ids alike), `TokenTooLong` past MINTHUB_API_TOKEN_MAX_DAYS."""
    if body.expires_in_days > max_days:
        raise TokenTooLong(f"At most {max_days} days")
    member_of = set(await StoreRepository(session).store_ids_for_user(user.id))
    wanted = list(dict.fromkeys(body.store_ids))
    if not set(wanted) <= member_of:
        raise TokenScopeInvalid()
    secret = new_token(TOKEN_PREFIX)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=body.name,
        token_hash=token_hash(secret),
        token_prefix=secret[: len(TOKEN_PREFIX) + 4],
        store_ids=wanted,
        created_at=now,
        expires_at=now + timedelta(days=body.expires_in_days),
    )
    session.add(token)
    await session.flush()
    audit.record(
        session,
        actor,
        AuditAction.api_token_created,
        reason=AuditReason.access_management,
        details={"token_id": str(token.id), "store_ids": [str(s) for s in wanted]},
    )
    return token, secret


async def list_tokens(session: AsyncSession, user: User) -> Sequence[ApiToken]:
    return await ApiTokenRepository(session).list_for_user(user.id)


async def revoke_token(
    session: AsyncSession, user: User, token_id: uuid.UUID, *, actor: audit.Actor
) -> None:
    """Revoke one of the user's tokens (idempotent). Raises `NotFound` for others'. Audited."""
    token = await ApiTokenRepository(session).get_for_user(token_id, user.id)
    if token is None:
        raise NotFound("No such token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            session,
            actor,
            AuditAction.api_token_revoked,
            reason=AuditReason.access_management,
            details={"token_id": str(token.id)},
        )
