from __future__ import annotations

import uuid
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
    as_of: datetime | None = Field(
        None, description="UTC moment the 7/30/90-day windows are counted back from"
    )
    inventory_synced_at: datetime | None
    orders_synced_at: datetime | None
    restock_synced_at: datetime | None = Field(
        None, description="last success of the `restock` dataset (Amazon's recommendations)"
    )
    lead_time_days: int
    safety_stock_days: int
    review_period_days: int
    case_pack: int
    overridden: bool


class AmazonRecommendation(BaseModel):
    """Amazon's own suggestion for this SKU and marketplace, as its Restock Inventory report
    gave it (GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT), with the report it came from."""

    model_config = ConfigDict(from_attributes=True)

    recommended_quantity: int = Field(description="Recommended replenishment qty")
    recommended_ship_date: date | None = Field(description="Recommended ship date")
    alert: str | None = Field(description="Alert: out_of_stock, reorder_now or none")
    recommended_action: str | None
    days_of_supply_total: int | None = Field(
        description="Total Days of Supply (including units from open shipments)"
    )
    days_of_supply_at_amazon: int | None = Field(
        description="Days of Supply at Amazon Fulfillment Network"
    )
    units_sold_last_30_days: int | None
    sales_last_30_days: Decimal | None = Field(description="exact decimal, in `currency`")
    currency: str | None
    available: int | None = Field(description="Amazon's Available at report time")
    inbound: int | None = Field(description="Amazon's Inbound at report time")
    total_units: int | None
    report_type: str = "GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT"
    report_id: uuid.UUID | None = Field(
        validation_alias="report_request_id",
        description="our ledger id: GET .../reports/{report_id} (and /rows, /document)",
    )
    amazon_report_id: str | None = Field(description="Amazon's reportId")
    generated_at: datetime | None = Field(description="when the report was DONE (UTC)")
    synced_at: datetime = Field(description="when this row was stored (UTC)")


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
    amazon_recommendation: AmazonRecommendation | None = Field(
        None,
        description="Amazon's Restock Inventory suggestion beside ours; null where Amazon has "
        "none (no FBA stock there, or the `restock` dataset not synced yet)",
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
    amazon_recommended_quantity: int | None = Field(
        None, description="Amazon's Restock suggestion that day (null: none stored)"
    )
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
