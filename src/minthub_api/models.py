"""Every domain's models in one metadata, for Alembic and tests."""

from minthub_api.amazon.models import SpApiRateBucket
from minthub_api.audit.models import AuditCheckpoint, AuditEvent
from minthub_api.auth.models import User, UserSession
from minthub_api.core.db import Base
from minthub_api.stores.models import OAuthState, Store, StoreCredential, StoreMembership

__all__ = [
    "AuditCheckpoint",
    "AuditEvent",
    "Base",
    "OAuthState",
    "SpApiRateBucket",
    "Store",
    "StoreCredential",
    "StoreMembership",
    "User",
    "UserSession",
]
