"""The one store-scoped dependency: every route under /stores/{store_id} runs it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from minthub_api.audit.service import Actor
from minthub_api.auth.dependencies import SAFE_METHODS, CurrentPrincipal, Principal
from minthub_api.auth.models import User
from minthub_api.core.db import SessionDep
from minthub_api.core.errors import StoreNotFound, StoreRoleForbidden
from minthub_api.stores.models import Store, StoreRole
from minthub_api.stores.repository import StoreRepository


@dataclass(frozen=True)
class StoreContext:
    store: Store
    role: str
    user: User
    actor: Actor
    principal: Principal | None = None


async def get_current_store(
    store_id: str, request: Request, principal: CurrentPrincipal, session: SessionDep
) -> StoreContext:
    """Load the caller's membership of the store.

    Unknown ids, malformed ids, stores the caller is not a member of and stores outside an API
    token's scope all raise the same `StoreNotFound` (404, not 403) before any store query, so
    the answer (and its timing) never reveals that a store exists. Unsafe methods (POST, PUT,
    PATCH, DELETE) need the `owner` role: `StoreRoleForbidden` (403) for viewers.
    """
    try:
        parsed = uuid.UUID(store_id)
    except ValueError:
        raise StoreNotFound() from None
    if parsed not in principal.store_ids:
        raise StoreNotFound()
    found = await StoreRepository(session).get_membership(parsed, principal.user.id)
    if found is None:
        raise StoreNotFound()
    store, membership = found
    if request.method not in SAFE_METHODS and membership.role != StoreRole.owner:
        raise StoreRoleForbidden()
    return StoreContext(
        store=store,
        role=membership.role,
        user=principal.user,
        actor=principal.actor,
        principal=principal,
    )


CurrentStore = Annotated[StoreContext, Depends(get_current_store)]
