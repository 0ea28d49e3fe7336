from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from minthub_api.sync.schemas import DatasetStatus

Revenue = dict[str, Decimal]  # currency code → amount (exact decimal string in JSON)


class StatusCounts(BaseModel):
    pending: int = 0
    unshipped: int = 0
    partially_shipped: int = 0
    shipped: int = 0
    cancelled: int = 0
    other: int = 0


class DaySales(BaseModel):
    date: date
    orders: int
    units: int
    revenue: Revenue


class MarketplaceSales(BaseModel):
    marketplace_id: str
    time_zone: str | None
    orders: int
    units: int
    revenue: Revenue
    status_counts: StatusCounts


class LateOrder(BaseModel):
    order_id: str
    marketplace_id: str | None
    status: str
    purchase_date: datetime
    latest_ship_date: datetime
    hours_late: Decimal


class SkuSales(BaseModel):
    sku: str
    asin: str | None
    marketplace_id: str | None
    units: int
    orders: int
    units_per_day: Decimal = Field(description="units / days in the range, 2 decimals")
    revenue: Revenue


class OrderSalesSummary(BaseModel):
    """Sales in a date range, days in `time_zone`; cancelled orders only in status counts."""

    from_date: date = Field(serialization_alias="from")
    to_date: date = Field(serialization_alias="to")
    day_count: int
    time_zone: str
    marketplace_id: str | None
    range_start_utc: datetime
    range_end_utc: datetime
    orders: int
    units: int
    revenue: Revenue
    status_counts: StatusCounts
    days: list[DaySales]
    marketplaces: list[MarketplaceSales]
    late_unshipped: list[LateOrder]
    skus: list[SkuSales]
    source: str = "orders snapshot (searchOrders)"
    synced_at: datetime | None
    source_dataset: str = Field("orders", description="the dataset every figure comes from")
    as_of: datetime | None = Field(
        None, description="the moment (UTC) the summary was computed: hours_late are to it"
    )
    stale: bool
    sync: list[DatasetStatus]
