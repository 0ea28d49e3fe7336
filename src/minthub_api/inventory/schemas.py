from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from minthub_api.sync.schemas import DatasetStatus


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
    # Added with snapshots (issue 6); the fields above are unchanged.
    inbound: int = Field(0, description="inbound_working + inbound_shipped + inbound_receiving")
    synced_at: datetime | None = None


class InventoryTotals(BaseModel):
    skus: int
    fulfillable: int
    inbound_working: int
    inbound_shipped: int
    inbound_receiving: int
    inbound: int
    reserved: int
    unfulfillable: int
    researching: int
    total: int


class InventoryPage(BaseModel):
    """A page of the stored snapshot, with totals over every matching row and its freshness."""

    items: list[InventoryItem]
    next_cursor: str | None = None
    totals: InventoryTotals
    stale: bool
    sync: list[DatasetStatus]


class InventorySort(StrEnum):
    sku = "sku"
    sku_desc = "-sku"
    fulfillable = "fulfillable"
    fulfillable_desc = "-fulfillable"
    inbound = "inbound"
    inbound_desc = "-inbound"
    total = "total"
    total_desc = "-total"
    unfulfillable_desc = "-unfulfillable"


class StockFilter(StrEnum):
    in_stock = "in_stock"  # fulfillable > 0
    out_of_stock = "out_of_stock"  # fulfillable == 0
    inbound = "inbound"  # something on its way
    unfulfillable = "unfulfillable"  # damaged/defective units waiting
