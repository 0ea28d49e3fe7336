"""The report ledger: request, reuse, cool down, poll, download, parse and keep reports.

Rules (README "Reports"):
- **Reuse**: a DONE report of the same type and marketplaces whose data window covers the one
  asked for, requested less than MINTHUB_REPORT_REUSE_MINUTES ago, is used instead of a new one;
  a pending one (REQUESTED/IN_QUEUE/IN_PROGRESS) of the same type, marketplaces and window is
  joined rather than duplicated.
- **Cool-down**: after a FATAL or CANCELLED report of a type, that type is not requested again
  for MINTHUB_REPORT_COOLDOWN_MINUTES (`ReportCoolingDown`; the sync falls back to paging).
  CANCELLED means "no data": it ends with zero rows, not as an error.
- **Resume**: the ledger keeps Amazon's reportId; `advance` moves a report one step
  (createReport, or one getReport, then the download), so any process can carry on polling a
  report another one started: the `minthub:poll_report` job re-defers itself until the report
  ends, and the periodic scheduler re-queues reports whose poll is overdue (orphans).
- The document is kept as Amazon sent it (gunzipped bytes, then gzip-compressed here, with its
  Content-Type), decoded strictly (`ReportCharsetError`, never U+FFFD), parsed to canonical rows
  (buyer columns dropped by the parser) and stored in `report_rows`. A FATAL report's error
  document is kept for the operator.
"""

from __future__ import annotations

import asyncio
import gzip
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import structlog
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from minthub_api.amazon.client import StoreApi
from minthub_api.amazon.errors import ReportDocumentError
from minthub_api.amazon.reports import (
    create_report,
    download_report_document,
    get_report,
    get_report_document,
)
from minthub_api.core.errors import AppError
from minthub_api.core.settings import Settings
from minthub_api.reports.charset import decode_report
from minthub_api.reports.flatfile import FlatFileError, Value, parse_report
from minthub_api.reports.headers import INVENTORY, LISTINGS, ORDERS, RESTOCK
from minthub_api.reports.models import FAILED, PENDING, LedgerStatus, ReportRequest, ReportRow
from minthub_api.reports.values import Money

log = structlog.get_logger("minthub.reports")

SUPPORTED_TYPES: tuple[str, ...] = (INVENTORY, ORDERS, LISTINGS, RESTOCK)
ROW_BATCH = 1000


class UnsupportedReportType(AppError):
    status_code = 422
    code = "unsupported_report_type"
    title = "This report type is not supported"


class ReportCoolingDown(AppError):
    status_code = 409
    code = "report_cooling_down"
    title = "This report type is resting after a failed or empty report"

    def __init__(self, detail: str, *, until: datetime, now: datetime) -> None:
        seconds = max(1, int((until - now).total_seconds()))
        super().__init__(detail, headers={"Retry-After": str(seconds)})
        self.until = until


class ReportNotFound(AppError):
    status_code = 404
    code = "report_not_found"
    title = "Report not found"


class ReportNotReady(AppError):
    status_code = 409
    code = "report_not_ready"
    title = "The report has no document (yet)"


def to_json(value: Value) -> Any:
    """A parsed value as JSON: Money {amount, currency}, Decimal as its exact string, ISO dates."""
    if isinstance(value, Money):
        return {"amount": format(value.amount, "f"), "currency": value.currency}
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):  # datetime included
        return value.isoformat()
    return value


def _same_markets(a: Sequence[str], b: Sequence[str]) -> bool:
    return sorted(a) == sorted(b)


