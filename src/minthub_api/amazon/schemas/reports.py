"""Reports 2021-06-30 payloads (`reports_2021-06-30.json`)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from minthub_api.amazon.schemas.base import SpApiModel


class ProcessingStatus(StrEnum):
    IN_QUEUE = "IN_QUEUE"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    CANCELLED = "CANCELLED"  # by request, or automatically when there was no data (§9.6)
    FATAL = "FATAL"  # a reportDocumentId may point at a document explaining the failure

    @property
    def terminal(self) -> bool:
        return self in (ProcessingStatus.DONE, ProcessingStatus.CANCELLED, ProcessingStatus.FATAL)


class Report(SpApiModel):
    report_id: str
    report_type: str
    marketplace_ids: list[str] = Field(default_factory=list)
    data_start_time: datetime | None = None
    data_end_time: datetime | None = None
    report_schedule_id: str | None = None
    created_time: datetime
    processing_status: ProcessingStatus
    processing_start_time: datetime | None = None
    processing_end_time: datetime | None = None
    report_document_id: str | None = None


class CreateReportResponse(SpApiModel):
    report_id: str


class GetReportsResponse(SpApiModel):
    reports: list[Report] = Field(default_factory=list)
    next_token: str | None = None


class ReportDocument(SpApiModel):
    report_document_id: str
    url: str
    compression_algorithm: str | None = None
