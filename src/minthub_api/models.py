"""Every domain's models in one metadata, for Alembic and tests."""

from minthub_api.amazon.models import SpApiRateBucket
from minthub_api.audit.models import AuditCheckpoint, AuditEvent
from minthub_api.auth.models import RecoveryCode, ThrottleEvent, User, UserSession, UserTotp
from minthub_api.beta.models import BetaRequest
from minthub_api.core.db import Base
from minthub_api.invitations.models import Invitation
from minthub_api.listings.models import ListingSnapshot
from minthub_api.replenishment.models import (
    AmazonRestockRecommendation,
    ReplenishmentDecision,
    ReplenishmentSettings,
    ReplenishmentSkuOverride,
)
from minthub_api.reports.models import ReportRequest, ReportRow
from minthub_api.stores.models import (
    OAuthState,
    Store,
    StoreCredential,
    StoreMembership,
    StoreRenewalWarning,
)
from minthub_api.sync.models import (
    InventorySnapshot,
    OrderItemSnapshot,
    OrderSnapshot,
    SyncDataset,
)
from minthub_api.tokens.models import ApiToken

__all__ = [
    "AmazonRestockRecommendation",
    "ApiToken",
    "AuditCheckpoint",
    "AuditEvent",
    "Base",
    "BetaRequest",
    "InventorySnapshot",
    "Invitation",
    "ListingSnapshot",
    "OAuthState",
    "OrderItemSnapshot",
    "OrderSnapshot",
    "RecoveryCode",
    "ReplenishmentDecision",
    "ReplenishmentSettings",
    "ReplenishmentSkuOverride",
    "ReportRequest",
    "ReportRow",
    "SpApiRateBucket",
    "Store",
    "StoreCredential",
    "StoreMembership",
    "StoreRenewalWarning",
    "SyncDataset",
    "ThrottleEvent",
    "User",
    "UserSession",
    "UserTotp",
]
