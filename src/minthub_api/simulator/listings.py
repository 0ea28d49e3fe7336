"""Listings Items 2021-08-01, read side: getListingsItem, searchListingsItems (SPAPI-NOTES §5.5).

Items come from the seller's catalogue, listed in every marketplace it participates in.
Reproduced: ``sellerId`` must be the caller, SKUs are percent-decoded path segments, 404
``NOT_FOUND`` for an unknown SKU, ``pageSize`` ≤ 20 (default 10), and a search pages through
at most 1,000 SKUs: past that there is no ``nextToken`` although ``numberOfResults`` says more.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .catalogue import MARKETPLACES_BY_ID, Sku, day_anchor, iso
from .errors import SpApiError, invalid_input
from .listings_data import fulfillment_availability, listing_issues, listing_price, listing_status
from .params import Param, parse_query
from .spapi import begin

router = APIRouter()

GET_OPERATION = "getListingsItem"
SEARCH_OPERATION = "searchListingsItems"
DATASETS = (
    "summaries",
    "attributes",
    "issues",
    "offers",
    "fulfillmentAvailability",
    "procurement",
    "relationships",
    "productTypes",
)
GET_PARAMS = (
    Param("marketplaceIds", "array", required=True),
    Param("issueLocale"),
    Param("includedData", "array", enum=DATASETS),
)
SEARCH_PARAMS = (
    Param("marketplaceIds", "array", required=True),
    Param("issueLocale"),
    Param("includedData", "array", enum=DATASETS),
    Param("identifiers", "array", max_items=20),
    Param(
        "identifiersType",
        enum=("ASIN", "EAN", "FNSKU", "GTIN", "ISBN", "JAN", "MINSAN", "SKU", "UPC"),
    ),
    Param("variationParentSku"),
    Param("packageHierarchySku"),
    Param("createdAfter", date_time=True),
    Param("createdBefore", date_time=True),
    Param("lastUpdatedAfter", date_time=True),
    Param("lastUpdatedBefore", date_time=True),
    Param("withIssueSeverity", "array", enum=("WARNING", "ERROR")),
    Param("withStatus", "array", enum=("BUYABLE", "DISCOVERABLE")),
    Param("withoutStatus", "array", enum=("BUYABLE", "DISCOVERABLE")),
    Param("sortBy", enum=("sku", "createdDate", "lastUpdatedDate")),
    Param("sortOrder", enum=("ASC", "DESC")),
    Param("pageSize", "integer"),
    Param("pageToken"),
)
SEARCH_CAP = 1000
PAGE_TOKEN_TTL = 3600.0


def _bad_request(message: str) -> SpApiError:
    return SpApiError(400, "BAD_REQUEST", message, "", error_type="ValidationException")


def _check_seller(seller_id: str, caller: str) -> None:
    if seller_id != caller:
        raise _bad_request(f"Seller '{seller_id}' does not match the authorized seller.")


def _marketplaces(q: dict[str, Any]) -> list[str]:
    ids: list[str] = q["marketplaceIds"]
    unknown = [m for m in ids if m not in MARKETPLACES_BY_ID]
    if unknown:
        raise _bad_request(f"Invalid marketplaceIds: {', '.join(unknown)}")
    return ids


def render_item(
    state: Any,
    seller: str,
    sku: Sku,
    index: int,
    marketplace_ids: list[str],
    included: set[str],
) -> dict[str, Any]:
    """One item as Amazon shows it; its health comes from `listings_data` (deterministic)."""
    created, updated = _anchor_iso(state, index)
    item: dict[str, Any] = {"sku": sku.seller_sku}
    if "summaries" in included:
        item["summaries"] = [
            {
                "marketplaceId": m,
                "asin": sku.asin,
                "productType": "HOME",
                "conditionType": "new_new" if sku.condition == "NewItem" else "used_like_new",
                "status": listing_status(index),
                "fnSku": sku.fn_sku,
                "itemName": sku.product_name,
                "createdDate": created,
                "lastUpdatedDate": updated,
            }
            for m in marketplace_ids
        ]
    if "offers" in included:
        revision = state.price_revisions[seller]
        item["offers"] = [
            {
                "marketplaceId": m,
                "offerType": "B2C",
                "price": {
                    "currencyCode": MARKETPLACES_BY_ID[m].currency,
                    "amount": str(
                        listing_price(sku, index, MARKETPLACES_BY_ID[m].currency, revision)
                    ),
                },
            }
            for m in marketplace_ids
        ]
    if "fulfillmentAvailability" in included:
        # Item-level on Amazon; the FBA quantity is that of the first marketplace asked for.
        first = marketplace_ids[0]
        fulfillable = state.inventory(seller, first)[index]["details"]["fulfillableQuantity"]
        item["fulfillmentAvailability"] = fulfillment_availability(index, first, fulfillable)
    if "issues" in included:
        # Issues naming their marketplaces come once per marketplace asked for; others once.
        item["issues"] = [
            issue
            for issue in listing_issues(index, marketplace_ids[0])
            if "marketplaceIds" not in issue
        ] + [
            issue
            for m in dict.fromkeys(marketplace_ids)
            for issue in listing_issues(index, m)
            if "marketplaceIds" in issue
        ]
    return item


def _anchor_iso(request_state: Any, index: int) -> tuple[str, str]:
    anchor = day_anchor(request_state.now_dt())
    return (
        iso(anchor - timedelta(days=400 - index % 300)),
        iso(anchor - timedelta(hours=index % 500)),
    )


@router.get("/listings/2021-08-01/items/{seller_id}/{sku:path}")
async def get_listings_item(request: Request, seller_id: str, sku: str) -> JSONResponse:
    caller = await begin(request, GET_OPERATION)
    _check_seller(seller_id, caller.selling_partner_id)
    q = parse_query(request, GET_PARAMS)
    marketplaces = _marketplaces(q)
    catalogue = caller.state.catalogue(caller.selling_partner_id)
    for index, entry in enumerate(catalogue):
        if entry.seller_sku == sku:
            included = set(q.get("includedData", ["summaries"]))
            return JSONResponse(
                render_item(
                    caller.state, caller.selling_partner_id, entry, index, marketplaces, included
                )
            )
    raise SpApiError(
        404, "NOT_FOUND", f"SKU '{sku}' not found in marketplace {marketplaces[0]}", ""
    )


@router.get("/listings/2021-08-01/items/{seller_id}")
async def search_listings_items(request: Request, seller_id: str) -> JSONResponse:
    caller = await begin(request, SEARCH_OPERATION)
    _check_seller(seller_id, caller.selling_partner_id)
    q = parse_query(request, SEARCH_PARAMS)
    marketplaces = _marketplaces(q)
    page_size = q.get("pageSize", 10)
    if not 1 <= page_size <= 20:
        raise _bad_request("pageSize must be between 1 and 20.")
    rows = list(enumerate(caller.state.catalogue(caller.selling_partner_id)))
    if "identifiers" in q:
        kind = q.get("identifiersType")
        field = {"SKU": "seller_sku", "ASIN": "asin", "FNSKU": "fn_sku"}.get(kind or "")
        if field is None:
            raise _bad_request(
                "identifiersType is required with identifiers (SKU, ASIN, FNSKU are simulated)."
            )
        wanted = set(q["identifiers"])
        rows = [(i, s) for i, s in rows if getattr(s, field) in wanted]
    if "withStatus" in q:
        rows = [(i, s) for i, s in rows if set(q["withStatus"]) <= set(listing_status(i))]
    if q.get("sortBy") == "sku":
        rows.sort(key=lambda r: r[1].seller_sku, reverse=q.get("sortOrder") == "DESC")
    offset = 0
    if "pageToken" in q:
        token = caller.state.page_tokens.get(q["pageToken"])
        if (
            token is None
            or token.operation != SEARCH_OPERATION
            or token.selling_partner_id != caller.selling_partner_id
            or token.expires_at <= caller.state.now()
        ):
            raise invalid_input("Invalid pageToken.")
        offset = token.offset
    page = rows[offset : offset + page_size]
    included = set(q.get("includedData", ["summaries"]))
    body: dict[str, Any] = {
        "numberOfResults": len(rows),
        "items": [
            render_item(caller.state, caller.selling_partner_id, s, i, marketplaces, included)
            for i, s in page
        ],
    }
    end = offset + len(page)
    if end < min(len(rows), SEARCH_CAP):
        body["pagination"] = {
            "nextToken": caller.state.issue_page_token(
                caller.selling_partner_id, SEARCH_OPERATION, end, PAGE_TOKEN_TTL
            )
        }
    return JSONResponse(body)
