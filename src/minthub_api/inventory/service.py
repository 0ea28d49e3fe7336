"""FBA inventory served from the store's snapshot (see sync/), with filters, sort and totals.

Reading marks the dataset as used and queues a refresh when it is older than
MINTHUB_INVENTORY_FRESHNESS_MINUTES; the answer says `stale: true` meanwhile.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.core.errors import AppError
from minthub_api.core.pagination import decode_cursor, encode_cursor
from minthub_api.core.settings import Settings
from minthub_api.inventory.schemas import (
    InventoryItem,
    InventoryPage,
    InventorySort,
    InventoryTotals,
    StockFilter,
)
from minthub_api.stores.dependencies import StoreContext
from minthub_api.sync.models import Dataset, InventorySnapshot
from minthub_api.sync.queue import SyncQueue
from minthub_api.sync.status import read_datasets

I = InventorySnapshot  # noqa: E741 - short alias for column expressions
INBOUND = I.inbound_working + I.inbound_shipped + I.inbound_receiving
SORTS: dict[InventorySort, list[ColumnElement[Any]]] = {
    InventorySort.sku: [I.sku.asc()],
    InventorySort.sku_desc: [I.sku.desc()],
    InventorySort.fulfillable: [I.fulfillable.asc()],
    InventorySort.fulfillable_desc: [I.fulfillable.desc()],
    InventorySort.inbound: [INBOUND.asc()],
    InventorySort.inbound_desc: [INBOUND.desc()],
    InventorySort.total: [I.total.asc()],
    InventorySort.total_desc: [I.total.desc()],
    InventorySort.unfulfillable_desc: [I.unfulfillable.desc()],
}
STOCK = {
    StockFilter.in_stock: I.fulfillable > 0,
    StockFilter.out_of_stock: I.fulfillable == 0,
    StockFilter.inbound: INBOUND > 0,
    StockFilter.unfulfillable: I.unfulfillable > 0,
}


class MarketplaceNotInStore(AppError):
    status_code = 422
    code = "marketplace_not_in_store"
    title = "The store does not sell in this marketplace"


@dataclass(frozen=True)
class InventoryQuery:
    marketplace_id: str | None = None
    search: str | None = None  # substring of SKU, ASIN, FNSKU or product name
    stock: StockFilter | None = None
    sort: InventorySort = InventorySort.sku
    limit: int = 100


# What a page row needs (InventoryItem), read as plain columns: building ORM entities for 100
# rows per page was a tenth of the app's CPU under load (bench/api_load.py).
ITEM_COLUMNS: tuple[QueryableAttribute[Any], ...] = (
    I.sku,
    I.asin,
    I.fnsku,
    I.product_name,
    I.condition,
    I.marketplace_id,
    I.fulfillable,
    I.inbound_working,
    I.inbound_shipped,
    I.inbound_receiving,
    I.reserved,
    I.unfulfillable,
    I.researching,
    I.total,
    I.amazon_updated_at,
    I.synced_at,
)


def filtered(store_id: uuid.UUID | BindParameter[Any], q: InventoryQuery) -> Select[Any]:
    """The rows of the store that `q` matches (`store_id` a value, or a bound parameter for
    bench/api_load.py, which runs these very statements on its bare app)."""
    stmt = select(*ITEM_COLUMNS).where(I.store_id == store_id)
    if q.marketplace_id:
        stmt = stmt.where(I.marketplace_id == q.marketplace_id)
    if q.search:
        escaped = q.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        stmt = stmt.where(
            or_(
                I.sku.ilike(like),
                I.asin.ilike(like),
                I.fnsku.ilike(like),
                I.product_name.ilike(like),
            )
        )
    if q.stock:
        stmt = stmt.where(STOCK[q.stock])
    return stmt


async def list_inventory(
    session: AsyncSession,
    ctx: StoreContext,
    *,
    query: InventoryQuery,
    cursor: str | None,
    settings: Settings,
    queue: SyncQueue,
    now: datetime,
    export: bool = False,
) -> InventoryPage:
    """A page (or, for exports, all) of the stored inventory rows matching `query`.

    Raises `MarketplaceNotInStore`, `InvalidCursor`. Audits the read (`store_data_read`);
    queues a refresh when the snapshot is stale.
    """
    store = ctx.store
    if query.marketplace_id and query.marketplace_id not in store.marketplace_ids:
        raise MarketplaceNotInStore(
            f"Choose one of the store's marketplaces: {', '.join(store.marketplace_ids)}"
        )
    freshness = await read_datasets(
        session, store, [Dataset.inventory], settings=settings, queue=queue, now=now
    )
    base = filtered(store.id, query)
    scope = f"inventory:{store.id}:{query}"
    offset = int(decode_cursor(cursor, scope).get("o", 0)) if cursor else 0
    stmt = ordered(base, query.sort)
    if not export:
        stmt = stmt.offset(offset).limit(query.limit + 1)
    # Plain columns: executed on the session's connection (Core), skipping the ORM's
    # per-statement set-up; same transaction, so the same RLS scope.
    conn = await session.connection()
    rows = list((await conn.execute(stmt)).all())
    more = not export and len(rows) > query.limit
    rows = rows[: query.limit] if more else rows
    totals = await _totals(session, base)
    audit.record(
        session,
        ctx.actor,
        AuditAction.store_data_read,
        reason=AuditReason.export if export else AuditReason.user_view,
        store_id=store.id,
        details={"endpoint": "inventory", "rows": len(rows), "source": "snapshot"},
    )
    return InventoryPage(
        items=[to_item(r) for r in rows],
        next_cursor=encode_cursor(scope, {"o": offset + query.limit}) if more else None,
        totals=totals,
        stale=freshness.stale,
        sync=freshness.sync,
    )


TOTAL_COLUMNS = (
    "fulfillable",
    "inbound_working",
    "inbound_shipped",
    "inbound_receiving",
    "reserved",
    "unfulfillable",
    "researching",
    "total",
)


def ordered(base: Select[Any], sort: InventorySort) -> Select[Any]:
    """The page order: the chosen sort, then a unique tie-break so offsets are stable."""
    return base.order_by(*SORTS[sort], I.marketplace_id, I.sku, I.id)


# Built once: the aggregate expressions are immutable and reusable in every statement.
_TOTALS = (func.count(), *(func.coalesce(func.sum(I.__table__.c[c]), 0) for c in TOTAL_COLUMNS))


def totals_statement(base: Select[Any]) -> Select[Any]:
    """Row count and the sum of each quantity over every row `base` matches (its WHERE clause
    with other columns: no sub-select to build per request)."""
    return base.with_only_columns(*_TOTALS)


async def _totals(session: AsyncSession, base: Select[Any]) -> InventoryTotals:
    row = (await (await session.connection()).execute(totals_statement(base))).one()
    values = dict(zip(TOTAL_COLUMNS, (int(v) for v in row[1:]), strict=True))
    inbound = values["inbound_working"] + values["inbound_shipped"] + values["inbound_receiving"]
    return InventoryTotals(skus=int(row[0]), inbound=inbound, **values)


def to_item(row: Sequence[Any]) -> InventoryItem:
    # Positional (the order of ITEM_COLUMNS): far cheaper than 16 lookups by name per row.
    (
        sku,
        asin,
        fnsku,
        product_name,
        condition,
        marketplace_id,
        fulfillable,
        inbound_working,
        inbound_shipped,
        inbound_receiving,
        reserved,
        unfulfillable,
        researching,
        total,
        amazon_updated_at,
        synced_at,
    ) = row
    return InventoryItem(
        sku=sku,
        asin=asin,
        fnsku=fnsku,
        product_name=product_name,
        condition=condition,
        marketplace_id=marketplace_id,
        fulfillable=fulfillable,
        inbound_working=inbound_working,
        inbound_shipped=inbound_shipped,
        inbound_receiving=inbound_receiving,
        reserved=reserved,
        unfulfillable=unfulfillable,
        researching=researching,
        total=total,
        last_updated=amazon_updated_at,
        inbound=inbound_working + inbound_shipped + inbound_receiving,
        synced_at=synced_at,
    )
