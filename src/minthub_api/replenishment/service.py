"""Replenishment suggestions from the inventory and orders snapshots (formulas: calc.py)."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.core.errors import Forbidden
from minthub_api.core.settings import Settings
from minthub_api.orders.summary import CANCELLED, time_zone_of
from minthub_api.replenishment import calc
from minthub_api.replenishment.repository import ReplenishmentRepository, RestockRepository
from minthub_api.replenishment.schemas import (
    AmazonRecommendation,
    PlanInputs,
    ReplenishmentItem,
    ReplenishmentPage,
    ReplenishmentSettingsRead,
    SkuOverride,
    UnitsBasis,
)
from minthub_api.stores.dependencies import StoreContext
from minthub_api.stores.models import StoreRole
from minthub_api.sync.models import Dataset
from minthub_api.sync.queue import SyncQueue
from minthub_api.sync.repository import InventoryRepository, OrderRepository, SyncStateRepository
from minthub_api.sync.status import read_datasets

STATUS_ORDER = {s: i for i, s in enumerate(calc.Status)}


async def load_settings(session: AsyncSession, store_id: uuid.UUID) -> ReplenishmentSettingsRead:
    repo = ReplenishmentRepository(session, store_id)
    found = await repo.get_settings()
    base = ReplenishmentSettingsRead.model_validate(found) if found else ReplenishmentSettingsRead()
    base.overrides = [SkuOverride.model_validate(o) for o in await repo.overrides()]
    return base


async def save_settings(
    session: AsyncSession, ctx: StoreContext, body: ReplenishmentSettingsRead
) -> ReplenishmentSettingsRead:
    """Replace the store's settings and overrides. Raises `Forbidden` for non-owners."""
    if ctx.role != StoreRole.owner:
        raise Forbidden("Only the store's owners can change replenishment settings")
    repo = ReplenishmentRepository(session, ctx.store.id)
    row = await repo.get_or_create_settings()
    for name in (
        "lead_time_days",
        "safety_stock_days",
        "review_period_days",
        "reorder_soon_days",
        "overstock_days",
        "case_pack",
    ):
        setattr(row, name, getattr(body, name))
    unique = {o.sku: o for o in body.overrides}
    await repo.replace_overrides([o.model_dump() for o in unique.values()])
    await session.flush()
    return await load_settings(session, ctx.store.id)


async def compute_plans(
    session: AsyncSession, store_id: uuid.UUID, now: datetime
) -> list[ReplenishmentItem]:
    """One suggestion per stored inventory row (SKU and marketplace)."""
    settings = await load_settings(session, store_id)
    overrides = {o.sku: o for o in settings.overrides}
    inventory = await InventoryRepository(session, store_id).list(
        InventoryRepository(session, store_id).select()
    )
    orders = OrderRepository(session, store_id)
    sold: dict[tuple[str, str | None], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for line, order in await orders.lines_between(now - timedelta(days=90), now):
        if order.status == CANCELLED or line.sku is None:
            continue
        age = now - order.purchase_date
        for days, _weight in calc.WINDOWS:
            if age <= timedelta(days=days):
                sold[(line.sku, order.marketplace_id)][days] += line.quantity
    states = {s.dataset: s for s in await SyncStateRepository(session, store_id).list()}
    inv_at = states[Dataset.inventory].last_success_at if Dataset.inventory in states else None
    ord_at = states[Dataset.orders].last_success_at if Dataset.orders in states else None
    rst_at = states[Dataset.restock].last_success_at if Dataset.restock in states else None
    amazon = {
        (r.sku, r.marketplace_id): AmazonRecommendation.model_validate(r)
        for r in await RestockRepository(session, store_id).all()
    }
    items = []
    for row in inventory:
        tz_name = time_zone_of(row.marketplace_id)
        today = now.astimezone(ZoneInfo(tz_name)).date()
        o = overrides.get(row.sku)
        policy = calc.Policy(
            lead_time_days=o.lead_time_days
            if o and o.lead_time_days is not None
            else settings.lead_time_days,
            safety_stock_days=o.safety_stock_days
            if o and o.safety_stock_days is not None
            else settings.safety_stock_days,
            review_period_days=settings.review_period_days,
            case_pack=o.case_pack if o and o.case_pack is not None else settings.case_pack,
            reorder_soon_days=settings.reorder_soon_days,
            overstock_days=settings.overstock_days,
        )
        units = dict(sold.get((row.sku, row.marketplace_id), {}))
        inbound = row.inbound_working + row.inbound_shipped + row.inbound_receiving
        p = calc.plan(
            sold=units, fulfillable=row.fulfillable, inbound=inbound, policy=policy, today=today
        )
        items.append(
            ReplenishmentItem(
                sku=row.sku,
                asin=row.asin,
                product_name=row.product_name,
                marketplace_id=row.marketplace_id,
                status=p.status,
                units_per_day=p.units_per_day,
                units_per_day_basis=UnitsBasis(
                    units_7d=units.get(7, 0), units_30d=units.get(30, 0), units_90d=units.get(90, 0)
                ),
                available=p.available,
                inbound=p.inbound,
                days_of_cover=p.days_of_cover,
                stockout_date=p.stockout_date,
                reorder_point=p.reorder_point,
                target_stock=p.target_stock,
                suggested_quantity=p.suggested_quantity,
                why=p.why,
                inputs=PlanInputs(
                    time_zone=tz_name,
                    today=today,
                    as_of=now,
                    inventory_synced_at=inv_at,
                    orders_synced_at=ord_at,
                    restock_synced_at=rst_at,
                    lead_time_days=policy.lead_time_days,
                    safety_stock_days=policy.safety_stock_days,
                    review_period_days=policy.review_period_days,
                    case_pack=policy.case_pack,
                    overridden=o is not None,
                ),
                amazon_recommendation=amazon.get((row.sku, row.marketplace_id)),
            )
        )
    # Marketplace last: one SKU sold in several marketplaces sorts the same way on every read.
    items.sort(
        key=lambda i: (
            STATUS_ORDER[calc.Status(i.status)],
            -(i.units_per_day),
            i.sku,
            i.marketplace_id,
        )
    )
    return items


async def list_replenishment(
    session: AsyncSession,
    ctx: StoreContext,
    *,
    status: calc.Status | None,
    marketplace_id: str | None,
    settings: Settings,
    queue: SyncQueue,
    now: datetime,
    export: bool = False,
) -> ReplenishmentPage:
    """Suggestions for every SKU, most urgent first. Audits the read; queues stale refreshes."""
    freshness = await read_datasets(
        session,
        ctx.store,
        [Dataset.inventory, Dataset.orders, Dataset.restock],
        settings=settings,
        queue=queue,
        now=now,
    )
    items = await compute_plans(session, ctx.store.id, now)
    counts = Counter(i.status for i in items)
    if status:
        items = [i for i in items if i.status == status]
    if marketplace_id:
        items = [i for i in items if i.marketplace_id == marketplace_id]
    audit.record(
        session,
        ctx.actor,
        AuditAction.store_data_read,
        reason=AuditReason.export if export else AuditReason.user_view,
        store_id=ctx.store.id,
        details={"endpoint": "replenishment", "rows": len(items)},
    )
    return ReplenishmentPage(
        items=items,
        status_counts={s: counts.get(s, 0) for s in calc.Status},
        stale=freshness.stale,
        sync=freshness.sync,
    )
