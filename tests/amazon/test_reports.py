from __future__ import annotations

import gzip
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx

from minthub_api.amazon import (
    DocumentLink,
    ReportCharsetError,
    ReportDocumentError,
    RoleNotEnabled,
    SpApiBadRequest,
    SpApiClient,
    StoreApi,
    cancel_report,
    create_report,
    get_report,
    get_report_document,
    get_reports_page,
    iter_report_rows,
    stream_report_document,
    wait_for_report,
)
from minthub_api.amazon.schemas.reports import ProcessingStatus, ReportDocument
from tests.amazon.conftest import (
    Calls,
    FakeTime,
    credentials,
    sandbox_examples,
    serve,
    sp_response,
)

MODEL = "reports_2021-06-30.json"
REPORT = sandbox_examples(MODEL, "getReport", "200")[0]["response"]
DOCUMENT = sandbox_examples(MODEL, "getReportDocument", "200")[0]["response"]
REPORTS = sandbox_examples(MODEL, "getReports", "200")[0]["response"]
URL = "https://tortuga-prod-na.s3-external-1.amazonaws.com/doc-1?X-Amz-Signature=abc%2B"
TSV = "sku\tproduct-name\tquantity\nA-1\tCafé crème \u2013 5€\t3\nB-2\tコーヒー\t\n"


def document(doc_id: str = "doc-1", *, gzip_: bool = True, url: str = URL) -> dict[str, Any]:
    body: dict[str, Any] = {"reportDocumentId": doc_id, "url": url}
    if gzip_:
        body["compressionAlgorithm"] = "GZIP"
    return body


def download(
    data: bytes, charset: str | None, *, gz: bool = True, headers: dict[str, str] | None = None
) -> httpx.Response:
    content_type = "text/plain" + (f"; charset={charset}" if charset else "")
    return httpx.Response(
        200,
        content=gzip.compress(data) if gz else data,
        headers={"content-type": content_type, **(headers or {})},
    )


def link(body: dict[str, Any], at: float = 1000.0) -> DocumentLink:
    return DocumentLink(ReportDocument.model_validate(body), at)


async def text_of(api: StoreApi, doc: DocumentLink | str, fake_time: FakeTime, **kw: Any) -> str:
    return "".join([t async for t in stream_report_document(api, doc, clock=fake_time.mono, **kw)])


