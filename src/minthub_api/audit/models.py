from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    FetchedValue,
    Identity,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from minthub_api.core.db import Base, utcnow


class AuditEvent(Base):
    """Who did what to which store, when and why. Written in the transaction of the work.

    Append-only and hash-chained per store (`store_id`; store-less events form one more chain):
    the BEFORE INSERT trigger `audit_events_chain` (migration i7_0001) sets `seq`, `prev_hash`
    and `hash`, ignoring whatever the application sends; see `audit/chain.py`.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_store_time", "store_id", "occurred_at", "id"),
        Index("ix_audit_events_time", "occurred_at", "id"),
        UniqueConstraint("store_id", "seq", name="uq_audit_events_store_id_seq"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_type: Mapped[str] = mapped_column(String(16))  # user | system | api_token
    actor_id: Mapped[uuid.UUID | None] = mapped_column()
    store_id: Mapped[uuid.UUID | None] = mapped_column()  # no FK: history outlives the store
    action: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(32))
    operation: Mapped[str | None] = mapped_column(String(64))  # Amazon's operation name
    amazon_request_id: Mapped[str | None] = mapped_column(String(128))
    status_code: Mapped[int | None] = mapped_column(Integer)
    request_id: Mapped[str | None] = mapped_column(String(64))  # our X-Request-ID
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    # Set by the database trigger; position in the store's chain, starting at 1.
    seq: Mapped[int] = mapped_column(BigInteger, server_default=FetchedValue())
    prev_hash: Mapped[bytes] = mapped_column(LargeBinary(32), server_default=FetchedValue())
    hash: Mapped[bytes] = mapped_column(LargeBinary(32), server_default=FetchedValue())


class AuditCheckpoint(Base):
    """A signed statement "the chain of `store_id` reached `hash` at `seq`".

    Written by the retention job before it deletes events up to `seq`, so `audit verify` can
    still check the remaining chain: the first kept event's `prev_hash` must equal `hash`, and
    `signature` (HMAC-SHA256 under a key derived from the KEK `key_id`) proves the checkpoint
    was written by this installation, not by someone who edited the database.
    """

    __tablename__ = "audit_checkpoints"
    __table_args__ = (
        UniqueConstraint("store_id", "seq", name="uq_audit_checkpoints_store_id_seq"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    store_id: Mapped[uuid.UUID | None] = mapped_column()
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    last_occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[bytes] = mapped_column(LargeBinary(32))
