from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Identity, Index, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from minthub_api.core.db import Base, utcnow


class AuditEvent(Base):
    """Who did what to which store, when and why. Written in the transaction of the work."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_store_time", "store_id", "occurred_at", "id"),
        Index("ix_audit_events_time", "occurred_at", "id"),
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
