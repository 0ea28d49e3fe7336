"""Counting attempts in a sliding window, in PostgreSQL so every API process sees the same count.

Keys (an email, a client address, a user id) are stored as SHA-256 only. Rows older than the
longest window are pruned as new ones arrive.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.auth.models import ThrottleEvent
from minthub_api.core.db import utcnow
from minthub_api.core.errors import TooManyRequests

LOGIN_ACCOUNT = "login_account"
LOGIN_ADDRESS = "login_address"
MFA_USER = "mfa_user"
BETA_ADDRESS = "beta_address"

RETENTION = timedelta(days=1)


def key_hash(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


class ThrottleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count(self, scope: str, key: str, window: timedelta) -> int:
        found = await self.session.scalar(
            select(func.count())
            .select_from(ThrottleEvent)
            .where(
                ThrottleEvent.scope == scope,
                ThrottleEvent.key_hash == key_hash(key),
                ThrottleEvent.occurred_at > utcnow() - window,
            )
        )
        return int(found or 0)

    def add(self, scope: str, key: str) -> None:
        self.session.add(ThrottleEvent(scope=scope, key_hash=key_hash(key)))

    async def clear(self, scope: str, key: str) -> None:
        await self.session.execute(
            delete(ThrottleEvent).where(
                ThrottleEvent.scope == scope, ThrottleEvent.key_hash == key_hash(key)
            )
        )

    async def prune(self) -> None:
        await self.session.execute(
            delete(ThrottleEvent).where(ThrottleEvent.occurred_at < utcnow() - RETENTION)
        )


async def check(
    session: AsyncSession, scope: str, key: str, *, limit: int, window: timedelta, what: str
) -> None:
    """Raise `TooManyRequests` (429, Retry-After) when `key` reached `limit` in `window`."""
    if await ThrottleRepository(session).count(scope, key, window) >= limit:
        raise TooManyRequests(
            f"Too many {what}; try again in {int(window.total_seconds() // 60)} minutes",
            headers={"Retry-After": str(int(window.total_seconds()))},
        )


async def hit(session: AsyncSession, scope: str, key: str) -> None:
    repo = ThrottleRepository(session)
    repo.add(scope, key)
    await repo.prune()