class TestCreateReport:
    async def test_body_matches_the_model_and_returns_the_id(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        fake = serve(router, "createReport", sp_response(202, {"reportId": "ID323"}))
        report_id = await create_report(
            api,
            report_type="GET_MERCHANT_LISTINGS_ALL_DATA",
            marketplace_ids=["ATVPDKIKX0DER"],
            data_start_time=datetime(2026, 2, 1, tzinfo=UTC),
            report_options={"preferredReportDocumentLocale": "en_US"},
        )
        assert report_id == "ID323"
        assert fake.requests[0].read() and fake.requests[0].headers["content-type"] == (
            "application/json"
        )

    async def test_restricted_report_type_is_refused_before_any_request(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        fake = serve(router, "createReport", sp_response(202, {"reportId": "x"}))
        with pytest.raises(RoleNotEnabled, match="restricted"):
            await create_report(
                api,
                report_type="GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING",
                marketplace_ids=["ATVPDKIKX0DER"],
            )
        assert fake.requests == []

    async def test_report_type_of_an_undeclared_role_is_refused(
        self,
        sp_client: SpApiClient,
        router: respx.MockRouter,
        calls: Calls,
        lwa_route: respx.Route,
    ) -> None:
        sp_client.roles = frozenset()  # as if MINTHUB_SPAPI_ROLES named none of its roles
        api = sp_client.for_store(credentials(), on_call=calls.hook)
        fake = serve(router, "createReport", sp_response(202, {"reportId": "x"}))
        with pytest.raises(RoleNotEnabled, match="amazon_fulfillment"):
            await create_report(
                api,
                report_type="GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA",
                marketplace_ids=["ATVPDKIKX0DER"],
            )
        assert fake.requests == [] and not lwa_route.called


class TestGetReports:
    async def test_follow_up_pages_send_only_the_next_token(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        fake = serve(
            router,
            "getReports",
            sp_response(200, {**REPORTS, "nextToken": "n+/="}),
            sp_response(200, {"reports": []}),
        )
        first = await get_reports_page(
            api,
            report_types=["GET_MERCHANT_LISTINGS_ALL_DATA"],
            processing_statuses=["IN_QUEUE", "DONE"],
        )
        assert first.next_token == "n+/=" and first.reports
        await get_reports_page(api, next_token=first.next_token)
        assert fake.queries == [
            {
                "reportTypes": "GET_MERCHANT_LISTINGS_ALL_DATA",
                "processingStatuses": "IN_QUEUE,DONE",
                "pageSize": "100",
            },
            {"nextToken": "n+/="},
        ]

    async def test_bad_status_is_refused(self, api: StoreApi) -> None:
        with pytest.raises(ValueError):
            await get_reports_page(api, report_types=["X"], processing_statuses=["BAD"])


class TestGetAndCancelReport:
    async def test_get_report_parses_the_example(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        serve(router, "getReport", sp_response(200, REPORT))
        report = await get_report(api, "ID323")
        assert report.report_id == REPORT["reportId"]
        assert report.processing_status.value == REPORT["processingStatus"]

    async def test_cancel(self, api: StoreApi, router: respx.MockRouter) -> None:
        fake = serve(router, "cancelReport", httpx.Response(200))
        await cancel_report(api, "ID 1")
        assert fake.requests[0].method == "DELETE"
        assert fake.requests[0].url.raw_path.endswith(b"/reports/ID%201")

    async def test_cancel_of_a_started_report_is_a_bad_request(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        body = sandbox_examples(MODEL, "cancelReport", "400")[0]["response"]
        serve(router, "cancelReport", sp_response(400, body))
        with pytest.raises(SpApiBadRequest):
            await cancel_report(api, "ID")

    async def test_wait_for_report_polls_until_terminal(
        self, api: StoreApi, router: respx.MockRouter, fake_time: FakeTime
    ) -> None:
        states = ["IN_QUEUE", "IN_PROGRESS", "DONE"]
        fake = serve(
            router,
            "getReport",
            *[sp_response(200, {**REPORT, "processingStatus": s}) for s in states],
        )
        report = await wait_for_report(
            api, "ID323", poll_interval=15, sleep=fake_time.sleep, clock=fake_time.mono
        )
        assert report.processing_status is ProcessingStatus.DONE
        assert len(fake.requests) == 3 and fake_time.sleeps.count(15) == 2

    async def test_wait_for_report_gives_up(
        self, api: StoreApi, router: respx.MockRouter, fake_time: FakeTime
    ) -> None:
        serve(router, "getReport", sp_response(200, {**REPORT, "processingStatus": "IN_QUEUE"}))
        with pytest.raises(TimeoutError):
            await wait_for_report(
                api,
                "ID323",
                poll_interval=60,
                max_wait=120,
                sleep=fake_time.sleep,
                clock=fake_time.mono,
            )


class TestDownload:
    @pytest.mark.parametrize(
        ("charset", "codec", "text"),
        [
            ("Cp1252", "cp1252", TSV.replace("コーヒー", "Kaffee")),
            ("windows-1252", "cp1252", TSV.replace("コーヒー", "Kaffee")),
            ("ISO-8859-1", "latin-1", TSV.replace("コーヒー", "Kaffee").replace(" \u2013 5€", "")),
            (
                "windows-31j",
                "cp932",
                TSV.replace("é", "e").replace("è", "e").replace(" \u2013 5€", "①"),
            ),
            ("UTF-8", "utf-8", TSV),
        ],
    )
    async def test_gunzips_and_decodes_with_the_content_type_charset(
        self,
        api: StoreApi,
        router: respx.MockRouter,
        fake_time: FakeTime,
        charset: str,
        codec: str,
        text: str,
    ) -> None:
        route = router.get(URL).mock(return_value=download(text.encode(codec), charset))
        assert await text_of(api, link(document()), fake_time) == text
        assert "x-amz-access-token" not in route.calls[0].request.headers

    async def test_document_without_compression(
        self, api: StoreApi, router: respx.MockRouter, fake_time: FakeTime
    ) -> None:
        router.get(URL).mock(return_value=download(TSV.encode(), "UTF-8", gz=False))
        assert await text_of(api, link(document(gzip_=False)), fake_time) == TSV

    async def test_content_encoding_gzip_is_not_unzipped_twice(
        self, api: StoreApi, router: respx.MockRouter, fake_time: FakeTime
    ) -> None:
        router.get(URL).mock(
            return_value=download(TSV.encode(), "UTF-8", headers={"content-encoding": "gzip"})
        )
        assert await text_of(api, link(document()), fake_time) == TSV

    async def test_missing_charset_uses_the_default_given(
        self, api: StoreApi, router: respx.MockRouter, fake_time: FakeTime
    ) -> None:
        router.get(URL).mock(return_value=download("品名".encode("cp932"), None))
        assert await text_of(api, link(document()), fake_time, default_charset="cp932") == "品名"

    async def test_truncated_gzip_is_an_error(
        self, api: StoreApi, router: respx.MockRouter, fake_time: FakeTime
    ) -> None:
        whole = gzip.compress(TSV.encode() * 50)
        router.get(URL).mock(
            return_value=httpx.Response(
                200, content=whole[: len(whole) // 2], headers={"content-type": "text/plain"}
            )
        )
        with pytest.raises(ReportDocumentError, match="truncated"):
            await text_of(api, link(document()), fake_time)

    async def test_bytes_invalid_in_the_charset_are_an_error(
        self, api: StoreApi, router: respx.MockRouter, fake_time: FakeTime
    ) -> None:
        router.get(URL).mock(return_value=download("Café".encode("cp1252"), "UTF-8"))
        with pytest.raises(ReportDocumentError, match=r"(?i)not valid utf-8"):
            await text_of(api, link(document()), fake_time)

    async def test_charset_error_names_charset_and_offset_across_chunks(
        self, api: StoreApi, router: respx.MockRouter, fake_time: FakeTime
    ) -> None:
        # Double-byte characters split over odd-sized chunks, then a lead byte (0x81) followed
        # by a byte that can't trail it, at offset 4001.
        good = ("品" * 2000 + "x").encode("cp932")
        router.get(URL).mock(return_value=download(good + b"\x81\x20tail", "windows-31j", gz=False))
        with pytest.raises(ReportCharsetError) as caught:
            await text_of(api, link(document(gzip_=False)), fake_time, chunk_size=333)
        assert (caught.value.charset, caught.value.offset) == ("windows-31j", len(good))
        assert caught.value.byte == 0x81 and "offset 4001" in str(caught.value)

    async def test_missing_charset_defaults_by_marketplace_never_utf8(
        self, api: StoreApi, router: respx.MockRouter, fake_time: FakeTime
    ) -> None:
        router.get(URL).mock(return_value=download("品名".encode("cp932"), None))
        jp = await text_of(api, link(document()), fake_time, marketplace_id="A1VC38T7YXB528")
        assert jp == "品名"
        router.get(URL).mock(return_value=download("Café".encode(), None))
        # No charset, a German marketplace: cp1252, so UTF-8 bytes read as mojibake, not as
        # UTF-8 by guess; bytes cp1252 can't hold are an error, not U+FFFD.
        de = await text_of(api, link(document()), fake_time, marketplace_id="A1PA6795UKMFR9")
        assert de == "CafÃ©"
        router.get(URL).mock(return_value=download(b"ok\x81", None))
        with pytest.raises(ReportCharsetError, match="cp1252"):
            await text_of(api, link(document()), fake_time)

    async def test_unknown_charset_is_an_error(
        self, api: StoreApi, router: respx.MockRouter, fake_time: FakeTime
    ) -> None:
        router.get(URL).mock(return_value=download(b"x", "x-klingon"))
        with pytest.raises(ReportDocumentError, match="unknown"):
            await text_of(api, link(document()), fake_time)

    async def test_old_url_is_refreshed_before_download(
        self, api: StoreApi, router: respx.MockRouter, fake_time: FakeTime
    ) -> None:
        fresh = URL + "&fresh=1"
        fake = serve(router, "getReportDocument", sp_response(200, document(url=fresh)))
        router.get(fresh).mock(return_value=download(b"ok", "UTF-8"))
        old = link(document(), at=fake_time.mono() - 250)  # 4m10s old: too close to 5 minutes
        assert await text_of(api, old, fake_time) == "ok"
        assert len(fake.requests) == 1

    async def test_expired_url_403_gets_one_fresh_url(
        self, api: StoreApi, router: respx.MockRouter, fake_time: FakeTime
    ) -> None:
        fresh = URL + "&fresh=1"
        serve(router, "getReportDocument", sp_response(200, document(url=fresh)))
        router.get(URL).mock(return_value=httpx.Response(403, text="<Error>expired</Error>"))
        router.get(fresh).mock(return_value=download(b"ok", "UTF-8"))
        assert await text_of(api, link(document(), at=fake_time.mono()), fake_time) == "ok"

    async def test_document_id_fetches_the_link_first(
        self, api: StoreApi, router: respx.MockRouter, fake_time: FakeTime
    ) -> None:
        fake = serve(router, "getReportDocument", sp_response(200, DOCUMENT))
        router.get(DOCUMENT["url"]).mock(
            return_value=download(b"ok", "UTF-8", gz="compressionAlgorithm" in DOCUMENT)
        )
        assert await text_of(api, "0356cf79-b8b0-4226-b4b9-0ee058ea5760", fake_time) == "ok"
        assert len(fake.requests) == 1
        got = await get_report_document(api, "0356cf79-b8b0-4226-b4b9-0ee058ea5760")
        assert got.document.url == DOCUMENT["url"]

    async def test_large_document_streams_rows(
        self, api: StoreApi, router: respx.MockRouter, fake_time: FakeTime
    ) -> None:
        rows = 20_000
        body = "sku\tname\tqty\r\n" + "".join(f'S{i}\tNäme "{i}"\t{i}\r\n' for i in range(rows))
        router.get(URL).mock(return_value=download(body.encode("cp1252"), "Cp1252"))
        count, last = 0, {}
        async for row in iter_report_rows(
            api, link(document()), chunk_size=4096, clock=fake_time.mono
        ):
            count, last = count + 1, row
        assert count == rows
        assert last == {"sku": f"S{rows - 1}", "name": f'Näme "{rows - 1}"', "qty": str(rows - 1)}
