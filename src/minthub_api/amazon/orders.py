"""Orders behind an adapter boundary; the implementation is Orders API v2026-01-01.

v0 is deprecated (removal after 2027-03-27), so services code against `OrdersSource`
(../shared/SPAPI-NOTES.md §0.2, §5.3). Buyer PII is never requested: `includedData` is always
exactly `ORDERS_ALLOWED_INCLUDED_DATA` (FULFILLMENT for status/channel/ship-by, PROCEEDS for the
total); no function here accepts an includedData argument, and the client's `pii` guard refuses
anything else. Amazon wants dates in UTC `Z`, and `...Before` at least 2 minutes in the past.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from minthub_api.amazon.client import StoreApi
from minthub_api.amazon.encoding import encode_path_segment
from minthub_api.amazon.pii import ORDERS_ALLOWED_INCLUDED_DATA
from minthub_api.amazon.schemas.orders import (
    FulfillmentStatus,
    GetOrderResponse,
    Order,
    SearchOrdersResponse,
)

SEARCH_OPERATION = "searchOrders"
SEARCH_PATH = "/orders/2026-01-01/orders"
GET_OPERATION = "getOrder"
MAX_MARKETPLACES = 50
INCLUDED_DATA: tuple[str, ...] = tuple(sorted(ORDERS_ALLOWED_INCLUDED_DATA))


@dataclass(frozen=True)
class OrdersPage:
    items: list[Order]
    next_token: str | None


def _search_params(
    *,
    marketplace_ids: Sequence[str],
    created_after: datetime | None,
    last_updated_after: datetime | None,
    created_before: datetime | None,
    last_updated_before: datetime | None,
    fulfillment_statuses: Sequence[str] | None,
    max_results: int,
    pagination_token: str | None,
) -> dict[str, Any]:
    if isinstance(marketplace_ids, str) or not 1 <= len(marketplace_ids) <= MAX_MARKETPLACES:
        raise ValueError(f"marketplace_ids must be a list of 1-{MAX_MARKETPLACES} ids")
    if (created_after is None) == (last_updated_after is None):
        raise ValueError("give exactly one of created_after / last_updated_after")
    if created_before is not None and created_after is None:
        raise ValueError("created_before needs created_after")
    if last_updated_before is not None and last_updated_after is None:
        raise ValueError("last_updated_before needs last_updated_after")
    if not 1 <= max_results <= 100:
        raise ValueError("max_results must be 1-100")
    statuses = [FulfillmentStatus(s).value for s in fulfillment_statuses or ()]
    return {
        "createdAfter": created_after,
        "createdBefore": created_before,
        "lastUpdatedAfter": last_updated_after,
        "lastUpdatedBefore": last_updated_before,
        "fulfillmentStatuses": statuses or None,
        "marketplaceIds": list(marketplace_ids),
        "maxResultsPerPage": max_results,
        "paginationToken": pagination_token,
        "includedData": list(INCLUDED_DATA),
    }


async def search_orders_page(
    api: StoreApi,
    *,
    marketplace_ids: Sequence[str],
    created_after: datetime | None = None,
    last_updated_after: datetime | None = None,
    created_before: datetime | None = None,
    last_updated_before: datetime | None = None,
    fulfillment_statuses: Sequence[str] | None = None,
    max_results: int = 100,
    pagination_token: str | None = None,
) -> OrdersPage:
    """One page of orders. Filters are resent with `pagination_token` (valid 24 h).

    Raises ValueError for invalid filter combinations; SP-API errors as in `StoreApi.request`.
    """
    params = _search_params(
        marketplace_ids=marketplace_ids,
        created_after=created_after,
        last_updated_after=last_updated_after,
        created_before=created_before,
        last_updated_before=last_updated_before,
        fulfillment_statuses=fulfillment_statuses,
        max_results=max_results,
        pagination_token=pagination_token,
    )
    response = await api.request(SEARCH_OPERATION, "GET", SEARCH_PATH, params=params)
    parsed = SearchOrdersResponse.model_validate(response.body or {})
    return OrdersPage(
        items=[Order.from_api(o) for o in parsed.orders],
        next_token=parsed.pagination.next_token if parsed.pagination else None,
    )


async def iter_orders(
    api: StoreApi,
    *,
    marketplace_ids: Sequence[str],
    created_after: datetime | None = None,
    last_updated_after: datetime | None = None,
    created_before: datetime | None = None,
    last_updated_before: datetime | None = None,
    fulfillment_statuses: Sequence[str] | None = None,
    max_results: int = 100,
    pagination_token: str | None = None,
) -> AsyncIterator[OrdersPage]:
    """Every page, following `pagination.nextToken` → `paginationToken`.

    searchOrders refills at 0.0056 rps (burst 20): past the burst each page waits ~3 minutes
    in the rate limiter. Prefer `last_updated_after` windows for incremental syncs.
    """
    token = pagination_token
    while True:
        page = await search_orders_page(
            api,
            marketplace_ids=marketplace_ids,
            created_after=created_after,
            last_updated_after=last_updated_after,
            created_before=created_before,
            last_updated_before=last_updated_before,
            fulfillment_statuses=fulfillment_statuses,
            max_results=max_results,
            pagination_token=token,
        )
        yield page
        if not page.next_token:
            return
        token = page.next_token


async def get_order(api: StoreApi, order_id: str) -> Order:
    """One order by its Amazon id. Raises SpApiNotFound / SpApiBadRequest as Amazon answers."""
    path = f"{SEARCH_PATH}/{encode_path_segment(order_id)}"
    response = await api.request(
        GET_OPERATION, "GET", path, params={"includedData": list(INCLUDED_DATA)}
    )
    return Order.from_api(GetOrderResponse.model_validate(response.body or {}).order)


class OrdersSource(Protocol):
    """What services need from an Orders API version; swap implementations, not call sites."""

    async def search_orders_page(
        self,
        api: StoreApi,
        *,
        marketplace_ids: Sequence[str],
        created_after: datetime | None = None,
        last_updated_after: datetime | None = None,
        created_before: datetime | None = None,
        last_updated_before: datetime | None = None,
        fulfillment_statuses: Sequence[str] | None = None,
        max_results: int = 100,
        pagination_token: str | None = None,
    ) -> OrdersPage: ...

    async def get_order(self, api: StoreApi, order_id: str) -> Order: ...


class Orders20260101:
    """`OrdersSource` backed by Orders API v2026-01-01."""

    version = "2026-01-01"

    async def search_orders_page(
        self,
        api: StoreApi,
        *,
        marketplace_ids: Sequence[str],
        created_after: datetime | None = None,
        last_updated_after: datetime | None = None,
        created_before: datetime | None = None,
        last_updated_before: datetime | None = None,
        fulfillment_statuses: Sequence[str] | None = None,
        max_results: int = 100,
        pagination_token: str | None = None,
    ) -> OrdersPage:
        return await search_orders_page(
            api,
            marketplace_ids=marketplace_ids,
            created_after=created_after,
            last_updated_after=last_updated_after,
            created_before=created_before,
            last_updated_before=last_updated_before,
            fulfillment_statuses=fulfillment_statuses,
            max_results=max_results,
            pagination_token=pagination_token,
        )

    async def get_order(self, api: StoreApi, order_id: str) -> Order:
        return await get_order(api, order_id)


ORDERS_SOURCE: OrdersSource = Orders20260101()
