"""Store-scoped access to snapshots and sync state: every statement filters on `store_id`.

A repository is built for one store (`store_id`), so no query can read or write another
store's rows. Worker code passes the store id it was given explicitly.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeAlias, TypeVar, TypeVarTuple

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Date,
    Numeric,
    Row,
    Select,
    Subquery,
    Text,
    case,
    cast,
    delete,
    distinct,
    func,
    literal_column,
    null,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by, insert
from sqlalchemy.engine import Result
from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.amazon.schemas.orders import Order
from minthub_api.sync.models import (
    InventorySnapshot,
    OrderItemSnapshot,
    OrderSnapshot,
    SyncDataset,
)

_Ts = TypeVarTuple("_Ts")


class StoreScoped:
    def __init__(self, session: AsyncSession, store_id: uuid.UUID) -> None:
        self.session = session
        self.store_id = store_id

    async def _core(self, stmt: Select[*_Ts]) -> Result[*_Ts]:
        """Run a statement of plain columns on the session's connection: same transaction (and
        row-level security scope), without the ORM's per-statement work (thousands of rows)."""
        return await (await self.session.connection()).execute(stmt)


class SyncStateRepository(StoreScoped):
    async def get(self, dataset: str, *, for_update: bool = False) -> SyncDataset | None:
        stmt = select(SyncDataset).where(
            SyncDataset.store_id == self.store_id, SyncDataset.dataset == dataset
        )
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def get_or_create(self, dataset: str) -> SyncDataset:
        await self.session.execute(
            insert(SyncDataset)
            .values(store_id=self.store_id, dataset=dataset)
            .on_conflict_do_nothing()
        )
        found = await self.get(dataset, for_update=True)
        assert found is not None
        return found

    async def list(self) -> Sequence[SyncDataset]:
        stmt = select(SyncDataset).where(SyncDataset.store_id == self.store_id)
        return (await self.session.execute(stmt)).scalars().all()


