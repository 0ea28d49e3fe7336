from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.invitations.models import Invitation


class InvitationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_by_hash_for_update(self, token_hash: bytes) -> Invitation | None:
        return await self.session.scalar(
            select(Invitation).where(Invitation.token_hash == token_hash).with_for_update()
        )

    async def list_pending_for_store(self, store_id: uuid.UUID) -> Sequence[Invitation]:
        return (
            await self.session.scalars(
                select(Invitation)
                .where(
                    Invitation.store_id == store_id,
                    Invitation.accepted_at.is_(None),
                    Invitation.revoked_at.is_(None),
                )
                .order_by(Invitation.created_at.desc())
            )
        ).all()

    async def get_for_store(
        self, store_id: uuid.UUID, invitation_id: uuid.UUID
    ) -> Invitation | None:
        return await self.session.scalar(
            select(Invitation).where(
                Invitation.id == invitation_id, Invitation.store_id == store_id
            )
        )
