from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.responses import Response

from minthub_api.core.csv_export import CSV_RESPONSE, OutputFormat, csv_response
from minthub_api.core.db import SessionDep
from minthub_api.core.errors import InvalidCursor, StoreNotFound, StoreRevoked, error_responses
from minthub_api.reports import service
from minthub_api.reports.ledger import (
    ReportCoolingDown,
    ReportNotFound,
    ReportNotReady,
    UnsupportedReportType,
)
from minthub_api.reports.schemas import ReportCreate, ReportItem, ReportPage, ReportRowsPage
from minthub_api.stores.dependencies import CurrentStore
from minthub_api.sync.dependencies import NowDep, QueueDep, SettingsDep

router = APIRouter(tags=["reports"])

CSV_COLUMNS = [c for c in ReportItem.model_fields if c != "reused"]
DOCUMENT_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/plain": {"schema": {"type": "string", "format": "binary"}}},
        "description": "The document as Amazon sent it (gunzipped), with its Content-Type",
    }
}


@router.get(
    "/reports",
    response_model=ReportPage,
    responses=CSV_RESPONSE | error_responses(StoreNotFound, InvalidCursor),
)
async def list_reports(
    store: CurrentStore,
    session: SessionDep,
    report_type: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=4096)] = None,
    format: Annotated[OutputFormat, Query()] = OutputFormat.json,
) -> ReportPage | Response:
    """The store's report ledger, newest first (manual requests and the sync's reports)."""
    page = await service.list_reports(
        session,
        store,
        report_type=report_type,
        limit=limit,
        cursor=cursor,
        export=format == OutputFormat.csv,
    )
    if format == OutputFormat.csv:
        return csv_response(page.items, CSV_COLUMNS, "reports.csv")
    return page


@router.post(
    "/reports",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ReportItem,
    responses=error_responses(
        StoreNotFound,
        StoreRevoked,
        UnsupportedReportType,
        ReportCoolingDown,
        service.MarketplaceNotInStore,
        service.InvalidWindow,
    ),
)
async def request_report(
    store: CurrentStore,
    session: SessionDep,
    queue: QueueDep,
    settings: SettingsDep,
    now: NowDep,
    body: ReportCreate,
) -> ReportItem:
    """Request a report of a supported type; a recent DONE report of the same type and window
    (or a pending one) answers instead (`reused: true`). Polled on the job queue: follow it
    with `GET .../reports/{report_id}`. 409 `report_cooling_down` (Retry-After) after a FATAL
    or CANCELLED report of the type."""
    return await service.request_report(
        session, store, body, settings=settings, queue=queue, now=now
    )


@router.get(
    "/reports/{report_id}",
    response_model=ReportItem,
    responses=error_responses(StoreNotFound, ReportNotFound),
)
async def get_report(store: CurrentStore, session: SessionDep, report_id: uuid.UUID) -> ReportItem:
    """One report's status: Amazon's processingStatus, times, requests used, rows, error."""
    return await service.get_report(session, store, report_id)


@router.get(
    "/reports/{report_id}/rows",
    response_model=ReportRowsPage,
    responses=CSV_RESPONSE
    | error_responses(StoreNotFound, ReportNotFound, ReportNotReady, InvalidCursor),
)
async def get_report_rows(
    store: CurrentStore,
    session: SessionDep,
    report_id: uuid.UUID,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    cursor: Annotated[str | None, Query(max_length=4096)] = None,
    format: Annotated[OutputFormat, Query()] = OutputFormat.json,
) -> ReportRowsPage | Response:
    """The report's rows in canonical columns (localized headers, numbers and dates
    normalised; buyer columns dropped). `?format=csv` exports them all."""
    export = format == OutputFormat.csv
    page = await service.report_rows(
        session, store, report_id, limit=limit, cursor=cursor, export=export
    )
    if export:
        content, media_type, headers = service.rows_csv(page, f"report-{report_id}.csv")
        return Response(content=content, media_type=media_type, headers=headers)
    return page


@router.get(
    "/reports/{report_id}/document",
    response_class=Response,
    responses=DOCUMENT_RESPONSE | error_responses(StoreNotFound, ReportNotFound, ReportNotReady),
)
async def get_report_document(
    store: CurrentStore,
    session: SessionDep,
    report_id: uuid.UUID,
    error: Annotated[
        bool, Query(description="The error document of a FATAL report instead")
    ] = False,
) -> Response:
    """The original file as Amazon sent it (gunzipped), with its Content-Type and charset."""
    data, content_type, filename = await service.report_document(
        session, store, report_id, error=error
    )
    return Response(
        content=data,
        media_type=None,
        headers={
            "Content-Type": content_type,
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )
