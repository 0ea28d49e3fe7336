"""Recent orders for a store, fetched live through the Orders API (2026-01-01)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.amazon.orders import search_orders_page
from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.core.db import utcnow
from minthub_api.core.errors import InvalidCursor
from minthub_api.core.pagination import Page, decode_cursor, encode_cursor
from minthub_api.orders.schemas import OrderSummary
from minthub_api.stores.dependencies import StoreContext
from minthub_api.stores.spapi import AmazonServices, store_api, translate_amazon_errors


async def list_orders(
    session: AsyncSession,
    ctx: StoreContext,
    amazon: AmazonServices,
    *,
    days: int,
    limit: int,
    cursor: str | None,
) -> Page[OrderSummary]:
    """Orders created in the last `days` days, newest pages as Amazon returns them.

    The cursor pins the window's start, so later pages belong to the same query. Audits every
    SP-API call and the read itself.
    """
    store = ctx.store
    scope = f"orders:{store.id}:{days}"
    token: str | None = None
    if cursor:
        data = decode_cursor(cursor, scope)
        try:
            created_after = datetime.fromisoformat(data["ca"])
            token = str(data["t"])
        except (KeyError, TypeError, ValueError):
            raise InvalidCursor() from None
    else:
        created_after = (utcnow() - timedelta(days=days)).replace(microsecond=0)
    api = store_api(amazon, session, store, ctx.actor, AuditReason.user_view)
    async with translate_amazon_errors(
        session, amazon, store, ctx.actor, AuditReason.user_view, using_cursor=bool(cursor)
    ):
        page = await search_orders_page(
            api,
            marketplace_ids=store.marketplace_ids,
            created_after=created_after,
            max_results=limit,
            pagination_token=token,
        )
    items = [
        OrderSummary(
            order_id=o.order_id,
            status=o.status or "UNKNOWN",
            purchase_date=o.purchase_date,
            last_update_date=o.last_update_date,
            marketplace_id=o.marketplace_id,
            fulfillment_channel=o.fulfillment_channel,
            item_count=o.item_count,
            order_total=o.order_total,
            currency=o.currency,
        )
        for o in page.items
    ]
    audit.record(
        session,
        ctx.actor,
        AuditAction.store_data_read,
        reason=AuditReason.user_view,
        store_id=store.id,
        details={"endpoint": "orders", "rows": len(items), "days": days},
    )
    next_cursor = (
        encode_cursor(scope, {"t": page.next_token, "ca": created_after.isoformat()})
        if page.next_token
        else None
    )
    return Page[OrderSummary](items=items, next_cursor=next_cursor)
