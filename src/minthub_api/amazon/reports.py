"""Reports 2021-06-30 and report-document download (../shared/SPAPI-NOTES.md §5.6, §7, §9.5-6).

- `createReport` → poll `getReport` until `DONE`/`CANCELLED`/`FATAL` (CANCELLED often means "no
  data"; FATAL may carry a document that explains it) → `getReportDocument` → download.
- The document URL is pre-signed and valid for 5 minutes: `stream_report_document` re-fetches the
  document (one getReportDocument call) when the URL is older than `URL_REFRESH_AFTER`, and once
  more if the download answers 403 (expired).
- The body is gunzipped when `compressionAlgorithm` is GZIP, then decoded with the charset of the
  download's `Content-Type` (Cp1252, ISO-8859-1, windows-31j → cp932, UTF-8 ...), or, when it
  names none, the marketplace's default (JP cp932, elsewhere cp1252; never httpx's UTF-8 guess),
  incrementally: a large document is never held whole in memory. Bytes that aren't valid in that
  charset raise `ReportCharsetError` (charset and byte offset), never replacement characters;
  an unknown charset and a truncated gzip stream raise `ReportDocumentError`.
- Follow-up `getReports` pages send only `nextToken` (§9.3).
"""

from __future__ import annotations

import asyncio
import codecs
import time
import zlib
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import httpx

from minthub_api.amazon._retry import Sleep
from minthub_api.amazon.client import StoreApi
from minthub_api.amazon.encoding import encode_path_segment, format_datetime
from minthub_api.amazon.errors import ReportCharsetError, ReportDocumentError
from minthub_api.amazon.regions import get_marketplace
from minthub_api.amazon.schemas.reports import (
    CreateReportResponse,
    GetReportsResponse,
    ProcessingStatus,
    Report,
    ReportDocument,
)

BASE = "/reports/2021-06-30"
URL_TTL = 300.0  # the pre-signed URL's life
URL_REFRESH_AFTER = 240.0  # leave a minute for slow downloads to start
CHUNK_SIZE = 64 * 1024

# Charset names Amazon sends → Python codecs (§7.1). windows-31j needs cp932: plain shift_jis
# fails on some bytes (python-amazon-sp-api #552).
CHARSETS: dict[str, str] = {
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
    "iso-8859-1": "latin-1",
    "iso8859-1": "latin-1",
    "latin1": "latin-1",
    "latin-1": "latin-1",
    "windows-31j": "cp932",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "ms932": "cp932",
    "cp932": "cp932",
    "utf-8": "utf-8",
    "utf8": "utf-8",
}


def default_charset_for(marketplace_id: str | None) -> str:
    """The charset to assume when a download names none (§7.1): cp932 for Japan, cp1252 else."""
    marketplace = get_marketplace(marketplace_id) if marketplace_id else None
    return "cp932" if marketplace is not None and marketplace.country_code == "JP" else "cp1252"


def codec_for(charset: str) -> str:
    """The Python codec for a Content-Type charset; ReportDocumentError if we can't decode it."""
    name = charset.strip().strip('"').lower()
    codec = CHARSETS.get(name)
    if codec is None:
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            raise ReportDocumentError(f"report document charset {charset!r} is unknown") from None
    return codec


async def create_report(
    api: StoreApi,
    *,
    report_type: str,
    marketplace_ids: Sequence[str],
    data_start_time: datetime | None = None,
    data_end_time: datetime | None = None,
    report_options: Mapping[str, str] | None = None,
) -> str:
    """Request a report; returns its `reportId`. RoleNotEnabled before any request when no
    declared role grants `report_type` (restricted PII types are always refused)."""
    api.check_report_type(report_type)
    if isinstance(marketplace_ids, str) or not marketplace_ids:
        raise ValueError("marketplace_ids must be a non-empty list")
    body: dict[str, object] = {"reportType": report_type, "marketplaceIds": list(marketplace_ids)}
    if data_start_time is not None:
        body["dataStartTime"] = format_datetime(data_start_time)
    if data_end_time is not None:
        body["dataEndTime"] = format_datetime(data_end_time)
    if report_options:
        body["reportOptions"] = dict(report_options)
    response = await api.request("createReport", "POST", f"{BASE}/reports", json=body)
    return CreateReportResponse.model_validate(response.body or {}).report_id


async def get_report(api: StoreApi, report_id: str) -> Report:
    path = f"{BASE}/reports/{encode_path_segment(report_id)}"
    response = await api.request("getReport", "GET", path)
    return Report.model_validate(response.body or {})


async def cancel_report(api: StoreApi, report_id: str) -> None:
    """Cancel a report that is still IN_QUEUE (Amazon refuses others with a 400)."""
    path = f"{BASE}/reports/{encode_path_segment(report_id)}"
    await api.request("cancelReport", "DELETE", path)


@dataclass(frozen=True)
class ReportsPage:
    reports: list[Report]
    next_token: str | None


