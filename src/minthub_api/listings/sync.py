"""The `listings` dataset by paging `searchListingsItems` (Listings Items 2021-08-01, read-only).

Per marketplace: pages of 20 items sorted by SKU, with `summaries`, `offers`,
`fulfillmentAvailability` and `issues`; one snapshot row per SKU and marketplace. Every sync is a
full pull (Amazon gives no cheaper way to learn that a listing disappeared), after which listings
Amazon no longer returns are removed. Cost: `ceil(listings / 20)` requests per marketplace at
5 requests/s (burst 5).

A search pages through at most 1,000 SKUs. Past that, the first 1,000 (by SKU) are refreshed,
nothing is removed for that marketplace (we did not see the rest), and the sync logs
`listings.capped`: the GET_MERCHANT_LISTINGS_ALL_DATA report is the path for such catalogues.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.amazon.client import StoreApi
from minthub_api.amazon.listings import MAX_PAGE_SIZE, SEARCH_CAP, iter_listings_items
from minthub_api.amazon.schemas.listings import Issue, Item
from minthub_api.listings.repository import ListingRepository
from minthub_api.stores.models import Store

log = structlog.get_logger("minthub.sync")

# Enforcement actions that take the whole listing off the shelf (an ATTRIBUTE_SUPPRESSED only
# rejects one attribute's value). They count unless Amazon says the listing is exempt.
SUPPRESSING = frozenset({"LISTING_SUPPRESSED", "SEARCH_SUPPRESSED", "CATALOG_ITEM_REMOVED"})

PageDone = Callable[[int], Awaitable[None]]  # rows on the page; commits and reports progress


def _applies(issue: Issue, marketplace_id: str) -> bool:
    return not issue.marketplace_ids or marketplace_id in issue.marketplace_ids


def _suppresses(issue: Issue) -> bool:
    enforcement = issue.enforcements
    if enforcement is None or not SUPPRESSING & {a.action for a in enforcement.actions}:
        return False
    return enforcement.exemption is None or enforcement.exemption.status == "NOT_EXEMPT"


def listing_row(item: Item, marketplace_id: str, now: datetime) -> dict[str, Any]:
    """The snapshot row of one item in one marketplace (`previous_price` is set on upsert)."""
    summary = next((s for s in item.summaries if s.marketplace_id == marketplace_id), None)
    issues = [i for i in item.issues if _applies(i, marketplace_id)]
    offers = [o for o in item.offers if o.marketplace_id == marketplace_id]
    offer = next((o for o in offers if o.offer_type == "B2C"), offers[0] if offers else None)
    return {
        "marketplace_id": marketplace_id,
        "sku": item.sku,
        "asin": summary.asin if summary else None,
        "product_name": summary.item_name if summary else None,
        "status": list(summary.status) if summary else [],
        "suppressed": any(_suppresses(i) for i in issues),
        "issues": [
            {
                "code": i.code,
                "severity": i.severity,
                "message": i.message,
                "categories": list(i.categories),
                "enforcement_actions": (
                    [a.action for a in i.enforcements.actions] if i.enforcements else []
                ),
            }
            for i in issues
        ],
        "price": offer.price.amount if offer else None,
        "currency": offer.price.currency_code if offer else None,
        "fulfillment_availability": [
            {"fulfillmentChannelCode": f.fulfillment_channel_code, "quantity": f.quantity}
            for f in item.fulfillment_availability
        ],
        "synced_at": now,
    }


async def sync_listings(
    session: AsyncSession, api: StoreApi, store: Store, now: datetime, page_done: PageDone
) -> bool:
    """Full pull of every marketplace of the store. Returns False (never incremental)."""
    repo = ListingRepository(session, store.id)
    for marketplace_id in store.marketplace_ids:
        seen, matched = 0, 0
        async for page in iter_listings_items(
            api,
            marketplace_ids=[marketplace_id],
            sort_by="sku",
            sort_order="ASC",
            page_size=MAX_PAGE_SIZE,
        ):
            await repo.upsert([listing_row(i, marketplace_id, now) for i in page.items])
            seen += len(page.items)
            matched = max(matched, page.number_of_results)
            await page_done(len(page.items))
        if matched > seen:
            log.warning(
                "listings.capped",
                store_id=str(store.id),
                marketplace_id=marketplace_id,
                seen=seen,
                matched=matched,
                cap=SEARCH_CAP,
            )
        else:
            await repo.delete_not_seen(marketplace_id, now)
    return False
