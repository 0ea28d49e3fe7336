"""Listings that need attention: restock reasons from inventory cover, listing reasons from the
listing snapshots (the `listings` dataset), merged per SKU and marketplace."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.core.settings import Settings
from minthub_api.listings import attention
from minthub_api.listings.repository import ListingRepository
from minthub_api.listings.schemas import AttentionItem, AttentionPage, AttentionReason
from minthub_api.replenishment.service import compute_plans
from minthub_api.stores.dependencies import StoreContext
from minthub_api.sync.models import Dataset
from minthub_api.sync.queue import SyncQueue
from minthub_api.sync.status import read_datasets


async def list_attention(
    session: AsyncSession,
    ctx: StoreContext,
    *,
    settings: Settings,
    queue: SyncQueue,
    now: datetime,
    export: bool = False,
) -> AttentionPage:
    """Every SKU with at least one reason, highest severity first. Audits the read."""
    freshness = await read_datasets(
        session,
        ctx.store,
        [Dataset.inventory, Dataset.orders, Dataset.listings],
        settings=settings,
        queue=queue,
        now=now,
    )
    items: dict[tuple[str, str], AttentionItem] = {}

    def entry(mp: str, sku: str, asin: str | None, name: str | None) -> AttentionItem:
        key = (mp, sku)
        if key not in items:
            items[key] = AttentionItem(
                sku=sku, asin=asin, product_name=name, marketplace_id=mp, severity="low", reasons=[]
            )
        return items[key]

    for plan in await compute_plans(session, ctx.store.id, now):
        reasons = attention.restock_reasons(plan)
        if reasons:
            entry(plan.marketplace_id, plan.sku, plan.asin, plan.product_name).reasons += reasons
    for row in await ListingRepository(session, ctx.store.id).list():
        found: list[AttentionReason] = attention.listing_reasons(row)
        if found:
            item = entry(row.marketplace_id, row.sku, row.asin, row.product_name)
            item.reasons += found
            item.price, item.currency = row.price, row.currency
            item.previous_price = row.previous_price
    for item in items.values():
        item.severity = attention.highest(item.reasons)
    ordered = sorted(
        items.values(), key=lambda i: (attention.RANK[i.severity], -len(i.reasons), i.sku)
    )
    audit.record(
        session,
        ctx.actor,
        AuditAction.store_data_read,
        reason=AuditReason.export if export else AuditReason.user_view,
        store_id=ctx.store.id,
        details={"endpoint": "listings/attention", "rows": len(ordered)},
    )
    return AttentionPage(items=ordered, stale=freshness.stale, sync=freshness.sync)
