"""searchOrders and getOrder (Orders v2026-01-01, ../shared/spapi-models/orders_2026-01-01.json).

Rules reproduced (SPAPI-NOTES §5.3, §9.1): exactly one of ``createdAfter``/``lastUpdatedAfter``;
Created* and LastUpdated* can't be mixed; ``*Before`` >= ``*After`` and at least 2 minutes before
now (defaults to now - 2 min and is echoed back); ``maxResultsPerPage`` 1-100 (default 100);
``pagination.nextToken`` is sent back as ``paginationToken`` and lives 24 hours. A follow-up page
may repeat the filters or send only the token: the filters of the first call are kept.
``includedData`` BUYER / RECIPIENT → 403 Unauthorized (the app has no PII role). Datasets are
opt-in: ``proceeds`` only with PROCEEDS, ``fulfillment`` (incl. fulfillmentStatus) only with
FULFILLMENT; other datasets are accepted and produce nothing.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .catalogue import MARKETPLACES_BY_ID, day_anchor, iso
from .errors import SpApiError, invalid_input, not_found
from .orders_data import render_order
from .params import Param, parse_query
from .spapi import begin

router = APIRouter()

PAGINATION_TTL = 24 * 3600.0
MIN_AGE = timedelta(minutes=2)
ORDER_ID = re.compile(r"^\d{3}-\d{7}-\d{7}$")
STATUSES = ("PENDING_AVAILABILITY", "PENDING", "UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED",
            "CANCELLED", "UNFULFILLABLE")
DATASETS = ("BUYER", "RECIPIENT", "PROCEEDS", "EXPENSE", "PROMOTION", "CANCELLATION",
            "FULFILLMENT", "PACKAGES", "TAX", "PAYMENT", "FULFILLMENT_ORDERS")
PII_DATASETS = {"BUYER", "RECIPIENT"}

SEARCH_PARAMS = (
    Param("createdAfter", date_time=True),
    Param("createdBefore", date_time=True),
    Param("lastUpdatedAfter", date_time=True),
    Param("lastUpdatedBefore", date_time=True),
    Param("fulfillmentStatuses", "array", enum=STATUSES),
    Param("marketplaceIds", "array", max_items=50),
    Param("fulfilledBy", "array", enum=("MERCHANT", "AMAZON")),
    Param("maxResultsPerPage", "integer"),
    Param("paginationToken"),
    Param("includedData", "array", enum=DATASETS),
)
GET_PARAMS = (Param("includedData", "array", enum=DATASETS),)


def _included(q: dict[str, Any]) -> set[str]:
    included = set(q.get("includedData", []))
    if included & PII_DATASETS:
        # No Restricted role / PII permission on the simulated app (SPAPI-NOTES §5.3).
        raise SpApiError(403, "Unauthorized", "Access to requested resource is denied.",
                         "The application is not authorized to access "
                         f"{', '.join(sorted(included & PII_DATASETS))} data.",
                         error_type="AccessDeniedException")
    return included


def _filters(q: dict[str, Any], now: datetime) -> dict[str, Any]:
    created, updated = "createdAfter" in q, "lastUpdatedAfter" in q
    if created == updated:
        raise invalid_input("Exactly one of createdAfter and lastUpdatedAfter must be provided.")
    field = "created" if created else "lastUpdated"
    other = "lastUpdated" if created else "created"
    if f"{other}Before" in q:
        raise invalid_input(f"{other}Before cannot be combined with {field}After.")
    after: datetime = q[f"{field}After"]
    latest = now - MIN_AGE
    before: datetime = q.get(f"{field}Before", latest)
    if before > latest:
        raise invalid_input(f"{field}Before must be at least 2 minutes before the time of the "
                            "request.")
    if after > latest:
        raise invalid_input(f"{field}After must be at least 2 minutes before the time of the "
                            "request.")
    if before < after:
        raise invalid_input(f"{field}Before must be equal to or after {field}After.")
    for marketplace_id in q.get("marketplaceIds", []):
        if marketplace_id not in MARKETPLACES_BY_ID:
            raise invalid_input(f"Invalid marketplaceIds: '{marketplace_id}'.")
    return {"field": field, "after": after.timestamp(), "before": before.timestamp(),
            "marketplaceIds": q.get("marketplaceIds"),
            "fulfillmentStatuses": q.get("fulfillmentStatuses"),
            "fulfilledBy": q.get("fulfilledBy")}


@router.get("/orders/2026-01-01/orders")
async def search_orders(request: Request) -> JSONResponse:
    caller = await begin(request, "searchOrders")
    state = caller.state
    q = parse_query(request, SEARCH_PARAMS)
    included = _included(q)
    page_size = q.get("maxResultsPerPage", 100)
    if not 1 <= page_size <= 100:
        raise invalid_input("maxResultsPerPage must be between 1 and 100.")
    now = state.now_dt()
    offset = 0
    if "paginationToken" in q:
        token = state.page_tokens.get(q["paginationToken"])
        if (token is None or token.operation != "searchOrders"
                or token.selling_partner_id != caller.selling_partner_id):
            raise invalid_input("Invalid paginationToken.")
        if token.expires_at <= state.now():
            raise invalid_input("The paginationToken has expired.")
        filters, offset = token.context, token.offset
    else:
        filters = _filters(q, now)

    anchor = day_anchor(now)
    field = filters["field"]
    after = datetime.fromtimestamp(filters["after"], now.tzinfo)
    before = datetime.fromtimestamp(filters["before"], now.tzinfo)
    matches = []
    for order in state.orders(caller.selling_partner_id):
        stamp = order.created(anchor) if field == "created" else order.updated(anchor)
        if not after <= stamp <= before:
            continue
        if filters["marketplaceIds"] and order.marketplace_id not in filters["marketplaceIds"]:
            continue
        if filters["fulfillmentStatuses"] and order.status not in filters["fulfillmentStatuses"]:
            continue
        if filters["fulfilledBy"] and order.fulfilled_by not in filters["fulfilledBy"]:
            continue
        matches.append((stamp, order))
    matches.sort(key=lambda pair: (pair[0], pair[1].order_id))
    page = matches[offset:offset + page_size]
    body: dict[str, Any] = {"orders": [render_order(o, anchor, included) for _, o in page]}
    if offset + page_size < len(matches):
        body["pagination"] = {"nextToken": state.issue_page_token(
            caller.selling_partner_id, "searchOrders", offset + page_size, PAGINATION_TTL,
            filters)}
    body[f"{field}Before"] = iso(before)
    return JSONResponse(body)


@router.get("/orders/2026-01-01/orders/{order_id}")
async def get_order(request: Request, order_id: str) -> JSONResponse:
    caller = await begin(request, "getOrder")
    q = parse_query(request, GET_PARAMS)
    included = _included(q)
    if not ORDER_ID.match(order_id):
        raise invalid_input(f"Invalid orderId '{order_id}'.")
    state = caller.state
    for order in state.orders(caller.selling_partner_id):
        if order.order_id == order_id:
            anchor = day_anchor(state.now_dt())
            return JSONResponse({"order": render_order(order, anchor, included)})
    raise not_found(f"Order {order_id} was not found.")
