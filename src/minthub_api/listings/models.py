"""Listing snapshots: what the listings sync (Listings Items / GET_MERCHANT_LISTINGS_ALL_DATA,
not built yet) writes and `attention.py` reads. One row per SKU and marketplace."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Identity,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from minthub_api.core.db import Base, utcnow


class ListingSnapshot(Base):
    __tablename__ = "listing_snapshots"
    __table_args__ = (UniqueConstraint("store_id", "marketplace_id", "sku"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    marketplace_id: Mapped[str] = mapped_column(String(32))
    sku: Mapped[str] = mapped_column(String(200))
    asin: Mapped[str | None] = mapped_column(String(20))
    product_name: Mapped[str | None] = mapped_column(Text)
    # Listings Items `summaries[].status`: BUYABLE and/or DISCOVERABLE; empty = inactive.
    status: Mapped[list[str]] = mapped_column(ARRAY(String(32)), default=list)
    suppressed: Mapped[bool] = mapped_column(default=False)
    # `issues[]`: [{"code", "severity": ERROR|WARNING|INFO, "message"}]
    issues: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    previous_price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))  # at the sync before
    currency: Mapped[str | None] = mapped_column(String(3))
    # `fulfillmentAvailability[]`: [{"fulfillmentChannelCode", "quantity"}]
    fulfillment_availability: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    synced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
