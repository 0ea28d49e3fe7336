from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class InventoryItem(BaseModel):
    """One SKU's FBA stock in one marketplace (FBA Inventory getInventorySummaries)."""

    sku: str
    asin: str | None
    fnsku: str | None
    product_name: str | None
    condition: str | None
    marketplace_id: str
    fulfillable: int
    inbound_working: int
    inbound_shipped: int
    inbound_receiving: int
    reserved: int
    unfulfillable: int
    researching: int
    total: int
    last_updated: datetime | None
