"""FBA Inventory v1 `getInventorySummaries` payloads (`fbaInventory.json`)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from minthub_api.amazon.schemas.base import SpApiModel


class Granularity(SpApiModel):
    granularity_type: str | None = None
    granularity_id: str | None = None


class ReservedQuantity(SpApiModel):
    total_reserved_quantity: int | None = None
    pending_customer_order_quantity: int | None = None
    pending_transshipment_quantity: int | None = None
    fc_processing_quantity: int | None = None


class ResearchingQuantityEntry(SpApiModel):
    name: str
    quantity: int


class ResearchingQuantity(SpApiModel):
    total_researching_quantity: int | None = None
    researching_quantity_breakdown: list[ResearchingQuantityEntry] = Field(default_factory=list)


class UnfulfillableQuantity(SpApiModel):
    total_unfulfillable_quantity: int | None = None
    customer_damaged_quantity: int | None = None
    warehouse_damaged_quantity: int | None = None
    distributor_damaged_quantity: int | None = None
    carrier_damaged_quantity: int | None = None
    defective_quantity: int | None = None
    expired_quantity: int | None = None


class InventoryDetails(SpApiModel):
    fulfillable_quantity: int | None = None
    inbound_working_quantity: int | None = None
    inbound_shipped_quantity: int | None = None
    inbound_receiving_quantity: int | None = None
    reserved_quantity: ReservedQuantity | None = None
    researching_quantity: ResearchingQuantity | None = None
    unfulfillable_quantity: UnfulfillableQuantity | None = None

    # Totals with "absent" read as 0, for display.
    @property
    def reserved_total(self) -> int:
        q = self.reserved_quantity
        return (q.total_reserved_quantity or 0) if q else 0

    @property
    def researching_total(self) -> int:
        q = self.researching_quantity
        return (q.total_researching_quantity or 0) if q else 0

    @property
    def unfulfillable_total(self) -> int:
        q = self.unfulfillable_quantity
        return (q.total_unfulfillable_quantity or 0) if q else 0


class InventorySummary(SpApiModel):
    asin: str | None = None
    fn_sku: str | None = None
    seller_sku: str | None = None
    condition: str | None = None
    inventory_details: InventoryDetails | None = None  # only with details=true
    last_updated_time: datetime | None = None
    product_name: str | None = None
    total_quantity: int | None = None
    stores: list[str] = Field(default_factory=list)


class GetInventorySummariesResult(SpApiModel):
    granularity: Granularity
    inventory_summaries: list[InventorySummary]


class Pagination(SpApiModel):
    next_token: str | None = None


class GetInventorySummariesResponse(SpApiModel):
    payload: GetInventorySummariesResult | None = None
    pagination: Pagination | None = None
