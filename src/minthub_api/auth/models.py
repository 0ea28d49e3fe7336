from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    LargeBinary,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from minthub_api.core.db import Base, Timestamps, UUIDPrimaryKey, utcnow


class User(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "users"

    # Stored normalised (trimmed, lower-case); uniqueness is on this column.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the account got beta access (may connect stores while MINTHUB_BETA_GATE is on).
    beta_access_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When TOTP enrolment was confirmed; None: no second factor yet.
    mfa_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UserSession(UUIDPrimaryKey, Base):
    """Server-side session: the cookie carries a random token, the table only its SHA-256."""

    __tablename__ = "user_sessions"

    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set once the second factor was checked in this session (or at enrolment).
    mfa_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # SHA-256 of the CSRF token sent in the readable `minthub_csrf` cookie.
    csrf_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))


class UserTotp(Base):
    """The user's TOTP secret (RFC 6238), envelope-encrypted like refresh tokens."""

    __tablename__ = "user_totp"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    key_id: Mapped[str] = mapped_column(String(64))
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The last accepted time step: a code is accepted once (no replay within its window).
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)


class RecoveryCode(UUIDPrimaryKey, Base):
    """One-time recovery codes, shown once at enrolment; only their SHA-256 is stored."""

    __tablename__ = "user_recovery_codes"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ThrottleEvent(Base):
    """A counted event (failed sign-in, beta request, ...) for throttling; keys are hashed."""

    __tablename__ = "throttle_events"
    __table_args__ = (Index("ix_throttle_events_lookup", "scope", "key_hash", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    scope: Mapped[str] = mapped_column(String(32))
    key_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