class ReportLedger:
    """Store-scoped access to the ledger (every statement filters on `store_id`)."""

    def __init__(self, session: AsyncSession, store_id: uuid.UUID) -> None:
        self.session = session
        self.store_id = store_id

    def _select(self, report_type: str | None = None) -> Any:
        stmt = select(ReportRequest).where(ReportRequest.store_id == self.store_id)
        if report_type is not None:
            stmt = stmt.where(ReportRequest.report_type == report_type)
        return stmt

    async def get(
        self, report_id: uuid.UUID, *, for_update: bool = False, documents: bool = False
    ) -> ReportRequest | None:
        stmt = self._select().where(ReportRequest.id == report_id)
        if documents:
            stmt = stmt.options(
                undefer(ReportRequest.document), undefer(ReportRequest.error_document)
            )
        if for_update:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        found: ReportRequest | None = (await self.session.execute(stmt)).scalar_one_or_none()
        return found

    async def recent(self, report_type: str, since: datetime) -> Sequence[ReportRequest]:
        stmt = (
            self._select(report_type)
            .where(ReportRequest.requested_at >= since)
            .order_by(ReportRequest.requested_at.desc())
        )
        rows: Sequence[ReportRequest] = (await self.session.execute(stmt)).scalars().all()
        return rows

    async def last_failure(
        self, report_type: str, since: datetime, marketplace_ids: Sequence[str] | None = None
    ) -> ReportRequest | None:
        """The newest FATAL/CANCELLED report of this type since `since` (of exactly these
        marketplaces when given)."""
        stmt = (
            self._select(report_type)
            .where(
                ReportRequest.processing_status.in_([str(s) for s in FAILED]),
                ReportRequest.done_at >= since,
            )
            .order_by(ReportRequest.done_at.desc())
        )
        for row in (await self.session.execute(stmt)).scalars():
            if marketplace_ids is None or _same_markets(row.marketplace_ids, marketplace_ids):
                found: ReportRequest = row
                return found
        return None

    async def average_polls(self, report_type: str, default: float = 3.0) -> float:
        """getReport calls per DONE report of this type (last 10), for the cost estimate."""
        sub = (
            self._select(report_type)
            .where(ReportRequest.processing_status == LedgerStatus.DONE, ReportRequest.polls > 0)
            .order_by(ReportRequest.requested_at.desc())
            .limit(10)
            .subquery()
        )
        value = (await self.session.execute(select(func.avg(sub.c.polls)))).scalar_one()
        return float(value) if value is not None else default

    async def page(
        self, *, offset: int, limit: int | None, report_type: str | None = None
    ) -> Sequence[ReportRequest]:
        stmt = self._select(report_type).order_by(
            ReportRequest.requested_at.desc(), ReportRequest.id
        )
        stmt = stmt.offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        rows: Sequence[ReportRequest] = (await self.session.execute(stmt)).scalars().all()
        return rows

    async def rows(
        self, report_id: uuid.UUID, *, after_line: int = 0, limit: int | None = None
    ) -> Sequence[ReportRow]:
        stmt = (
            select(ReportRow)
            .where(
                ReportRow.store_id == self.store_id,
                ReportRow.report_request_id == report_id,
                ReportRow.line > after_line,
            )
            .order_by(ReportRow.line)
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        return (await self.session.execute(stmt)).scalars().all()

    async def replace_rows(self, report_id: uuid.UUID, rows: Sequence[dict[str, Any]]) -> None:
        await self.session.execute(
            delete(ReportRow).where(
                ReportRow.store_id == self.store_id, ReportRow.report_request_id == report_id
            )
        )
        for start in range(0, len(rows), ROW_BATCH):
            batch = rows[start : start + ROW_BATCH]
            self.session.add_all(
                ReportRow(
                    store_id=self.store_id,
                    report_request_id=report_id,
                    line=start + i + 1,
                    data=data,
                )
                for i, data in enumerate(batch)
            )
            await self.session.flush()


async def open_request(
    session: AsyncSession,
    store_id: uuid.UUID,
    *,
    report_type: str,
    marketplace_ids: Sequence[str],
    data_start: datetime | None,
    data_end: datetime | None,
    settings: Settings,
    now: datetime,
    purpose: str = "manual",
    reuse_minutes: int | None = None,
) -> tuple[ReportRequest, bool]:
    """A ledger row for this report: a reusable DONE one, a pending one of the same window, or a
    new REQUESTED one (no request sent yet). Returns (row, reused).

    `reuse_minutes` replaces MINTHUB_REPORT_REUSE_MINUTES (the restock sync reuses a DONE report
    for its own freshness window). Restock reports are per marketplace, so their cool-down is
    too: an MFN-only marketplace's CANCELLED report does not rest the others.
    Raises `UnsupportedReportType`, `ReportCoolingDown`."""
    if report_type not in SUPPORTED_TYPES:
        raise UnsupportedReportType(f"Supported report types: {', '.join(SUPPORTED_TYPES)}")
    ledger = ReportLedger(session, store_id)
    reuse = settings.report_reuse_minutes if reuse_minutes is None else reuse_minutes
    horizon = now - timedelta(minutes=max(reuse, 0))
    for row in await ledger.recent(report_type, min(horizon, now - timedelta(days=1))):
        if not _same_markets(row.marketplace_ids, marketplace_ids):
            continue
        if (
            row.processing_status == LedgerStatus.DONE
            and row.requested_at >= horizon
            and reuse > 0
            and _covers(row, data_start, data_end)
        ):
            return row, True
        if (
            row.processing_status in PENDING
            and row.data_start == data_start
            and row.data_end == data_end
        ):
            return row, True
    cooldown = timedelta(minutes=settings.report_cooldown_minutes)
    scope = marketplace_ids if report_type == RESTOCK else None
    failed = await ledger.last_failure(report_type, now - cooldown, scope) if cooldown else None
    if failed is not None and failed.done_at is not None:
        until = failed.done_at + cooldown
        raise ReportCoolingDown(
            f"{report_type} is cooling down: it ended {failed.processing_status}"
            f" at {failed.done_at.isoformat()};"
            f" it can be requested again from {until.isoformat()}",
            until=until,
            now=now,
        )
    row = ReportRequest(
        id=uuid.uuid4(),
        store_id=store_id,
        report_type=report_type,
        marketplace_ids=list(marketplace_ids),
        data_start=data_start,
        data_end=data_end,
        purpose=purpose,
        processing_status=LedgerStatus.REQUESTED,
        requested_at=now,
        next_poll_at=now,
        polls=0,
        requests=0,
    )
    session.add(row)
    await session.flush()
    return row, False


def _covers(row: ReportRequest, start: datetime | None, end: datetime | None) -> bool:
    """Does the report's data window include [start, end]? (None: from the beginning / now.)"""
    if row.data_start is not None and (start is None or row.data_start > start):
        return False
    return not (row.data_end is not None and (end is None or row.data_end < end))


async def advance(
    session: AsyncSession,
    api: StoreApi,
    row: ReportRequest,
    *,
    settings: Settings,
    now: datetime,
) -> ReportRequest:
    """One step: createReport when not sent yet, else one getReport, and on a terminal status the
    download (DONE: document + rows; FATAL: the error document; CANCELLED: zero rows).

    Commits after each step so a crash loses at most this step. Amazon errors propagate (the
    caller decides: a job retries, a sync falls back)."""
    status = LedgerStatus(row.processing_status)
    if not status.pending:
        return row
    poll_every = timedelta(seconds=settings.report_poll_seconds)
    if status == LedgerStatus.REQUESTED:
        row.requests += 1
        row.amazon_report_id = await create_report(
            api,
            report_type=row.report_type,
            marketplace_ids=row.marketplace_ids,
            data_start_time=row.data_start,
            data_end_time=row.data_end,
        )
        row.processing_status = LedgerStatus.IN_QUEUE
        row.next_poll_at = now + poll_every
        await session.commit()
        return row
    assert row.amazon_report_id is not None
    row.requests += 1
    row.polls += 1
    report = await get_report(api, row.amazon_report_id)
    row.processing_status = LedgerStatus(report.processing_status.value)
    row.report_document_id = report.report_document_id
    if row.processing_status in PENDING:
        row.next_poll_at = now + poll_every
        await session.commit()
        return row
    row.next_poll_at = None
    row.done_at = now
    if row.processing_status == LedgerStatus.CANCELLED:
        row.row_count = 0
        row.error = "CANCELLED: Amazon had no data for this report (or it was cancelled)."
    elif row.processing_status == LedgerStatus.FATAL:
        row.error = "FATAL: Amazon could not produce the report."
        if report.report_document_id:
            await _keep_error_document(api, row, report.report_document_id)
    else:
        await _keep_document(session, api, row)
    await session.commit()
    log.info(
        "report.finished",
        store_id=str(row.store_id),
        report_type=row.report_type,
        status=row.processing_status,
        rows=row.row_count,
        requests=row.requests,
    )
    return row


async def _keep_error_document(api: StoreApi, row: ReportRequest, document_id: str) -> None:
    try:
        row.requests += 1
        link = await get_report_document(api, document_id)
        raw = await download_report_document(api, link)
    except ReportDocumentError as exc:
        row.error = f"{row.error} The error document could not be downloaded: {exc}"
        return
    row.error_content_type = raw.content_type[:100]
    row.error_document = gzip.compress(raw.data, mtime=0)
    text = raw.data[:2000].decode("utf-8", errors="replace")  # operator's note, not data
    row.error = f"FATAL: {text.strip()}"


async def _keep_document(session: AsyncSession, api: StoreApi, row: ReportRequest) -> None:
    assert row.report_document_id is not None
    try:
        row.requests += 1
        link = await get_report_document(api, row.report_document_id)
        raw = await download_report_document(api, link)
    except ReportDocumentError as exc:
        row.processing_status = LedgerStatus.FATAL
        row.error = f"download failed: {exc}"
        return
    row.content_type = raw.content_type[:100]
    row.document_size = len(raw.data)
    row.document = gzip.compress(raw.data, mtime=0)
    marketplace = row.marketplace_ids[0]
    try:
        text = decode_report(raw.data, charset=raw.charset, marketplace_id=marketplace)
        parsed = parse_report(text, report_type=row.report_type, marketplace_id=marketplace)
    except (ReportDocumentError, FlatFileError) as exc:
        # The original stays for the operator; the report is unusable as data.
        row.processing_status = LedgerStatus.FATAL
        row.error = f"the document could not be read: {exc}"
        return
    row.language = parsed.language
    row.columns = dict(parsed.columns)
    rows = [{k: to_json(v) for k, v in r.items()} for r in parsed.rows]
    await ReportLedger(session, row.store_id).replace_rows(row.id, rows)
    row.row_count = len(rows)


Sleep = Callable[[float], Awaitable[None]]


async def run_to_end(
    session: AsyncSession,
    api: StoreApi,
    row: ReportRequest,
    *,
    settings: Settings,
    clock: Callable[[], datetime],
    sleep: Sleep = asyncio.sleep,
    on_step: Callable[[ReportRequest], Awaitable[None]] | None = None,
) -> ReportRequest:
    """Advance until the report ends (the sync's inline path). TimeoutError after
    MINTHUB_REPORT_MAX_WAIT_MINUTES; the row stays pending and resumable."""
    deadline = clock() + timedelta(minutes=settings.report_max_wait_minutes)
    while LedgerStatus(row.processing_status).pending:
        now = clock()
        if row.next_poll_at is not None and row.next_poll_at > now:
            if now >= deadline:
                raise TimeoutError(f"report {row.amazon_report_id} still {row.processing_status}")
            await sleep((row.next_poll_at - now).total_seconds())
        # Re-read under a row lock: a worker may be polling the same report (resume path).
        locked = await ReportLedger(session, row.store_id).get(row.id, for_update=True)
        row = await advance(session, api, locked or row, settings=settings, now=clock())
        if on_step is not None:
            await on_step(row)
    return row


def document_bytes(row: ReportRequest, *, error: bool = False) -> bytes | None:
    blob = row.error_document if error else row.document
    return gzip.decompress(blob) if blob is not None else None
