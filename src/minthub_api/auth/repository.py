from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.auth.models import User, UserSession


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_by_email(self, email: str) -> User | None:
        return await self.session.scalar(select(User).where(User.email == email))

    async def list(self) -> Sequence[User]:
        return (await self.session.scalars(select(User).order_by(User.created_at))).all()


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_active_with_user(
        self, token_hash: bytes, now: datetime
    ) -> tuple[UserSession, User] | None:
        """The unrevoked, unexpired session with this hash and its user, in one statement
        (every authenticated request runs it)."""
        row = (
            await self.session.execute(
                select(UserSession, User)
                .join(User, User.id == UserSession.user_id)
                .where(
                    UserSession.token_hash == token_hash,
                    UserSession.revoked_at.is_(None),
                    UserSession.expires_at > now,
                )
            )
        ).first()
        return (row[0], row[1]) if row else None

    async def revoke_by_hash(self, token_hash: bytes, now: datetime) -> None:
        await self.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == token_hash, UserSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    async def revoke_all_for_user(self, user_id: uuid.UUID, now: datetime) -> int:
        result = await self.session.execute(
            update(UserSession)
            .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
            .values(revoked_at=now)
            .returning(UserSession.id)
        )
        return len(result.all())
