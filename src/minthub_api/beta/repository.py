from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.beta.models import BetaRequest, BetaStatus


class BetaRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def pending_for_email(self, email: str) -> BetaRequest | None:
        return await self.session.scalar(
            select(BetaRequest).where(
                BetaRequest.contact_email == email, BetaRequest.status == BetaStatus.pending
            )
        )

    async def list(self, status: BetaStatus | None) -> Sequence[BetaRequest]:
        stmt = select(BetaRequest).order_by(BetaRequest.created_at.desc()).limit(500)
        if status is not None:
            stmt = stmt.where(BetaRequest.status == status)
        return (await self.session.scalars(stmt)).all()

    async def get_for_update(self, request_id: uuid.UUID) -> BetaRequest | None:
        return await self.session.scalar(
            select(BetaRequest).where(BetaRequest.id == request_id).with_for_update()
        )
