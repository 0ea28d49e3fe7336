"""FBA Inventory v1: `getInventorySummaries` (../shared/SPAPI-NOTES.md §5.1).

Quirks handled here: `marketplaceIds` takes exactly one id, `sellerSkus` takes at most 50 and
is ignored when `startDateTime` is given, a SKU containing a comma must be queried alone via
`sellerSku` (§6), `nextToken` is top-level and `startDateTime` must be resent with it.
The token dies 30 seconds after it is issued, so consume pages back to back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from minthub_api.amazon.client import StoreApi
from minthub_api.amazon.schemas.inventory import GetInventorySummariesResponse, InventorySummary

OPERATION = "getInventorySummaries"
PATH = "/fba/inventory/v1/summaries"
MAX_SELLER_SKUS = 50


@dataclass(frozen=True)
class InventoryPage:
    items: list[InventorySummary]
    next_token: str | None


async def get_inventory_page(
    api: StoreApi,
    *,
    marketplace_id: str,
    details: bool = True,
    seller_skus: Sequence[str] | None = None,
    start_date_time: datetime | None = None,
    next_token: str | None = None,
) -> InventoryPage:
    """One page of summaries. A single SKU containing a comma is sent as `sellerSku`.

    Raises ValueError for >50 SKUs, a comma SKU in a batch, or SKUs with `start_date_time`;
    SP-API errors as in `StoreApi.request`.
    """
    params: dict[str, Any] = {
        "details": details,
        "granularityType": "Marketplace",
        "granularityId": marketplace_id,
        "marketplaceIds": [marketplace_id],
    }
    if start_date_time is not None:
        if seller_skus:
            raise ValueError("Amazon ignores sellerSkus when startDateTime is given")
        params["startDateTime"] = start_date_time
    if seller_skus:
        skus = list(seller_skus)
        if len(skus) > MAX_SELLER_SKUS:
            raise ValueError(f"at most {MAX_SELLER_SKUS} seller SKUs per call")
        if len(skus) == 1 and "," in skus[0]:
            params["sellerSku"] = skus[0]
        elif any("," in sku for sku in skus):
            raise ValueError("a SKU containing a comma must be queried alone")
        else:
            params["sellerSkus"] = skus
    if next_token is not None:
        params["nextToken"] = next_token
    response = await api.request(OPERATION, "GET", PATH, params=params)
    parsed = GetInventorySummariesResponse.model_validate(response.body or {})
    items = parsed.payload.inventory_summaries if parsed.payload else []
    token = parsed.pagination.next_token if parsed.pagination else None
    return InventoryPage(items=items, next_token=token)


def _sku_batches(skus: Sequence[str]) -> list[list[str]]:
    """Groups of ≤50 comma-free SKUs, plus every comma SKU on its own."""
    plain = list(dict.fromkeys(s for s in skus if "," not in s))
    batches = [plain[i : i + MAX_SELLER_SKUS] for i in range(0, len(plain), MAX_SELLER_SKUS)]
    return batches + [[s] for s in dict.fromkeys(s for s in skus if "," in s)]


async def iter_inventory_summaries(
    api: StoreApi,
    *,
    marketplace_id: str,
    details: bool = True,
    seller_skus: Sequence[str] | None = None,
    start_date_time: datetime | None = None,
    next_token: str | None = None,
) -> AsyncIterator[InventoryPage]:
    """Every page, following `nextToken`. Any number of `seller_skus` (batched as needed).

    `next_token` resumes a listing without `seller_skus` (or within a single batch).
    An empty `seller_skus` yields nothing; None means all SKUs.
    """
    batches: list[list[str] | None] = (
        [None] if seller_skus is None else list(_sku_batches(seller_skus))
    )
    if next_token is not None and len(batches) > 1:
        raise ValueError("next_token can only resume a single batch of SKUs")
    token = next_token
    for batch in batches:
        while True:
            page = await get_inventory_page(
                api,
                marketplace_id=marketplace_id,
                details=details,
                seller_skus=batch,
                start_date_time=start_date_time,
                next_token=token,
            )
            yield page
            if not page.next_token:
                break
            token = page.next_token
        token = None
