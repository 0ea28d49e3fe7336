"""Live FBA inventory for a store, one Amazon page per API page."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.amazon.inventory import get_inventory_page
from minthub_api.amazon.schemas.inventory import InventorySummary
from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.core.errors import AppError
from minthub_api.core.pagination import Page, decode_cursor, encode_cursor
from minthub_api.inventory.schemas import InventoryItem
from minthub_api.stores.dependencies import StoreContext
from minthub_api.stores.spapi import AmazonServices, store_api, translate_amazon_errors


class MarketplaceNotInStore(AppError):
    status_code = 422
    code = "marketplace_not_in_store"
    title = "The store does not sell in this marketplace"


async def list_inventory(
    session: AsyncSession,
    ctx: StoreContext,
    amazon: AmazonServices,
    *,
    marketplace_id: str | None,
    cursor: str | None,
) -> Page[InventoryItem]:
    """Fetch one page of FBA inventory summaries from Amazon for the store.

    Audits every SP-API call and the read itself (`store_data_read`). Raises
    `MarketplaceNotInStore`, `InvalidCursor`, `StoreRevoked` and the Amazon errors.
    """
    store = ctx.store
    marketplace = marketplace_id or store.marketplace_ids[0]
    if marketplace not in store.marketplace_ids:
        raise MarketplaceNotInStore(
            f"Choose one of the store's marketplaces: {', '.join(store.marketplace_ids)}"
        )
    scope = f"inventory:{store.id}:{marketplace}"
    next_token = decode_cursor(cursor, scope).get("t") if cursor else None
    api = store_api(amazon, session, store, ctx.actor, AuditReason.user_view)
    async with translate_amazon_errors(
        session, amazon, store, ctx.actor, AuditReason.user_view, using_cursor=bool(cursor)
    ):
        page = await get_inventory_page(
            api, marketplace_id=marketplace, details=True, next_token=next_token
        )
    items = [to_item(summary, marketplace) for summary in page.items]
    audit.record(
        session,
        ctx.actor,
        AuditAction.store_data_read,
        reason=AuditReason.user_view,
        store_id=store.id,
        details={"endpoint": "inventory", "rows": len(items)},
    )
    return Page[InventoryItem](
        items=items,
        next_cursor=encode_cursor(scope, {"t": page.next_token}) if page.next_token else None,
    )


def to_item(summary: InventorySummary, marketplace_id: str) -> InventoryItem:
    details = summary.inventory_details
    fulfillable = details.fulfillable_quantity if details else 0
    return InventoryItem(
        sku=summary.seller_sku or "",
        asin=summary.asin,
        fnsku=summary.fn_sku,
        product_name=summary.product_name,
        condition=summary.condition,
        marketplace_id=marketplace_id,
        fulfillable=fulfillable or 0,
        inbound_working=(details.inbound_working_quantity or 0) if details else 0,
        inbound_shipped=(details.inbound_shipped_quantity or 0) if details else 0,
        inbound_receiving=(details.inbound_receiving_quantity or 0) if details else 0,
        reserved=details.reserved_total if details else 0,
        unfulfillable=details.unfulfillable_total if details else 0,
        researching=details.researching_total if details else 0,
        total=summary.total_quantity or 0,
        last_updated=summary.last_updated_time,
    )
