"""Listings Items 2021-08-01, read-only: `getListingsItem`, `searchListingsItems` (§5.5).

The seller id is the store's selling partner id; SKUs are path segments and are percent-encoded
once (§9.7). `searchListingsItems` pages 20 items at a time and Amazon lets a search page through
at most 1,000 SKUs: `search_all_listings_items` stops there and says so (`capped`), and a full
catalogue must come from the GET_MERCHANT_LISTINGS_ALL_DATA report instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from minthub_api.amazon.client import StoreApi
from minthub_api.amazon.encoding import encode_path_segment
from minthub_api.amazon.schemas.listings import Item, ItemSearchResults

GET_OPERATION = "getListingsItem"
SEARCH_OPERATION = "searchListingsItems"
BASE_PATH = "/listings/2021-08-01/items"
# What a read-only workspace shows; `attributes`, `procurement` etc. are not requested.
INCLUDED_DATA: tuple[str, ...] = ("summaries", "offers", "fulfillmentAvailability", "issues")
MAX_PAGE_SIZE = 20
SEARCH_CAP = 1000  # Amazon: at most 1,000 SKUs can be paged through per search
IDENTIFIER_TYPES = ("ASIN", "EAN", "FNSKU", "GTIN", "ISBN", "JAN", "MINSAN", "SKU", "UPC")


def _included(included_data: Sequence[str] | None) -> list[str]:
    values = list(included_data or INCLUDED_DATA)
    unknown = [v for v in values if v not in INCLUDED_DATA]
    if unknown:
        raise ValueError(f"includedData {unknown} not allowed; use {list(INCLUDED_DATA)}")
    return values


def _marketplaces(marketplace_ids: Sequence[str]) -> list[str]:
    if isinstance(marketplace_ids, str) or not marketplace_ids:
        raise ValueError("marketplace_ids must be a non-empty list")
    return list(marketplace_ids)


async def get_listings_item(
    api: StoreApi,
    sku: str,
    *,
    marketplace_ids: Sequence[str],
    included_data: Sequence[str] | None = None,
    issue_locale: str | None = None,
) -> Item:
    """One listing by SKU. Raises SpApiNotFound when the SKU isn't listed there."""
    path = f"{BASE_PATH}/{encode_path_segment(api.selling_partner_id)}/{encode_path_segment(sku)}"
    params = {
        "marketplaceIds": _marketplaces(marketplace_ids),
        "includedData": _included(included_data),
        "issueLocale": issue_locale,
    }
    response = await api.request(GET_OPERATION, "GET", path, params=params)
    return Item.model_validate(response.body or {})


@dataclass(frozen=True)
class ListingsPage:
    items: list[Item]
    number_of_results: int
    next_token: str | None


async def search_listings_items_page(
    api: StoreApi,
    *,
    marketplace_ids: Sequence[str],
    included_data: Sequence[str] | None = None,
    identifiers: Sequence[str] | None = None,
    identifiers_type: str | None = None,
    with_status: str | None = None,
    with_issue_severity: Sequence[str] | None = None,
    sort_by: str | None = None,
    sort_order: str | None = None,
    page_size: int = MAX_PAGE_SIZE,
    page_token: str | None = None,
    issue_locale: str | None = None,
) -> ListingsPage:
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be 1-{MAX_PAGE_SIZE}")
    if identifiers is not None:
        if not 1 <= len(identifiers) <= 20:
            raise ValueError("identifiers: 1-20 values")
        if identifiers_type not in IDENTIFIER_TYPES:
            raise ValueError(f"identifiers need identifiers_type, one of {IDENTIFIER_TYPES}")
    params = {
        "marketplaceIds": _marketplaces(marketplace_ids),
        "includedData": _included(included_data),
        "identifiers": list(identifiers) if identifiers else None,
        "identifiersType": identifiers_type if identifiers else None,
        "withStatus": with_status,
        "withIssueSeverity": list(with_issue_severity) if with_issue_severity else None,
        "sortBy": sort_by,
        "sortOrder": sort_order,
        "pageSize": page_size,
        "pageToken": page_token,
        "issueLocale": issue_locale,
    }
    path = f"{BASE_PATH}/{encode_path_segment(api.selling_partner_id)}"
    response = await api.request(SEARCH_OPERATION, "GET", path, params=params)
    parsed = ItemSearchResults.parse(response.body)
    return ListingsPage(
        items=list(parsed.items),
        number_of_results=parsed.number_of_results,
        next_token=parsed.pagination.next_token if parsed.pagination else None,
    )


async def iter_listings_items(
    api: StoreApi, *, marketplace_ids: Sequence[str], **filters: object
) -> AsyncIterator[ListingsPage]:
    """Pages until Amazon has no next page or the 1,000-SKU cap is reached."""
    seen, token = 0, None
    while True:
        page = await search_listings_items_page(
            api,
            marketplace_ids=marketplace_ids,
            page_token=token,
            **filters,  # type: ignore[arg-type]
        )
        seen += len(page.items)
        yield page
        if not page.next_token or seen >= SEARCH_CAP:
            return
        token = page.next_token


@dataclass(frozen=True)
class ListingsSearch:
    items: list[Item]
    number_of_results: int
    # True when Amazon matched more listings than a search can page through (1,000): use the
    # GET_MERCHANT_LISTINGS_ALL_DATA report for the rest.
    capped: bool


async def search_all_listings_items(
    api: StoreApi, *, marketplace_ids: Sequence[str], **filters: object
) -> ListingsSearch:
    items: list[Item] = []
    total = 0
    async for page in iter_listings_items(api, marketplace_ids=marketplace_ids, **filters):
        items.extend(page.items)
        total = max(total, page.number_of_results)
    items = items[:SEARCH_CAP]
    return ListingsSearch(items, total, capped=total > len(items))
