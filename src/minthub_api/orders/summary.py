"""Order summary over a date range, from the orders snapshot (README "Order summary").

- Days are calendar days in the time zone of `marketplace_id` (default: the store's first
  marketplace); the range [from 00:00, to+1 00:00) local is converted to UTC for the query.
- `orders` and the status counts include cancelled orders; `units` and `revenue` do not.
- revenue = sum of item unit price x quantity per currency (Amazon's `unitPrice`), Decimal.
- late_unshipped: stored orders UNSHIPPED or PARTIALLY_SHIPPED whose latest ship date passed,
  whatever their purchase date.
- skus: units sold per SKU and marketplace in the range; units_per_day = units / day_count;
  `orders` = distinct orders with the SKU; `asin` = the smallest non-NULL ASIN of its lines.
- Aggregated in PostgreSQL (GROUP BY on the local day `(purchase_date AT TIME ZONE tz)::date`,
  marketplace, status / currency / SKU); Python folds the groups, except the SKU list, which
  PostgreSQL returns as the response's JSON array (`SalesSummary`). NULL marketplace, currency
  or SKU is "?" (the SKU's `marketplace_id` stays NULL); a NULL unit price is 0 revenue.
- List order: days ascending; marketplaces by orders desc, then id; skus by units desc, then
  SKU, then marketplace id; late_unshipped by latest ship date, then order id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.amazon.regions import MARKETPLACES
from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.core.errors import AppError
from minthub_api.core.settings import Settings
from minthub_api.inventory.service import MarketplaceNotInStore
from minthub_api.orders.summary_schemas import (
    DaySales,
    LateOrder,
    MarketplaceSales,
    OrderSalesSummary,
    Revenue,
    StatusCounts,
)
from minthub_api.stores.dependencies import StoreContext
from minthub_api.sync.models import Dataset
from minthub_api.sync.queue import SyncQueue
from minthub_api.sync.repository import OrderRepository
from minthub_api.sync.status import read_datasets

CANCELLED = "CANCELLED"
UNSHIPPED = ("UNSHIPPED", "PARTIALLY_SHIPPED")
STATUS_FIELD = {
    "PENDING": "pending",
    "PENDING_AVAILABILITY": "pending",
    "UNSHIPPED": "unshipped",
    "PARTIALLY_SHIPPED": "partially_shipped",
    "SHIPPED": "shipped",
    "CANCELLED": "cancelled",
}
MAX_RANGE_DAYS = 366
ALLOWED_DAYS = (7, 30, 90)

# What the orders snapshot was last filled from (the dataset's `source`).
SOURCES: dict[str | None, str] = {
    None: "orders snapshot (searchOrders)",
    "api_paging": "orders snapshot (searchOrders)",
    "report": "orders snapshot (GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL report)",
}


@dataclass(frozen=True)
class SalesSummary:
    """The summary, with its SKUs (every SKU sold in the range: 10,000s for a large store over
    90 days) as the JSON array PostgreSQL built, not as models."""

    summary: OrderSalesSummary  # `skus` empty: see `skus_json`
    skus_json: str

    def json(self) -> bytes:
        """The response body: exactly `OrderSalesSummary` as FastAPI serializes it."""
        body = self.summary.model_dump_json(by_alias=True)
        # A JSON string cannot hold this byte sequence (its quotes would be escaped).
        head, found, tail = body.partition(_EMPTY_SKUS)
        if not found:
            raise RuntimeError("order summary JSON without its `skus` member")
        return f'{head}"skus":{self.skus_json}{tail}'.encode()


_EMPTY_SKUS = '"skus":[]'


class InvalidRange(AppError):
    status_code = 422
    code = "invalid_range"
    title = "Invalid date range"


def time_zone_of(marketplace_id: str | None) -> str:
    mp = MARKETPLACES.get(marketplace_id or "")
    return mp.time_zone if mp else "UTC"


def resolve_range(
    *,
    days: int | None,
    from_date: date | None,
    to_date: date | None,
    tz: ZoneInfo,
    now: datetime,
) -> tuple[date, date]:
    """`days` = the last N calendar days including today (local), or an explicit from/to."""
    if from_date or to_date:
        if not (from_date and to_date):
            raise InvalidRange("Give both `from` and `to` (dates, inclusive), or `days`")
        if to_date < from_date:
            raise InvalidRange("`to` is before `from`")
        if (to_date - from_date).days + 1 > MAX_RANGE_DAYS:
            raise InvalidRange(f"At most {MAX_RANGE_DAYS} days")
        return from_date, to_date
    if days is not None and days not in ALLOWED_DAYS:
        raise InvalidRange("`days` is 7, 30 or 90 (or give `from` and `to`)")
    today = now.astimezone(tz).date()
    n = days or 30
    return today - timedelta(days=n - 1), today


def local_midnight_utc(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(ZoneInfo("UTC"))


def _add(revenue: dict[str, Decimal], currency: str | None, amount: Decimal) -> None:
    revenue[currency or "?"] = revenue.get(currency or "?", Decimal(0)) + amount


def _count(counts: StatusCounts, status: str, n: int) -> None:
    name = STATUS_FIELD.get(status, "other")
    setattr(counts, name, getattr(counts, name) + n)


async def order_summary(
    session: AsyncSession,
    ctx: StoreContext,
    *,
    days: int | None,
    from_date: date | None,
    to_date: date | None,
    marketplace_id: str | None,
    settings: Settings,
    queue: SyncQueue,
    now: datetime,
    with_skus: bool = True,
) -> SalesSummary:
    """Raises `InvalidRange`, `MarketplaceNotInStore`. Audits the read; queues a stale refresh.
    `with_skus=False` (the CSV export, per day only) skips the SKU query: `skus_json` is []."""
    store = ctx.store
    if marketplace_id and marketplace_id not in store.marketplace_ids:
        raise MarketplaceNotInStore(
            f"Choose one of the store's marketplaces: {', '.join(store.marketplace_ids)}"
        )
    tz_name = time_zone_of(marketplace_id or store.marketplace_ids[0])
    tz = ZoneInfo(tz_name)
    first, last = resolve_range(days=days, from_date=from_date, to_date=to_date, tz=tz, now=now)
    start, end = local_midnight_utc(first, tz), local_midnight_utc(last + timedelta(days=1), tz)
    freshness = await read_datasets(
        session, store, [Dataset.orders], settings=settings, queue=queue, now=now
    )
    repo = OrderRepository(session, store.id)
    only = marketplace_id or None
    day_count = (last - first).days + 1

    day_rows = {
        first + timedelta(days=i): DaySales(
            date=first + timedelta(days=i), orders=0, units=0, revenue={}
        )
        for i in range(day_count)
    }
    by_mp: dict[str, MarketplaceSales] = {}
    counts = StatusCounts()
    revenue: Revenue = {}
    units = 0
    orders = 0

    def mp_row(marketplace: str | None) -> MarketplaceSales:
        key = marketplace or "?"
        if key not in by_mp:
            by_mp[key] = MarketplaceSales(
                marketplace_id=key,
                time_zone=time_zone_of(key),
                orders=0,
                units=0,
                revenue={},
                status_counts=StatusCounts(),
            )
        return by_mp[key]

    # PostgreSQL groups; Python only folds the (few) groups into the response.
    for day, mp, status, n in await repo.order_counts(start, end, tz_name, only):
        orders += n
        day_rows[day].orders += n
        _count(counts, status, n)
        row = mp_row(mp)
        row.orders += n
        _count(row.status_counts, status, n)

    for day, mp, currency, qty, amount in await repo.line_sales(
        start, end, tz_name, only, excluded_status=CANCELLED
    ):
        day_row = day_rows[day]
        day_row.units += qty
        _add(day_row.revenue, currency, amount)
        units += qty
        _add(revenue, currency, amount)
        row = mp_row(mp)
        row.units += qty
        _add(row.revenue, currency, amount)

    skus_json = (
        await repo.sku_sales_json(start, end, day_count, only, excluded_status=CANCELLED)
        if with_skus
        else "[]"
    )

    late = [
        LateOrder(
            order_id=order_id,
            marketplace_id=mp,
            status=status,
            purchase_date=purchase_date,
            latest_ship_date=ship_by,
            hours_late=(Decimal((now - ship_by).total_seconds()) / 3600).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            ),
        )
        for order_id, mp, status, purchase_date, ship_by in await repo.late_unshipped(
            now, UNSHIPPED, only
        )
        if ship_by is not None
    ]
    audit.record(
        session,
        ctx.actor,
        AuditAction.store_data_read,
        reason=AuditReason.user_view,
        store_id=store.id,
        details={
            "endpoint": "orders/summary",
            "from": first.isoformat(),
            "to": last.isoformat(),
            "orders": orders,
        },
    )
    orders_state = next((s for s in freshness.sync if s.dataset == Dataset.orders), None)
    summary = OrderSalesSummary(
        from_date=first,
        to_date=last,
        day_count=day_count,
        time_zone=tz_name,
        marketplace_id=marketplace_id,
        range_start_utc=start,
        range_end_utc=end,
        orders=orders,
        units=units,
        revenue=revenue,
        status_counts=counts,
        days=list(day_rows.values()),
        # Ties: by marketplace id ("?" first).
        marketplaces=sorted(by_mp.values(), key=lambda m: (-m.orders, m.marketplace_id)),
        late_unshipped=late,  # by latest ship date, then order id (SQL)
        skus=[],  # in `skus_json`
        synced_at=orders_state.last_success_at if orders_state else None,
        source=SOURCES.get(orders_state.source if orders_state else None, SOURCES[None]),
        as_of=now,
        stale=freshness.stale,
        sync=freshness.sync,
    )
    return SalesSummary(summary, skus_json)