class InventoryRepository(StoreScoped):
    async def upsert(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        values = [{**row, "store_id": self.store_id} for row in rows]
        stmt = insert(InventorySnapshot).values(values)
        updates = {c: stmt.excluded[c] for c in values[0] if c not in ("store_id", "sku")}
        await self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["store_id", "marketplace_id", "sku"], set_=updates
            )
        )

    async def delete_not_seen(self, marketplace_id: str, since: datetime) -> int:
        """After a full sync: SKUs Amazon no longer lists (not refreshed since `since`)."""
        result = await self.session.execute(
            delete(InventorySnapshot).where(
                InventorySnapshot.store_id == self.store_id,
                InventorySnapshot.marketplace_id == marketplace_id,
                InventorySnapshot.synced_at < since,
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def select(self) -> Select[InventorySnapshot]:
        return select(InventorySnapshot).where(InventorySnapshot.store_id == self.store_id)

    async def list(self, stmt: Select[InventorySnapshot]) -> Sequence[InventorySnapshot]:
        return (await self.session.execute(stmt)).scalars().all()

    async def count(self) -> int:
        stmt = select(func.count()).where(InventorySnapshot.store_id == self.store_id)
        return int((await self.session.execute(stmt)).scalar_one())


class OrderRepository(StoreScoped):
    async def upsert(
        self, orders: Sequence[Order], synced_at: datetime, *, keep_ship_by: bool = False
    ) -> None:
        """Insert or replace orders and their lines. `keep_ship_by`: a missing latest ship
        date keeps the stored one (order reports have no such column)."""
        if not orders:
            return
        values = [
            {
                "store_id": self.store_id,
                "order_id": o.order_id,
                "status": o.status or "UNKNOWN",
                "purchase_date": o.purchase_date,
                "last_update_date": o.last_update_date,
                "marketplace_id": o.marketplace_id,
                "fulfillment_channel": o.fulfillment_channel,
                "item_count": o.item_count,
                "order_total": o.order_total,
                "currency": o.currency,
                "latest_ship_date": o.latest_ship_date,
                "synced_at": synced_at,
            }
            for o in orders
        ]
        stmt = insert(OrderSnapshot).values(values)
        updates: dict[str, Any] = {
            c: stmt.excluded[c] for c in values[0] if c not in ("store_id", "order_id")
        }
        if keep_ship_by:
            updates["latest_ship_date"] = func.coalesce(
                stmt.excluded.latest_ship_date, OrderSnapshot.latest_ship_date
            )
        await self.session.execute(
            stmt.on_conflict_do_update(index_elements=["store_id", "order_id"], set_=updates)
        )
        ids = [o.order_id for o in orders]
        await self.session.execute(
            delete(OrderItemSnapshot).where(
                OrderItemSnapshot.store_id == self.store_id, OrderItemSnapshot.order_id.in_(ids)
            )
        )
        lines = [
            {
                "store_id": self.store_id,
                "order_id": o.order_id,
                "order_item_id": line.order_item_id,
                "sku": line.sku,
                "asin": line.asin,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "currency": line.currency,
            }
            for o in orders
            for line in o.lines
        ]
        if lines:
            await self.session.execute(insert(OrderItemSnapshot).values(lines))

    async def max_last_update(self) -> datetime | None:
        stmt = select(func.max(OrderSnapshot.last_update_date)).where(
            OrderSnapshot.store_id == self.store_id
        )
        value: datetime | None = (await self.session.execute(stmt)).scalar_one()
        return value

    async def count(self) -> int:
        stmt = select(func.count()).where(OrderSnapshot.store_id == self.store_id)
        return int((await self.session.execute(stmt)).scalar_one())

    async def lines_between(
        self, start: datetime, end: datetime
    ) -> Sequence[tuple[OrderItemSnapshot, OrderSnapshot]]:
        """Order lines of orders purchased in [start, end), each with its order."""
        stmt = (
            select(OrderItemSnapshot, OrderSnapshot)
            .join(
                OrderSnapshot,
                (OrderSnapshot.store_id == OrderItemSnapshot.store_id)
                & (OrderSnapshot.order_id == OrderItemSnapshot.order_id),
            )
            .where(
                OrderItemSnapshot.store_id == self.store_id,
                OrderSnapshot.purchase_date >= start,
                OrderSnapshot.purchase_date < end,
            )
        )
        return [(row[0], row[1]) for row in (await self.session.execute(stmt)).all()]

    async def order_counts(
        self, start: datetime, end: datetime, tz: str, marketplace_id: str | None
    ) -> Sequence[Row[date, str | None, str, int]]:
        """Orders purchased in [start, end) per (local day in `tz`, marketplace, status)."""
        stmt = order_counts_statement(self.store_id, start, end, tz, marketplace_id)
        return (await self._core(stmt)).all()

    async def line_sales(
        self,
        start: datetime,
        end: datetime,
        tz: str,
        marketplace_id: str | None,
        *,
        excluded_status: str,
    ) -> Sequence[Row[date, str | None, str | None, int, Decimal]]:
        """Units and revenue of the lines of orders purchased in [start, end) and not in
        `excluded_status`, per (local day in `tz`, marketplace, currency), by currency."""
        stmt = line_sales_statement(self.store_id, start, end, tz, marketplace_id, excluded_status)
        return (await self._core(stmt)).all()

    async def sku_sales_json(
        self,
        start: datetime,
        end: datetime,
        day_count: int,
        marketplace_id: str | None,
        *,
        excluded_status: str,
    ) -> str:
        """See `sku_sales_json_statement`."""
        stmt = sku_sales_json_statement(
            self.store_id, start, end, day_count, marketplace_id, excluded_status
        )
        return str((await self._core(stmt)).scalar_one())

    async def late_unshipped(
        self, now: datetime, statuses: Sequence[str], marketplace_id: str | None = None
    ) -> Sequence[Row[str, str | None, str, datetime, datetime | None]]:
        """(order_id, marketplace_id, status, purchase_date, latest_ship_date) of orders in
        `statuses` whose latest ship date is before `now`, oldest ship date first."""
        stmt = late_unshipped_statement(self.store_id, now, statuses, marketplace_id)
        return (await self._core(stmt)).all()


# The order summary's statements, built apart from their execution so that bench/api_load.py
# runs the very same SQL with the store and range as parameters (`Param` values).
_T = TypeVar("_T")
Param: TypeAlias = _T | BindParameter[_T]


def _purchased_between(
    store_id: Param[uuid.UUID],
    start: Param[datetime],
    end: Param[datetime],
    marketplace_id: str | None,
) -> list[ColumnElement[bool]]:
    where = [
        OrderSnapshot.store_id == store_id,
        OrderSnapshot.purchase_date >= start,
        OrderSnapshot.purchase_date < end,
    ]
    if marketplace_id:
        where.append(OrderSnapshot.marketplace_id == marketplace_id)
    return where


def _lines_sold_between(
    store_id: Param[uuid.UUID],
    start: Param[datetime],
    end: Param[datetime],
    marketplace_id: str | None,
    excluded_status: str,
) -> list[ColumnElement[bool]]:
    """Lines of orders purchased in [start, end) whose status is not `excluded_status`."""
    return [
        OrderItemSnapshot.store_id == store_id,
        *_purchased_between(store_id, start, end, marketplace_id),
        OrderSnapshot.status != excluded_status,
    ]


def order_counts_statement(
    store_id: Param[uuid.UUID],
    start: Param[datetime],
    end: Param[datetime],
    tz: Param[str],
    marketplace_id: str | None,
) -> Select[date, str | None, str, int]:
    day = _local_day(tz)
    return (
        select(day, OrderSnapshot.marketplace_id, OrderSnapshot.status, func.count())
        .where(*_purchased_between(store_id, start, end, marketplace_id))
        .group_by(day, OrderSnapshot.marketplace_id, OrderSnapshot.status)
    )


def line_sales_statement(
    store_id: Param[uuid.UUID],
    start: Param[datetime],
    end: Param[datetime],
    tz: Param[str],
    marketplace_id: str | None,
    excluded_status: str,
) -> Select[date, str | None, str | None, int, Decimal]:
    day = _local_day(tz)
    return (
        select(
            day,
            OrderSnapshot.marketplace_id,
            OrderItemSnapshot.currency,
            func.sum(OrderItemSnapshot.quantity),
            func.sum(_line_amount()),
        )
        .join(OrderSnapshot, _line_of_order())
        .where(*_lines_sold_between(store_id, start, end, marketplace_id, excluded_status))
        .group_by(day, OrderSnapshot.marketplace_id, OrderItemSnapshot.currency)
        .order_by(OrderItemSnapshot.currency)
    )


def _sku_rows(
    store_id: Param[uuid.UUID],
    start: Param[datetime],
    end: Param[datetime],
    day_count: Param[int],
    marketplace_id: str | None,
    excluded_status: str,
) -> Subquery:
    """Like `line_sales_statement`, one row per (SKU, marketplace); a NULL or empty SKU is
    "?". Columns: sku, marketplace_id, units, orders (distinct), asin (the smallest),
    units_per_day (rounded half up to 2 places), amount, and its currency ("?" for none) when
    the SKU sold in one currency, else NULL there and the lines' `currencies` and `amounts`."""
    sku: ColumnElement[str] = func.coalesce(func.nullif(OrderItemSnapshot.sku, ""), "?")
    currency: ColumnElement[str] = func.coalesce(func.nullif(OrderItemSnapshot.currency, ""), "?")
    units = func.sum(OrderItemSnapshot.quantity)
    mixed = func.min(currency) != func.max(currency)
    return (
        select(
            sku.label("sku"),
            OrderSnapshot.marketplace_id.label("marketplace_id"),
            units.label("units"),
            func.count(distinct(OrderItemSnapshot.order_id)).label("orders"),
            func.min(OrderItemSnapshot.asin).label("asin"),
            func.round(units / cast(day_count, Numeric), 2).label("units_per_day"),
            func.sum(_line_amount()).label("amount"),
            func.min(currency).label("currency"),
            case((mixed, func.array_agg(currency)), else_=null()).label("currencies"),
            case((mixed, func.array_agg(_line_amount())), else_=null()).label("amounts"),
        )
        .join(OrderSnapshot, _line_of_order())
        .where(*_lines_sold_between(store_id, start, end, marketplace_id, excluded_status))
        .group_by(sku, OrderSnapshot.marketplace_id)
        .subquery("s")
    )


def sku_sales_json_statement(
    store_id: Param[uuid.UUID],
    start: Param[datetime],
    end: Param[datetime],
    day_count: Param[int],
    marketplace_id: str | None,
    excluded_status: str,
) -> Select[str]:
    """The SKU rows (`_sku_rows`) as one JSON array, the order summary's `skus` exactly as its
    `SkuSales` model serializes them (numbers with their scale, as strings): a 90-day summary
    can list every SKU of the store, and building them in PostgreSQL costs a fraction of
    fetching, validating and serializing them in Python."""
    s = _sku_rows(store_id, start, end, day_count, marketplace_id, excluded_status)
    # Several currencies: the lines' amounts summed per currency, keys in code-point order.
    per_currency: ColumnElement[Any] = literal_column(
        '(SELECT json_object_agg(c, t::text ORDER BY c COLLATE "C") FROM (SELECT c, sum(a) AS t'
        " FROM unnest(s.currencies, s.amounts) AS u(c, a) GROUP BY c) AS x)"
    )
    revenue = case(
        (s.c.currencies.is_(None), func.json_build_object(s.c.currency, cast(s.c.amount, Text))),
        else_=per_currency,
    )
    sku = func.json_build_object(
        "sku", s.c.sku,
        "asin", s.c.asin,
        "marketplace_id", s.c.marketplace_id,
        "units", s.c.units,
        "orders", s.c.orders,
        "units_per_day", cast(s.c.units_per_day, Text),
        "revenue", revenue,
    )  # fmt: skip
    # Most units first, then SKU and marketplace id (NULL last), in code-point order.
    ordered = aggregate_order_by(
        sku,
        s.c.units.desc(),
        s.c.sku.collate("C"),
        s.c.marketplace_id.collate("C").asc().nulls_last(),
    )
    return select(cast(func.coalesce(func.json_agg(ordered), literal_column("'[]'::json")), Text))


def late_unshipped_statement(
    store_id: Param[uuid.UUID],
    now: Param[datetime],
    statuses: Sequence[str],
    marketplace_id: str | None,
) -> Select[str, str | None, str, datetime, datetime | None]:
    stmt = (
        select(
            OrderSnapshot.order_id,
            OrderSnapshot.marketplace_id,
            OrderSnapshot.status,
            OrderSnapshot.purchase_date,
            OrderSnapshot.latest_ship_date,
        )
        .where(
            OrderSnapshot.store_id == store_id,
            OrderSnapshot.status.in_(statuses),
            OrderSnapshot.latest_ship_date < now,
        )
        .order_by(OrderSnapshot.latest_ship_date, OrderSnapshot.order_id)
    )
    if marketplace_id:
        stmt = stmt.where(OrderSnapshot.marketplace_id == marketplace_id)
    return stmt


def _local_day(tz: Param[str]) -> ColumnElement[date]:
    """`(purchase_date AT TIME ZONE tz)::date`: the calendar day of the purchase in `tz`."""
    return cast(func.timezone(tz, OrderSnapshot.purchase_date), Date)


def _line_of_order() -> ColumnElement[bool]:
    return (OrderSnapshot.store_id == OrderItemSnapshot.store_id) & (
        OrderSnapshot.order_id == OrderItemSnapshot.order_id
    )


def _line_amount() -> ColumnElement[Decimal]:
    """unit price x quantity; a missing price counts 0 (scale 0, as Python's Decimal(0))."""
    return func.coalesce(OrderItemSnapshot.unit_price, 0) * OrderItemSnapshot.quantity
