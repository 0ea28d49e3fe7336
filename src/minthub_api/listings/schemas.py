from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from minthub_api.sync.schemas import DatasetStatus


class AttentionReason(BaseModel):
    kind: str = Field(
        description="restock, listing_issue, inactive, suppressed, price_changed,"
        " no_fulfillment_availability"
    )
    severity: str = Field(description="high, medium or low")
    detail: str
    source: str = Field(description="the dataset the reason comes from")
    synced_at: datetime | None
    synced_at_by_dataset: dict[str, datetime | None] = Field(
        default_factory=dict,
        description="each dataset behind the reason and its last successful sync (UTC): a restock"
        " reason has inventory and orders",
    )
    price: Decimal | None = Field(None, description="price_changed: the price now")
    previous_price: Decimal | None = Field(
        None, description="price_changed: the price at the listings sync before"
    )
    currency: str | None = Field(None, description="price_changed: both prices' currency")


class AttentionItem(BaseModel):
    sku: str
    asin: str | None
    product_name: str | None
    marketplace_id: str
    severity: str = Field(description="the highest of its reasons")
    reasons: list[AttentionReason]
    price: Decimal | None = None
    currency: str | None = None
    previous_price: Decimal | None = Field(
        None, description="the price at the listings sync before (exact decimal, `currency`)"
    )


class AttentionPage(BaseModel):
    items: list[AttentionItem]
    stale: bool
    sync: list[DatasetStatus]
