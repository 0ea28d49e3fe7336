from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.auth.models import User
from minthub_api.stores.models import (
    OAuthState,
    Store,
    StoreCredential,
    StoreMembership,
    StoreRole,
)


class StoreRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_membership(
        self, store_id: uuid.UUID, user_id: uuid.UUID
    ) -> tuple[Store, StoreMembership] | None:
        row = (
            await self.session.execute(
                select(Store, StoreMembership)
                .join(StoreMembership, StoreMembership.store_id == Store.id)
                .where(Store.id == store_id, StoreMembership.user_id == user_id)
            )
        ).first()
        return (row[0], row[1]) if row else None

    async def list_for_user(self, user_id: uuid.UUID) -> Sequence[tuple[Store, StoreMembership]]:
        rows = await self.session.execute(
            select(Store, StoreMembership)
            .join(StoreMembership, StoreMembership.store_id == Store.id)
            .where(StoreMembership.user_id == user_id)
            .order_by(Store.created_at, Store.id)
        )
        return [(r[0], r[1]) for r in rows]

    async def store_ids_for_user(self, user_id: uuid.UUID) -> list[uuid.UUID]:
        rows = await self.session.scalars(
            select(StoreMembership.store_id).where(StoreMembership.user_id == user_id)
        )
        return list(rows)

    async def get_by_partner(self, selling_partner_id: str, region: str) -> Store | None:
        return await self.session.scalar(
            select(Store)
            .where(Store.selling_partner_id == selling_partner_id, Store.region == region)
            .with_for_update()
        )

    async def get_membership_row(
        self, store_id: uuid.UUID, user_id: uuid.UUID
    ) -> StoreMembership | None:
        return await self.session.get(StoreMembership, (store_id, user_id))

    async def get_credential(self, store_id: uuid.UUID) -> StoreCredential | None:
        return await self.session.get(StoreCredential, store_id)


class OAuthStateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, state_hash: bytes, now: datetime) -> OAuthState | None:
        """Mark the state used and return it, atomically; None if unknown, used or expired."""
        state_id = await self.session.scalar(
            update(OAuthState)
            .where(
                OAuthState.state_hash == state_hash,
                OAuthState.used_at.is_(None),
                OAuthState.expires_at > now,
            )
            .values(used_at=now)
            .returning(OAuthState.id)
        )
        if state_id is None:
            return None
        return await self.session.get(OAuthState, state_id)


class MemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list(self, store_id: uuid.UUID) -> Sequence[tuple[StoreMembership, str]]:
        rows = await self.session.execute(
            select(StoreMembership, User.email)
            .join(User, User.id == StoreMembership.user_id)
            .where(StoreMembership.store_id == store_id)
            .order_by(StoreMembership.created_at, User.email)
        )
        return [(r[0], r[1]) for r in rows]

    async def get(self, store_id: uuid.UUID, user_id: uuid.UUID) -> StoreMembership | None:
        return await self.session.get(StoreMembership, (store_id, user_id))

    async def lock_all(self, store_id: uuid.UUID) -> None:
        """Row-lock the store's memberships: two owners demoting each other at once cannot
        both pass the last-owner check."""
        await self.session.execute(
            select(StoreMembership.user_id)
            .where(StoreMembership.store_id == store_id)
            .order_by(StoreMembership.user_id)
            .with_for_update()
        )

    async def count_owners(self, store_id: uuid.UUID) -> int:
        rows = await self.session.scalars(
            select(StoreMembership.user_id).where(
                StoreMembership.store_id == store_id, StoreMembership.role == StoreRole.owner
            )
        )
        return len(rows.all())
