"""Every domain's models in one metadata, for Alembic and tests."""

from minthub_api.audit.models import AuditEvent
from minthub_api.auth.models import User, UserSession
from minthub_api.core.db import Base
from minthub_api.listings.models import ListingSnapshot
from minthub_api.replenishment.models import (
    ReplenishmentDecision,
    ReplenishmentSettings,
    ReplenishmentSkuOverride,
)
from minthub_api.stores.models import OAuthState, Store, StoreCredential, StoreMembership
from minthub_api.sync.models import (
    InventorySnapshot,
    OrderItemSnapshot,
    OrderSnapshot,
    SyncDataset,
)

__all__ = [
    "AuditEvent",
    "Base",
    "InventorySnapshot",
    "ListingSnapshot",
    "OAuthState",
    "OrderItemSnapshot",
    "OrderSnapshot",
    "ReplenishmentDecision",
    "ReplenishmentSettings",
    "ReplenishmentSkuOverride",
    "Store",
    "StoreCredential",
    "StoreMembership",
    "SyncDataset",
    "User",
    "UserSession",
]
