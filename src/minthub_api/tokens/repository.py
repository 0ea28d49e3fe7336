from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.auth.models import User
from minthub_api.tokens.models import ApiToken


class ApiTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_active_with_user(
        self, token_hash: bytes, now: datetime
    ) -> tuple[ApiToken, User] | None:
        row = (
            await self.session.execute(
                select(ApiToken, User)
                .join(User, User.id == ApiToken.user_id)
                .where(
                    ApiToken.token_hash == token_hash,
                    ApiToken.revoked_at.is_(None),
                    ApiToken.expires_at > now,
                    User.is_active.is_(True),
                )
            )
        ).first()
        return (row[0], row[1]) if row else None

    async def list_for_user(self, user_id: uuid.UUID) -> Sequence[ApiToken]:
        return (
            await self.session.scalars(
                select(ApiToken)
                .where(ApiToken.user_id == user_id)
                .order_by(ApiToken.created_at.desc(), ApiToken.id)
            )
        ).all()

    async def get_for_user(self, token_id: uuid.UUID, user_id: uuid.UUID) -> ApiToken | None:
        return await self.session.scalar(
            select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id)
        )
