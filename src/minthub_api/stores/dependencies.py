"""The one store-scoped dependency: every route under /stores/{store_id} runs it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from minthub_api.audit.service import Actor
from minthub_api.auth.dependencies import CurrentActor, CurrentUser
from minthub_api.auth.models import User
from minthub_api.core.db import SessionDep
from minthub_api.core.errors import StoreNotFound
from minthub_api.stores.models import Store
from minthub_api.stores.repository import StoreRepository


@dataclass(frozen=True)
class StoreContext:
    store: Store
    role: str
    user: User
    actor: Actor


async def get_current_store(
    store_id: str, user: CurrentUser, actor: CurrentActor, session: SessionDep
) -> StoreContext:
    """Load the caller's membership of the store.

    Unknown ids, malformed ids and stores the caller is not a member of all raise the same
    `StoreNotFound` (404, not 403), so the answer never reveals that a store exists.
    """
    try:
        parsed = uuid.UUID(store_id)
    except ValueError:
        raise StoreNotFound() from None
    found = await StoreRepository(session).get_membership(parsed, user.id)
    if found is None:
        raise StoreNotFound()
    store, membership = found
    return StoreContext(store=store, role=membership.role, user=user, actor=actor)


CurrentStore = Annotated[StoreContext, Depends(get_current_store)]