async def get_reports_page(
    api: StoreApi,
    *,
    report_types: Sequence[str] | None = None,
    processing_statuses: Sequence[str] | None = None,
    marketplace_ids: Sequence[str] | None = None,
    page_size: int = 100,
    created_since: datetime | None = None,
    created_until: datetime | None = None,
    next_token: str | None = None,
) -> ReportsPage:
    """One page of reports. With `next_token`, every filter is left out, as Amazon requires."""
    if next_token is not None:
        params: dict[str, object] = {"nextToken": next_token}
    else:
        if not report_types or not 1 <= len(report_types) <= 10:
            raise ValueError("report_types: 1-10 values (or pass next_token)")
        if not 1 <= page_size <= 100:
            raise ValueError("page_size must be 1-100")
        for status in processing_statuses or ():
            ProcessingStatus(status)
        params = {
            "reportTypes": list(report_types),
            "processingStatuses": list(processing_statuses) if processing_statuses else None,
            "marketplaceIds": list(marketplace_ids) if marketplace_ids else None,
            "pageSize": page_size,
            "createdSince": created_since,
            "createdUntil": created_until,
        }
    response = await api.request("getReports", "GET", f"{BASE}/reports", params=params)
    parsed = GetReportsResponse.model_validate(response.body or {})
    return ReportsPage(list(parsed.reports), parsed.next_token)


async def wait_for_report(
    api: StoreApi,
    report_id: str,
    *,
    poll_interval: float = 30.0,
    max_wait: float = 3600.0,
    sleep: Sleep | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Report:
    """Poll `getReport` until the report is DONE, CANCELLED or FATAL (TimeoutError after
    `max_wait` seconds). Prefer the REPORT_PROCESSING_FINISHED notification when subscribed."""
    do_sleep = sleep or asyncio.sleep
    deadline = clock() + max_wait
    while True:
        report = await get_report(api, report_id)
        if report.processing_status.terminal:
            return report
        if clock() >= deadline:
            raise TimeoutError(f"report {report_id} still {report.processing_status.value}")
        await do_sleep(poll_interval)


@dataclass(frozen=True)
class DocumentLink:
    """A report document's pre-signed URL and when we got it (monotonic seconds)."""

    document: ReportDocument
    fetched_at: float

    @property
    def report_document_id(self) -> str:
        return self.document.report_document_id


async def get_report_document(
    api: StoreApi, report_document_id: str, *, clock: Callable[[], float] = time.monotonic
) -> DocumentLink:
    path = f"{BASE}/documents/{encode_path_segment(report_document_id)}"
    response = await api.request("getReportDocument", "GET", path)
    return DocumentLink(ReportDocument.model_validate(response.body or {}), clock())


async def stream_report_document(
    api: StoreApi,
    link: DocumentLink | str,
    *,
    default_charset: str | None = None,
    marketplace_id: str | None = None,
    chunk_size: int = CHUNK_SIZE,
    clock: Callable[[], float] = time.monotonic,
) -> AsyncIterator[str]:
    """Decoded text of a report document, chunk by chunk.

    `link` is a `DocumentLink` or a reportDocumentId. When the download's Content-Type names no
    charset, `default_charset` is used, else the default of `marketplace_id`
    (`default_charset_for`: cp932 for JP, cp1252 otherwise).
    Raises ReportCharsetError (bytes invalid in that charset: charset and byte offset) and
    ReportDocumentError (download refused, truncated gzip, unknown charset).
    """
    fallback = default_charset or default_charset_for(marketplace_id)
    if isinstance(link, str) or clock() - link.fetched_at > URL_REFRESH_AFTER:
        doc_id = link if isinstance(link, str) else link.report_document_id
        link = await get_report_document(api, doc_id, clock=clock)
    doc = link.document
    for attempt in (0, 1):
        # No SP-API headers: the URL is pre-signed and an access token must not leave for S3.
        async with api.client.http.stream("GET", doc.url) as response:
            if response.status_code == 403 and attempt == 0:
                # Expired (or about to be): one fresh URL, then give up.
                await response.aclose()
                link = await get_report_document(api, doc.report_document_id, clock=clock)
                doc = link.document
                continue
            if response.status_code != 200:
                raise ReportDocumentError(
                    f"report document download failed with HTTP {response.status_code}",
                    report_document_id=doc.report_document_id,
                )
            async for text in _decode(response, doc, fallback, chunk_size):
                yield text
            return


async def _decode(
    response: httpx.Response, doc: ReportDocument, default_charset: str, chunk_size: int
) -> AsyncIterator[str]:
    charset = response.charset_encoding or default_charset  # never guess UTF-8
    codec = codec_for(charset)
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    # httpx already undid a `Content-Encoding: gzip` (enableContentEncodingUrlHeader=true).
    gzipped = (doc.compression_algorithm or "").upper() == "GZIP" and (
        "gzip" not in response.headers.get("content-encoding", "").lower()
    )
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS) if gzipped else None
    doc_id = doc.report_document_id
    fed = 0  # decompressed bytes handed to the decoder so far

    def feed(data: bytes, *, final: bool = False) -> str:
        nonlocal fed
        pending = decoder.getstate()[0]  # bytes of a split character from the last chunk
        try:
            text = decoder.decode(data, final=final)
        except UnicodeDecodeError as exc:
            buffered = pending + data
            bad = buffered[exc.start] if exc.start < len(buffered) else None
            raise ReportCharsetError(
                charset=charset,
                offset=fed - len(pending) + exc.start,
                byte=bad,
                reason=exc.reason,
                report_document_id=doc_id,
            ) from None
        fed += len(data)
        return text

    try:
        async for raw in response.aiter_bytes(chunk_size):
            data = inflater.decompress(raw) if inflater is not None else raw
            text = feed(data)
            if text:
                yield text
        if inflater is not None:
            tail = inflater.flush()
            if not inflater.eof:
                raise ReportDocumentError(
                    "report document gzip stream is truncated", report_document_id=doc_id
                )
            tail_text = feed(tail, final=True)
        else:
            tail_text = feed(b"", final=True)
        if tail_text:
            yield tail_text
    except zlib.error as exc:
        raise ReportDocumentError(
            f"report document is not valid gzip ({exc})", report_document_id=doc_id
        ) from None


