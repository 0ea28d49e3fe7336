"""Reports of a store through the API: list, request, status, parsed rows, original document.

Requests go through the ledger (reuse, cool-down: `ledger.py`) and are polled on the job queue
(`minthub:poll_report`); reads are audited like every store data view (`store_data_read`,
reason `export` for CSV and document downloads).
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.core.csv_export import CSV_MEDIA_TYPE
from minthub_api.core.errors import AppError, StoreRevoked
from minthub_api.core.pagination import decode_cursor, encode_cursor
from minthub_api.core.settings import Settings
from minthub_api.reports.ledger import (
    ReportLedger,
    ReportNotFound,
    ReportNotReady,
    document_bytes,
    open_request,
)
from minthub_api.reports.models import LedgerStatus, ReportRequest
from minthub_api.reports.schemas import (
    ReportCreate,
    ReportItem,
    ReportPage,
    ReportRowItem,
    ReportRowsPage,
)
from minthub_api.stores.dependencies import StoreContext
from minthub_api.stores.models import StoreStatus
from minthub_api.sync.queue import SyncQueue


class MarketplaceNotInStore(AppError):
    status_code = 422
    code = "marketplace_not_in_store"
    title = "The store does not sell in this marketplace"


class InvalidWindow(AppError):
    status_code = 422
    code = "invalid_window"
    title = "data_start must be before data_end, and neither in the future"


def _audit(
    ctx: StoreContext, session: AsyncSession, endpoint: str, rows: int, export: bool
) -> None:
    audit.record(
        session,
        ctx.actor,
        AuditAction.store_data_read,
        reason=AuditReason.export if export else AuditReason.user_view,
        store_id=ctx.store.id,
        details={"endpoint": endpoint, "rows": rows, "source": "report_ledger"},
    )


def to_item(row: ReportRequest, *, reused: bool = False) -> ReportItem:
    item = ReportItem.model_validate(row)
    item.reused = reused
    return item


async def list_reports(
    session: AsyncSession,
    ctx: StoreContext,
    *,
    report_type: str | None,
    limit: int,
    cursor: str | None,
    export: bool,
) -> ReportPage:
    scope = f"reports:{ctx.store.id}:{report_type}"
    offset = int(decode_cursor(cursor, scope).get("o", 0)) if cursor else 0
    ledger = ReportLedger(session, ctx.store.id)
    rows = list(
        await ledger.page(
            offset=0 if export else offset,
            limit=None if export else limit + 1,
            report_type=report_type,
        )
    )
    more = not export and len(rows) > limit
    rows = rows[:limit] if more else rows
    _audit(ctx, session, "reports", len(rows), export)
    return ReportPage(
        items=[to_item(r) for r in rows],
        next_cursor=encode_cursor(scope, {"o": offset + limit}) if more else None,
    )


async def request_report(
    session: AsyncSession,
    ctx: StoreContext,
    body: ReportCreate,
    *,
    settings: Settings,
    queue: SyncQueue,
    now: datetime,
) -> ReportItem:
    """A ledger row for the report (reused or new) and a queued poll. Raises
    UnsupportedReportType, ReportCoolingDown, MarketplaceNotInStore, InvalidWindow,
    StoreRevoked."""
    store = ctx.store
    if store.status != StoreStatus.connected:
        raise StoreRevoked()
    marketplaces = body.marketplace_ids or list(store.marketplace_ids)
    foreign = [m for m in marketplaces if m not in store.marketplace_ids]
    if foreign:
        raise MarketplaceNotInStore(
            f"Choose among the store's marketplaces: {', '.join(store.marketplace_ids)}"
        )
    start, end = body.data_start, body.data_end
    if (start and start > now) or (end and end > now) or (start and end and start >= end):
        raise InvalidWindow()
    row, reused = await open_request(
        session,
        store.id,
        report_type=body.report_type,
        marketplace_ids=sorted(set(marketplaces)),
        data_start=start,
        data_end=end,
        settings=settings,
        now=now,
    )
    audit.record(
        session,
        ctx.actor,
        AuditAction.report_requested,
        reason=AuditReason.manual_refresh,
        store_id=store.id,
        details={"report_type": row.report_type, "report_id": str(row.id), "reused": reused},
    )
    await session.flush()
    if LedgerStatus(row.processing_status).pending:
        await queue.enqueue_report_poll(store.id, row.id)
    return to_item(row, reused=reused)


async def get_report(session: AsyncSession, ctx: StoreContext, report_id: uuid.UUID) -> ReportItem:
    row = await ReportLedger(session, ctx.store.id).get(report_id)
    if row is None:
        raise ReportNotFound()
    _audit(ctx, session, "report", 1, False)
    return to_item(row)


async def report_rows(
    session: AsyncSession,
    ctx: StoreContext,
    report_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None,
    export: bool,
) -> ReportRowsPage:
    ledger = ReportLedger(session, ctx.store.id)
    row = await ledger.get(report_id)
    if row is None:
        raise ReportNotFound()
    if row.processing_status not in (LedgerStatus.DONE, LedgerStatus.CANCELLED):
        raise ReportNotReady(f"The report is {row.processing_status}: no rows")
    scope = f"report-rows:{ctx.store.id}:{report_id}"
    after = int(decode_cursor(cursor, scope).get("l", 0)) if cursor else 0
    rows = list(
        await ledger.rows(
            report_id, after_line=0 if export else after, limit=None if export else limit + 1
        )
    )
    more = not export and len(rows) > limit
    rows = rows[:limit] if more else rows
    _audit(ctx, session, "report_rows", len(rows), export)
    return ReportRowsPage(
        items=[ReportRowItem(line=r.line, data=r.data) for r in rows],
        next_cursor=encode_cursor(scope, {"l": rows[-1].line}) if more else None,
        report=to_item(row),
        columns=dict(row.columns or {}),
    )


def rows_csv(page: ReportRowsPage, filename: str) -> tuple[str, str, dict[str, str]]:
    """CSV of parsed rows: `line`, then each canonical column; money as `col` (amount) and
    `col_currency`."""
    columns = list(page.columns)
    money = {c for item in page.items for c, v in item.data.items() if isinstance(v, dict)}
    header = ["line"]
    for c in columns:
        header.append(c)
        if c in money:
            header.append(f"{c}_currency")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for item in page.items:
        out: list[Any] = [item.line]
        for c in columns:
            value = item.data.get(c)
            if isinstance(value, dict):
                out.append(value.get("amount", ""))
            else:
                out.append(
                    ""
                    if value is None
                    else ("true" if value is True else "false" if value is False else value)
                )
            if c in money:
                out.append(value.get("currency", "") if isinstance(value, dict) else "")
        writer.writerow(out)
    return (
        "\ufeff" + buffer.getvalue(),
        CSV_MEDIA_TYPE,
        {"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def report_document(
    session: AsyncSession, ctx: StoreContext, report_id: uuid.UUID, *, error: bool
) -> tuple[bytes, str, str]:
    """(bytes as Amazon sent them, their Content-Type, a file name)."""
    ledger = ReportLedger(session, ctx.store.id)
    row = await ledger.get(report_id, documents=True)
    if row is None:
        raise ReportNotFound()
    data = document_bytes(row, error=error)
    if data is None:
        raise ReportNotReady(
            "This report has no error document"
            if error
            else f"The report is {row.processing_status}: no document"
        )
    _audit(ctx, session, "report_error_document" if error else "report_document", 1, True)
    content_type = (row.error_content_type if error else row.content_type) or "text/plain"
    suffix = "error.json" if error else "txt"
    return data, content_type, f"{row.report_type}-{row.amazon_report_id or row.id}.{suffix}"
