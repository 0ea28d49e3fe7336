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
from minthub_api.orders import service as order_service
from minthub_api.orders.schemas import OrderSummary
from minthub_api.stores.dependencies import CurrentStore

router = APIRouter(tags=["orders"])


@router.get(
    "/orders",
    response_model=Page[OrderSummary],
    responses=error_responses(
        NotAuthenticated,
        StoreNotFound,
        InvalidCursor,
        StoreRevoked,
        AmazonRejected,
        AmazonThrottled,
        AmazonUnavailable,
    ),
)
async def list_orders(
    request: Request,
    store: CurrentStore,
    session: SessionDep,
    days: Annotated[int, Query(ge=1, le=730)] = 30,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
    cursor: Annotated[str | None, Query(max_length=4096)] = None,
) -> Page[OrderSummary]:
    """Orders created in the last `days` days (no buyer or address data), fetched from Amazon."""
    return await order_service.list_orders(
        session, store, request.app.state.amazon, days=days, limit=limit, cursor=cursor
    )
