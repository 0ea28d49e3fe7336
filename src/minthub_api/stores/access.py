"""Who may use a store: listing members, changing their roles and removing them (owners)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.core.errors import Conflict, NotFound
from minthub_api.stores.dependencies import StoreContext
from minthub_api.stores.models import StoreRole
from minthub_api.stores.repository import MemberRepository
from minthub_api.stores.schemas import MemberRead


class MemberNotFound(NotFound):
    code = "member_not_found"
    title = "No such member of this store"


class LastOwner(Conflict):
    code = "last_owner"
    title = "A store keeps at least one owner"


async def list_members(session: AsyncSession, store: StoreContext) -> list[MemberRead]:
    rows = await MemberRepository(session).list(store.store.id)
    return [
        MemberRead(user_id=m.user_id, email=email, role=m.role, created_at=m.created_at)
        for m, email in rows
    ]


async def remove_member(session: AsyncSession, store: StoreContext, user_id: uuid.UUID) -> None:
    """Remove a member (their API tokens lose the store at once). Raises `MemberNotFound`,
    `LastOwner`. Audits `store_member_removed`."""
    repo = MemberRepository(session)
    membership = await repo.get(store.store.id, user_id)
    if membership is None:
        raise MemberNotFound()
    if membership.role == StoreRole.owner and await repo.count_owners(store.store.id) <= 1:
        raise LastOwner()
    await session.delete(membership)
    audit.record(
        session,
        store.actor,
        AuditAction.store_member_removed,
        reason=AuditReason.access_management,
        store_id=store.store.id,
        details={"user_id": str(user_id), "role": membership.role},
    )


async def change_member_role(
    session: AsyncSession, store: StoreContext, user_id: uuid.UUID, role: StoreRole
) -> MemberRead:
    """Make a member an owner or a viewer. Raises `MemberNotFound`, `LastOwner` (demoting the
    only owner). Audits `membership_role_changed` when the role changes; the same role is a
    no-op."""
    repo = MemberRepository(session)
    await repo.lock_all(store.store.id)
    membership = await repo.get(store.store.id, user_id)
    if membership is None:
        raise MemberNotFound()
    await session.refresh(membership)  # the locked row, not an older copy in the session
    old_role = membership.role
    if old_role != role:
        if old_role == StoreRole.owner and await repo.count_owners(store.store.id) <= 1:
            raise LastOwner()
        membership.role = role
        audit.record(
            session,
            store.actor,
            AuditAction.membership_role_changed,
            reason=AuditReason.access_management,
            store_id=store.store.id,
            details={"user_id": str(user_id), "old_role": old_role, "new_role": str(role)},
        )
        await session.flush()
    members = await list_members(session, store)
    return next(m for m in members if m.user_id == user_id)
