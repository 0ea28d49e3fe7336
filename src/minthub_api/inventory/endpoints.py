from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from minthub_api.core.db import SessionDep
from minthub_api.core.errors import (
    AmazonRejected,
    AmazonThrottled,
    AmazonUnavailable,
    InvalidCursor,
    NotAuthenticated,
    StoreNotFound,
    StoreRevoked,
    error_responses,
)
from minthub_api.core.pagination import Page
from minthub_api.inventory import service as inventory_service
from minthub_api.inventory.schemas import InventoryItem
from minthub_api.stores.dependencies import CurrentStore

router = APIRouter(tags=["inventory"])


@router.get(
    "/inventory",
    response_model=Page[InventoryItem],
    responses=error_responses(
        NotAuthenticated,
        StoreNotFound,
        InvalidCursor,
        StoreRevoked,
        inventory_service.MarketplaceNotInStore,
        AmazonRejected,
        AmazonThrottled,
        AmazonUnavailable,
    ),
)
async def list_inventory(
    request: Request,
    store: CurrentStore,
    session: SessionDep,
    marketplace_id: Annotated[str | None, Query(max_length=32)] = None,
    cursor: Annotated[str | None, Query(max_length=4096)] = None,
) -> Page[InventoryItem]:
    """The store's FBA inventory per SKU, fetched from Amazon now (one Amazon page per page).

    Follow `next_cursor` promptly: Amazon's inventory page tokens expire after 30 seconds."""
    return await inventory_service.list_inventory(
        session, store, request.app.state.amazon, marketplace_id=marketplace_id, cursor=cursor
    )
