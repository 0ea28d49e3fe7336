"""Pydantic models of the SP-API payloads we use (field aliases = the official model's names)."""

from minthub_api.amazon.schemas.inventory import (
    InventoryDetails,
    InventorySummary,
    ResearchingQuantity,
    ReservedQuantity,
    UnfulfillableQuantity,
)
from minthub_api.amazon.schemas.orders import FulfillmentStatus, Money, Order
from minthub_api.amazon.schemas.sellers import (
    MarketplaceInfo,
    MarketplaceParticipation,
    Participation,
)

__all__ = [
    "FulfillmentStatus",
    "InventoryDetails",
    "InventorySummary",
    "MarketplaceInfo",
    "MarketplaceParticipation",
    "Money",
    "Order",
    "Participation",
    "ResearchingQuantity",
    "ReservedQuantity",
    "UnfulfillableQuantity",
]
