from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel


class OrderSummary(BaseModel):
    """An order without any buyer, recipient or address data."""

    order_id: str
    status: str
    purchase_date: datetime
    last_update_date: datetime | None
    marketplace_id: str | None
    fulfillment_channel: str | None
    item_count: int
    order_total: Decimal | None
    currency: str | None
