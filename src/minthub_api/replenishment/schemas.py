from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from minthub_api.sync.schemas import DatasetStatus


class SkuOverride(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sku: str = Field(min_length=1, max_length=200)
    lead_time_days: int | None = Field(None, ge=0, le=365)
    safety_stock_days: int | None = Field(None, ge=0, le=365)
    case_pack: int | None = Field(None, ge=1, le=100000)


class ReplenishmentSettingsRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    lead_time_days: int = Field(30, ge=0, le=365, description="order to sellable at Amazon")
    safety_stock_days: int = Field(14, ge=0, le=365, description="buffer against variation")
    review_period_days: int = Field(14, ge=1, le=365, description="how often you reorder")
    reorder_soon_days: int = Field(14, ge=0, le=365, description="warning ahead of reorder")
    overstock_days: int = Field(120, ge=1, le=3650, description="cover above this: overstock")
    case_pack: int = Field(1, ge=1, le=100000, description="round suggestions up to this")
    overrides: list[SkuOverride] = Field(default_factory=list, max_length=10000)


class UnitsBasis(BaseModel):
    units_7d: int
    units_30d: int
    units_90d: int
    formula: str = "0.5*units_7d/7 + 0.3*units_30d/30 + 0.2*units_90d/90"


class PlanInputs(BaseModel):
    time_zone: str
    today: date
    inventory_synced_at: datetime | None
    orders_synced_at: datetime | None
    lead_time_days: int
    safety_stock_days: int
    review_period_days: int
    case_pack: int
    overridden: bool


class ReplenishmentItem(BaseModel):
    sku: str
    asin: str | None
    product_name: str | None
    marketplace_id: str
    status: str
    units_per_day: Decimal
    units_per_day_basis: UnitsBasis
    available: int
    inbound: int
    days_of_cover: Decimal | None
    stockout_date: date | None
    reorder_point: Decimal
    target_stock: Decimal
    suggested_quantity: int
    why: str
    inputs: PlanInputs
    amazon_recommendation: int | None = Field(
        None, description="Amazon's Restock report suggestion, once Reports are synced"
    )


class ReplenishmentPage(BaseModel):
    items: list[ReplenishmentItem]
    status_counts: dict[str, int]
    stale: bool
    sync: list[DatasetStatus]


class DecisionOutcome(BaseModel):
    sku: str
    marketplace_id: str
    day: date
    status: str
    suggested_quantity: int
    units_per_day: Decimal
    available: int
    inbound: int
    why: str
    observed_days: int = Field(description="later journal days within lead + review period")
    inbound_sent: int = Field(description="rise in inbound units within that horizon")
    stockout_days: int
    overstock_days: int


class SkuAccuracy(BaseModel):
    sku: str
    marketplace_id: str
    decisions: int
    observed_days: int
    stockout_days: int
    overstock_days: int
    accuracy: Decimal | None = Field(description="share of observed days in neither state")


class CalibrationRow(BaseModel):
    status: str
    decisions: int
    suggested_reorder: int
    followed: int = Field(description="decisions with a suggestion after which inbound rose")
    stockout_days_avg: Decimal | None
    overstock_days_avg: Decimal | None


class DecisionJournal(BaseModel):
    decisions: list[DecisionOutcome]
    skus: list[SkuAccuracy]
    calibration: list[CalibrationRow]
