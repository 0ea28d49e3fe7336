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


class AttentionItem(BaseModel):
    sku: str
    asin: str | None
    product_name: str | None
    marketplace_id: str
    severity: str = Field(description="the highest of its reasons")
    reasons: list[AttentionReason]
    price: Decimal | None = None
    currency: str | None = None


class AttentionPage(BaseModel):
    items: list[AttentionItem]
    stale: bool
    sync: list[DatasetStatus]
