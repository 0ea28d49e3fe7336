"""Per-store replenishment settings, per-SKU overrides and the decision journal."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from minthub_api.core.db import Base, utcnow


class ReplenishmentSettings(Base):
    __tablename__ = "replenishment_settings"

    store_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True
    )
    lead_time_days: Mapped[int] = mapped_column(Integer, default=30)
    safety_stock_days: Mapped[int] = mapped_column(Integer, default=14)
    review_period_days: Mapped[int] = mapped_column(Integer, default=14)
    overstock_days: Mapped[int] = mapped_column(Integer, default=120)
    reorder_soon_days: Mapped[int] = mapped_column(Integer, default=14)
    case_pack: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class ReplenishmentSkuOverride(Base):
    __tablename__ = "replenishment_sku_overrides"

    store_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True
    )
    sku: Mapped[str] = mapped_column(String(200), primary_key=True)
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    safety_stock_days: Mapped[int | None] = mapped_column(Integer)
    case_pack: Mapped[int | None] = mapped_column(Integer)


class ReplenishmentDecision(Base):
    """A suggestion as we made it (inputs and why), one per SKU, marketplace and day.

    Later entries of the same SKU are the observations of what happened (new inbound,
    stockout days, overstock days): see `journal.py`."""

    __tablename__ = "replenishment_decisions"
    __table_args__ = (UniqueConstraint("store_id", "marketplace_id", "sku", "day"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    sku: Mapped[str] = mapped_column(String(200))
    marketplace_id: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(Date)  # one journal entry per SKU and day
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(32))
    units_per_day: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    available: Mapped[int] = mapped_column(Integer)
    inbound: Mapped[int] = mapped_column(Integer)
    suggested_quantity: Mapped[int] = mapped_column(Integer)
    why: Mapped[str] = mapped_column(Text)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSONB)


class AmazonRestockRecommendation(Base):
    """Amazon's own suggestion (GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT), one row per SKU
    and marketplace, from the newest DONE report of that marketplace (`report_request_id` in
    the ledger; `amazon_report_id` is Amazon's reportId). Written by the `restock` sync."""

    __tablename__ = "amazon_restock_recommendations"
    __table_args__ = (UniqueConstraint("store_id", "marketplace_id", "sku"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    marketplace_id: Mapped[str] = mapped_column(String(32))
    sku: Mapped[str] = mapped_column(String(200))
    asin: Mapped[str | None] = mapped_column(String(20))
    recommended_quantity: Mapped[int] = mapped_column(Integer)
    recommended_ship_date: Mapped[date | None] = mapped_column(Date)
    alert: Mapped[str | None] = mapped_column(String(64))
    recommended_action: Mapped[str | None] = mapped_column(Text)
    days_of_supply_total: Mapped[int | None] = mapped_column(Integer)
    days_of_supply_at_amazon: Mapped[int | None] = mapped_column(Integer)
    units_sold_last_30_days: Mapped[int | None] = mapped_column(Integer)
    sales_last_30_days: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    available: Mapped[int | None] = mapped_column(Integer)
    inbound: Mapped[int | None] = mapped_column(Integer)
    total_units: Mapped[int | None] = mapped_column(Integer)
    report_request_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("report_requests.id", ondelete="SET NULL")
    )
    amazon_report_id: Mapped[str | None] = mapped_column(String(64))
    generated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    synced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
