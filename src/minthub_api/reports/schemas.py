from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from minthub_api.core.pagination import Page


class ReportItem(BaseModel):
    """One report of the ledger: what was asked, Amazon's answer, and what we kept."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    report_type: str
    marketplace_ids: list[str]
    data_start: datetime | None
    data_end: datetime | None
    purpose: str = Field(description="manual (requested through the API) or sync")
    amazon_report_id: str | None
    processing_status: str = Field(
        description="REQUESTED (not sent yet), IN_QUEUE, IN_PROGRESS, DONE, CANCELLED (no data), "
        "FATAL"
    )
    report_document_id: str | None
    requested_at: datetime
    done_at: datetime | None
    next_poll_at: datetime | None
    polls: int
    requests: int
    row_count: int | None
    error: str | None
    language: str | None = Field(description="Language of the document's headers")
    content_type: str | None = Field(description="Content-Type of the document as Amazon sent it")
    document_size: int | None
    error_content_type: str | None
    reused: bool = Field(
        default=False, description="POST only: an existing report answered the request"
    )


class ReportPage(Page[ReportItem]):
    pass


class ReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    report_type: str = Field(max_length=100)
    marketplace_ids: list[str] | None = Field(
        default=None, max_length=10, description="Default: all the store's marketplaces"
    )
    data_start: datetime | None = None
    data_end: datetime | None = None


class ReportRowItem(BaseModel):
    line: int
    data: dict[str, Any] = Field(
        description="Canonical columns; money as {amount, currency}, decimals as strings, "
        "times ISO 8601 UTC"
    )


class ReportRowsPage(Page[ReportRowItem]):
    report: ReportItem
    columns: dict[str, str] = Field(description="canonical column → header as written")
