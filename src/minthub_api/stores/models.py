from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from minthub_api.core.db import Base, Timestamps, UUIDPrimaryKey, utcnow


class StoreStatus(StrEnum):
    connected = "connected"
    revoked = "revoked"


class StoreRole(StrEnum):
    owner = "owner"
    viewer = "viewer"


class Store(UUIDPrimaryKey, Timestamps, Base):
    """One selling partner in one region: Amazon authorizes, and issues tokens, per region."""

    __tablename__ = "stores"
    __table_args__ = (UniqueConstraint("selling_partner_id", "region"),)

    selling_partner_id: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(32), default=StoreStatus.connected)
    marketplace_ids: Mapped[list[str]] = mapped_column(ARRAY(String(32)), default=list)
    authorized_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoke_cause: Mapped[str | None] = mapped_column(String(64))
    # The last periodic authorization health check (one LWA refresh; jobs.py).
    auth_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When a revoked store's synced data was deleted (retention window or the owner).
    data_deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class StoreRenewalWarning(Base):
    """A renewal warning mailed for one grant: `days_before` 30, 7 or 1, sent once per grant."""

    __tablename__ = "store_renewal_warnings"

    store_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True
    )
    grant_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    days_before: Mapped[int] = mapped_column(Integer, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recipients: Mapped[int] = mapped_column(Integer, default=0)


class StoreMembership(Base):
    __tablename__ = "store_memberships"

    store_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StoreCredential(Timestamps, Base):
    """The store's LWA refresh token, envelope-encrypted (see crypto/envelope.py)."""

    __tablename__ = "store_credentials"

    store_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True
    )
    key_id: Mapped[str] = mapped_column(String(64))
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class OAuthState(UUIDPrimaryKey, Base):
    """A pending authorization: random state (only its hash stored), single-use, 10 minutes."""

    __tablename__ = "oauth_states"

    state_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    region: Mapped[str] = mapped_column(String(8))
    flow: Mapped[str] = mapped_column(String(16), default="website")
    # Appstore flow: the seller Amazon named when it opened our login URI; the callback must match.
    selling_partner_id: Mapped[str | None] = mapped_column(String(64))
    redirect_uri: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
