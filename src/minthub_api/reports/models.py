"""The report ledger: every report we asked Amazon for, its document and its parsed rows.

One `ReportRequest` per report: what was asked (type, marketplaces, data window), Amazon's
`reportId` and `processingStatus`, the document as Amazon sent it (gunzipped, then gzip-compressed
by us, with its Content-Type), the error document of a FATAL report, and the parsed row count.
`ReportRow` holds the canonical rows (jsonb), in file order. Both carry `store_id` (RLS).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, deferred, mapped_column

from minthub_api.core.db import Base, utcnow


class LedgerStatus(StrEnum):
    """Amazon's processingStatus, plus ours before createReport answered."""

    REQUESTED = "REQUESTED"  # in the ledger, createReport not sent (or not answered) yet
    IN_QUEUE = "IN_QUEUE"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    CANCELLED = "CANCELLED"  # no data (or cancelled): handled as an empty report
    FATAL = "FATAL"

    @property
    def pending(self) -> bool:
        return self in PENDING


PENDING = (LedgerStatus.REQUESTED, LedgerStatus.IN_QUEUE, LedgerStatus.IN_PROGRESS)
FAILED = (LedgerStatus.CANCELLED, LedgerStatus.FATAL)


class ReportRequest(Base):
    __tablename__ = "report_requests"
    __table_args__ = (
        Index("ix_report_requests_store_type", "store_id", "report_type", "requested_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    report_type: Mapped[str] = mapped_column(String(100))
    marketplace_ids: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    data_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    data_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    purpose: Mapped[str] = mapped_column(String(16), default="manual")  # manual | sync
    amazon_report_id: Mapped[str | None] = mapped_column(String(64))
    processing_status: Mapped[str] = mapped_column(String(16), default=LedgerStatus.REQUESTED)
    report_document_id: Mapped[str | None] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    next_poll_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    polls: Mapped[int] = mapped_column(Integer, default=0)  # getReport calls
    requests: Mapped[int] = mapped_column(Integer, default=0)  # every SP-API call for it
    error: Mapped[str | None] = mapped_column(Text)
    row_count: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(8))
    content_type: Mapped[str | None] = mapped_column(String(100))
    document_size: Mapped[int | None] = mapped_column(Integer)
    document: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))  # gzip of the bytes
    error_content_type: Mapped[str | None] = mapped_column(String(100))
    error_document: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))  # gzip
    columns: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # canonical → as written


class ReportRow(Base):
    __tablename__ = "report_rows"
    __table_args__ = (UniqueConstraint("report_request_id", "line"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    report_request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("report_requests.id", ondelete="CASCADE")
    )
    line: Mapped[int] = mapped_column(Integer)  # 1 = the first data row
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)