async def iter_report_rows(
    api: StoreApi,
    link: DocumentLink | str,
    *,
    default_charset: str | None = None,
    marketplace_id: str | None = None,
    chunk_size: int = CHUNK_SIZE,
    clock: Callable[[], float] = time.monotonic,
) -> AsyncIterator[dict[str, str]]:
    """Rows of a tab-separated flat-file report as {header: value}, streamed.

    No quoting rules (fields may contain `"`), `\\n` or `\\r\\n` line ends, missing trailing
    columns become "" and extra ones are dropped (§7.1).
    """
    header: list[str] | None = None
    pending = ""
    async for text in stream_report_document(
        api,
        link,
        default_charset=default_charset,
        marketplace_id=marketplace_id,
        chunk_size=chunk_size,
        clock=clock,
    ):
        pending += text
        *lines, pending = pending.split("\n")
        for line in lines:
            row = _row(line)
            if row is None:
                continue
            if header is None:
                header = [h.lstrip("\ufeff") for h in row]
                continue
            yield dict(zip(header, row + [""] * (len(header) - len(row)), strict=False))
    last = _row(pending)
    if last is not None and header is not None:
        yield dict(zip(header, last + [""] * (len(header) - len(last)), strict=False))


def _row(line: str) -> list[str] | None:
    line = line.removesuffix("\r")
    return line.split("\t") if line else None


@dataclass(frozen=True)
class RawDocument:
    """A report document as Amazon sent it: gunzipped bytes, Content-Type and its charset."""

    data: bytes
    content_type: str
    charset: str | None


async def download_report_document(
    api: StoreApi,
    link: DocumentLink | str,
    *,
    max_bytes: int = 512 * 1024 * 1024,
    clock: Callable[[], float] = time.monotonic,
) -> RawDocument:
    """The whole document, undecoded (kept as the original; decode with `decode_report`).

    Same URL rules as `stream_report_document` (refresh when old, once more on 403). Raises
    ReportDocumentError (download refused, truncated or invalid gzip, over `max_bytes`)."""
    if isinstance(link, str) or clock() - link.fetched_at > URL_REFRESH_AFTER:
        doc_id = link if isinstance(link, str) else link.report_document_id
        link = await get_report_document(api, doc_id, clock=clock)
    doc = link.document
    for attempt in (0, 1):
        async with api.client.http.stream("GET", doc.url) as response:
            if response.status_code == 403 and attempt == 0:
                await response.aclose()
                link = await get_report_document(api, doc.report_document_id, clock=clock)
                doc = link.document
                continue
            if response.status_code != 200:
                raise ReportDocumentError(
                    f"report document download failed with HTTP {response.status_code}",
                    report_document_id=doc.report_document_id,
                )
            gzipped = (doc.compression_algorithm or "").upper() == "GZIP" and (
                "gzip" not in response.headers.get("content-encoding", "").lower()
            )
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS) if gzipped else None
            parts: list[bytes] = []
            size = 0
            try:
                async for raw in response.aiter_bytes(CHUNK_SIZE):
                    data = inflater.decompress(raw) if inflater is not None else raw
                    size += len(data)
                    if size > max_bytes:
                        raise ReportDocumentError(
                            f"report document is larger than {max_bytes} bytes",
                            report_document_id=doc.report_document_id,
                        )
                    parts.append(data)
                if inflater is not None:
                    parts.append(inflater.flush())
                    if not inflater.eof:
                        raise ReportDocumentError(
                            "report document gzip stream is truncated",
                            report_document_id=doc.report_document_id,
                        )
            except zlib.error as exc:
                raise ReportDocumentError(
                    f"report document is not valid gzip ({exc})",
                    report_document_id=doc.report_document_id,
                ) from None
            return RawDocument(
                b"".join(parts),
                response.headers.get("content-type", "application/octet-stream"),
                response.charset_encoding,
            )
    raise ReportDocumentError(  # pragma: no cover - the loop returns or raises
        "report document download failed", report_document_id=doc.report_document_id
    )
