"""Reports 2021-06-30 (``reports_2021-06-30.json``) and the pre-signed document downloads.

Reproduced (SPAPI-NOTES §5.6, §7, §9.3-§9.6): createReport answers 202 ``{reportId}``; a report
is ``IN_QUEUE`` for ``QUEUE_SECONDS``, ``IN_PROGRESS`` for ``PROCESS_SECONDS`` (both divided by
``time_scale``), then ``DONE``, ``CANCELLED`` when there is no data, or ``FATAL`` (unsupported
report type, or the ``fatal_report`` fault; its reportDocumentId is a JSON error document).
cancelReport works only while IN_QUEUE.
getReports: ``reportTypes`` or ``nextToken`` required, and ``nextToken`` must come alone.
getReportDocument returns a gzip document URL valid 5 minutes (simulator clock); the download
(``/_sim/documents/...``, no auth, like S3) answers 403 ``AccessDenied`` XML once expired, and
``text/plain; charset=...`` with the charset of ``reports_data.charset_for``.
Documents are in ``reportOptions.preferredReportDocumentLocale`` when sent, else in the seller's
Seller Central language (``/_sim/sellers/{spid}/language``; English by default).
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from .catalogue import MARKETPLACES_BY_ID
from .errors import SpApiError, invalid_input, unauthorized
from .params import Param, parse_datetime, parse_query
from .reports_data import (
    RESTRICTED,
    SUPPORTED,
    SimDocument,
    SimReport,
    build_rows,
    charset_for,
    is_supported_locale,
    localize,
    render_document,
)
from .spapi import begin, sim_state
from .state import SimState

router = APIRouter()

QUEUE_SECONDS = 20.0
PROCESS_SECONDS = 40.0
URL_TTL = 300.0
PAGE_TOKEN_TTL = 3600.0
RETENTION = timedelta(days=90)
DOCUMENT_PARAMS = (Param("enableContentEncodingUrlHeader", "boolean"),)
GET_REPORTS_PARAMS = (
    Param("reportTypes", "array", max_items=10),
    Param(
        "processingStatuses",
        "array",
        enum=("CANCELLED", "DONE", "FATAL", "IN_PROGRESS", "IN_QUEUE"),
    ),
    Param("marketplaceIds", "array", max_items=10),
    Param("pageSize", "integer"),
    Param("createdSince", date_time=True),
    Param("createdUntil", date_time=True),
    Param("nextToken"),
)


def _utc(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_of(state: SimState, report: SimReport) -> str:
    if report.cancelled_at is not None:
        return "CANCELLED"
    elapsed = (state.now() - report.created_at) * state.config.time_scale
    if elapsed < QUEUE_SECONDS:
        return "IN_QUEUE"
    if elapsed < QUEUE_SECONDS + PROCESS_SECONDS:
        return "IN_PROGRESS"
    return report.outcome


def _finish(state: SimState, report: SimReport) -> None:
    """Build the document the first time a finished DONE (or FATAL) report is looked at.

    A FATAL report points at an error document (JSON ``{"errorDetails": ...}``), as Amazon's
    do when they explain the failure."""
    if report.document_id is not None or report.outcome not in ("DONE", "FATAL"):
        return
    if report.outcome == "FATAL":
        doc_id = f"amzn1.spdoc.1.4.na.{uuid.uuid4()}"
        detail = (
            f"Report type {report.report_type} is not supported."
            if report.report_type not in SUPPORTED
            else "The report could not be generated because of an internal error."
        )
        body = json.dumps({"errorDetails": detail}).encode()
        state.documents[doc_id] = SimDocument(
            doc_id, report.selling_partner_id, "UTF-8", gzip.compress(body, mtime=0)
        )
        report.document_id = doc_id
        return
    marketplace_id = report.marketplace_ids[0]
    rows = localize(build_rows(state, report), report.report_type, report.locale, marketplace_id)
    charset = charset_for(report.report_type, marketplace_id, report.locale)
    doc_id = f"amzn1.spdoc.1.4.na.{uuid.uuid4()}"
    state.documents[doc_id] = SimDocument(
        doc_id,
        report.selling_partner_id,
        charset,
        render_document(rows, charset),
        rows=len(rows) - 1,
    )
    report.document_id = doc_id


def render_report(state: SimState, report: SimReport) -> dict[str, Any]:
    status = status_of(state, report)
    scale = state.config.time_scale
    body: dict[str, Any] = {
        "reportId": report.report_id,
        "reportType": report.report_type,
        "marketplaceIds": report.marketplace_ids,
        "createdTime": _utc(report.created_at),
        "processingStatus": status,
    }
    if report.data_start is not None:
        body["dataStartTime"] = report.data_start.strftime("%Y-%m-%dT%H:%M:%SZ")
    if report.data_end is not None:
        body["dataEndTime"] = report.data_end.strftime("%Y-%m-%dT%H:%M:%SZ")
    if status != "IN_QUEUE" and report.cancelled_at is None:
        body["processingStartTime"] = _utc(report.created_at + QUEUE_SECONDS / scale)
    if status in ("DONE", "FATAL", "CANCELLED"):
        end = report.cancelled_at or report.created_at + (QUEUE_SECONDS + PROCESS_SECONDS) / scale
        body["processingEndTime"] = _utc(end)
    if status in ("DONE", "FATAL"):
        _finish(state, report)
        body["reportDocumentId"] = report.document_id
    return body


def _own_report(state: SimState, seller: str, report_id: str) -> SimReport:
    report = state.reports.get(report_id)
    if report is None or report.selling_partner_id != seller:
        raise SpApiError(404, "NotFound", f"Report {report_id} not found.", "")
    return report


@router.post("/reports/2021-06-30/reports")
async def create_report(request: Request) -> JSONResponse:
    caller = await begin(request, "createReport")
    parse_query(request, ())
    try:
        body = await request.json()
    except ValueError:
        raise invalid_input("Request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise invalid_input("Request body must be a CreateReportSpecification object.")
    report_type, marketplaces = body.get("reportType"), body.get("marketplaceIds")
    unknown_keys = set(body) - {
        "reportType",
        "marketplaceIds",
        "dataStartTime",
        "dataEndTime",
        "reportOptions",
    }
    if unknown_keys:
        raise invalid_input(f"Unknown fields: {', '.join(sorted(unknown_keys))}.")
    if not isinstance(report_type, str) or not report_type:
        raise SpApiError(400, "400", "Invalid input", "reportType is required.")
    if (
        not isinstance(marketplaces, list)
        or not marketplaces
        or any(m not in MARKETPLACES_BY_ID for m in marketplaces)
    ):
        raise SpApiError(400, "400", "Invalid input", "marketplaceIds is invalid.")
    options = body.get("reportOptions", {})
    if not isinstance(options, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in options.items()
    ):
        raise invalid_input("reportOptions must be a map of strings to strings.")
    preferred = options.get("preferredReportDocumentLocale")
    if preferred is not None and not is_supported_locale(preferred):
        raise invalid_input(f"Unsupported preferredReportDocumentLocale {preferred}.")
    if report_type in RESTRICTED:
        raise unauthorized()
    state = caller.state
    now = state.now_dt()
    times: dict[str, datetime | None] = {}
    for name in ("dataStartTime", "dataEndTime"):
        raw = body.get(name)
        times[name] = parse_datetime(name, raw) if isinstance(raw, str) else None
        if times[name] is not None and times[name] > now:  # type: ignore[operator]
            raise SpApiError(400, "400", "Invalid input", f"{name} cannot be in the future.")
    outcome = "DONE" if report_type in SUPPORTED else "FATAL"
    if caller.fault is not None and caller.fault.kind == "fatal_report":
        outcome = "FATAL"
    report = SimReport(
        str(50_000 + len(state.reports)),
        caller.selling_partner_id,
        report_type,
        list(marketplaces),
        state.now(),
        times["dataStartTime"],
        times["dataEndTime"],
        outcome,
        locale=preferred or state.language(caller.selling_partner_id),
    )
    if outcome == "DONE" and len(build_rows(state, report)) == 1:
        report.outcome = "CANCELLED"  # Amazon cancels reports that have no data
    state.reports[report.report_id] = report
    return JSONResponse({"reportId": report.report_id}, status_code=202)


@router.get("/reports/2021-06-30/reports")
async def get_reports(request: Request) -> JSONResponse:
    caller = await begin(request, "getReports")
    state = caller.state
    q = parse_query(request, GET_REPORTS_PARAMS)
    if "nextToken" in q:
        if len(q) > 1:
            raise invalid_input("nextToken must be the only parameter on follow-up pages.")
        token = state.page_tokens.get(q["nextToken"])
        if (
            token is None
            or token.operation != "getReports"
            or token.selling_partner_id != caller.selling_partner_id
            or token.expires_at <= state.now()
        ):
            raise invalid_input("Invalid nextToken.")
        q, offset = dict(token.context), token.offset
    elif "reportTypes" not in q:
        raise invalid_input("Either reportTypes or nextToken is required.")
    else:
        offset = 0
    page_size = q.get("pageSize", 10)
    if not 1 <= page_size <= 100:
        raise invalid_input("pageSize must be between 1 and 100.")
    now = state.now_dt()
    since = q.get("createdSince", now - RETENTION)
    until = q.get("createdUntil", now)
    if isinstance(since, str):
        since, until = datetime.fromisoformat(since), datetime.fromisoformat(str(until))
    matches = []
    for report in sorted(state.reports.values(), key=lambda r: -r.created_at):
        created = datetime.fromtimestamp(report.created_at, now.tzinfo)
        if (
            report.selling_partner_id != caller.selling_partner_id
            or report.report_type not in q["reportTypes"]
            or not since <= created <= until
            or (
                "marketplaceIds" in q and not set(report.marketplace_ids) & set(q["marketplaceIds"])
            )
            or (
                "processingStatuses" in q
                and status_of(state, report) not in q["processingStatuses"]
            )
        ):
            continue
        matches.append(report)
    page = matches[offset : offset + page_size]
    body: dict[str, Any] = {"reports": [render_report(state, r) for r in page]}
    if offset + page_size < len(matches):
        context = {**q, "createdSince": since.isoformat(), "createdUntil": until.isoformat()}
        body["nextToken"] = state.issue_page_token(
            caller.selling_partner_id, "getReports", offset + page_size, PAGE_TOKEN_TTL, context
        )
    return JSONResponse(body)


@router.get("/reports/2021-06-30/reports/{report_id}")
async def get_report(request: Request, report_id: str) -> JSONResponse:
    caller = await begin(request, "getReport")
    parse_query(request, ())
    report = _own_report(caller.state, caller.selling_partner_id, report_id)
    return JSONResponse(render_report(caller.state, report))


@router.delete("/reports/2021-06-30/reports/{report_id}")
async def cancel_report(request: Request, report_id: str) -> Response:
    caller = await begin(request, "cancelReport")
    parse_query(request, ())
    state = caller.state
    report = _own_report(state, caller.selling_partner_id, report_id)
    if status_of(state, report) != "IN_QUEUE":
        raise SpApiError(
            400,
            "400",
            "Invalid input",
            "Only reports with processingStatus IN_QUEUE can be cancelled.",
        )
    report.cancelled_at = state.now()
    return Response(status_code=200)


def _signature(state: SimState, doc_id: str, expires: int) -> str:
    key = f"{state.config.seed}:{state.config.client_secret}".encode()
    return hmac.new(key, f"{doc_id}:{expires}".encode(), hashlib.sha256).hexdigest()


@router.get("/reports/2021-06-30/documents/{document_id}")
async def get_report_document(request: Request, document_id: str) -> JSONResponse:
    caller = await begin(request, "getReportDocument")
    q = parse_query(request, DOCUMENT_PARAMS)
    state = caller.state
    doc = state.documents.get(document_id)
    if doc is None or doc.selling_partner_id != caller.selling_partner_id:
        raise SpApiError(404, "NotFound", f"Report document {document_id} not found.", "")
    if caller.fault is not None and caller.fault.kind == "truncated_gzip":
        doc.truncate_downloads += 1
    expires = int(state.now() + URL_TTL)
    url = (
        f"{state.config.base_url.rstrip('/')}/_sim/documents/{document_id}"
        f"?X-Amz-Expires={expires}&X-Amz-Signature={_signature(state, document_id, expires)}"
    )
    if q.get("enableContentEncodingUrlHeader"):
        url += "&response-content-encoding=gzip"  # the download then says Content-Encoding
    return JSONResponse(
        {"reportDocumentId": document_id, "url": url, "compressionAlgorithm": "GZIP"}
    )


def _s3_error(code: str, message: str) -> Response:
    return Response(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
        f"<Message>{message}</Message></Error>",
        status_code=403,
        media_type="application/xml",
    )


@router.get("/_sim/documents/{document_id}", include_in_schema=False)
async def download_document(request: Request, document_id: str) -> Response:
    state = sim_state(request)
    doc = state.documents.get(document_id)
    try:
        expires = int(request.query_params.get("X-Amz-Expires", ""))
    except ValueError:
        return _s3_error(
            "AccessDenied",
            "Query-string authentication requires the Signature, "
            "Expires and AWSAccessKeyId parameters",
        )
    signature = request.query_params.get("X-Amz-Signature", "")
    if doc is None or not hmac.compare_digest(signature, _signature(state, document_id, expires)):
        return _s3_error(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        )
    if state.now() > expires:
        return _s3_error("AccessDenied", "Request has expired")
    content = doc.gzipped
    if doc.truncate_downloads:
        doc.truncate_downloads -= 1
        content = content[: len(content) // 2]
    headers = (
        {"content-encoding": "gzip"}
        if request.query_params.get("response-content-encoding") == "gzip"
        else None
    )
    return Response(content, media_type=f"text/plain; charset={doc.charset}", headers=headers)
