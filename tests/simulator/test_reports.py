"""Reports in the simulator: processing states, documents in each charset, faults."""

from __future__ import annotations

import gzip
import zlib
from datetime import timedelta
from typing import Any

import pytest

from minthub_api.simulator.reports import PROCESS_SECONDS, QUEUE_SECONDS, URL_TTL

from .conftest import US, Sim

REPORTS = "/reports/2021-06-30/reports"
JP = "A1VC38T7YXB528"


async def create(sim: Sim, report_type: str, marketplace: str = US, **extra: Any) -> str:
    body = {"reportType": report_type, "marketplaceIds": [marketplace], **extra}
    response = await sim.spapi("createReport", REPORTS, method="POST", json=body)
    assert response.status_code == 202, response.text
    report_id: str = response.json()["reportId"]
    return report_id


async def report(sim: Sim, report_id: str) -> dict[str, Any]:
    body: dict[str, Any] = (await sim.spapi("getReport", f"{REPORTS}/{report_id}")).json()
    return body


async def finished(sim: Sim, report_id: str) -> dict[str, Any]:
    sim.clock.advance(QUEUE_SECONDS + PROCESS_SECONDS + 1)
    return await report(sim, report_id)


async def document(sim: Sim, doc_id: str, **query: str) -> dict[str, Any]:
    body: dict[str, Any] = (
        await sim.spapi("getReportDocument", f"/reports/2021-06-30/documents/{doc_id}", query)
    ).json()
    return body


class TestLifecycle:
    async def test_queue_progress_done(self, connected: Sim) -> None:
        report_id = await create(connected, "GET_MERCHANT_LISTINGS_ALL_DATA")
        assert (await report(connected, report_id))["processingStatus"] == "IN_QUEUE"
        connected.clock.advance(QUEUE_SECONDS + 1)
        progress = await report(connected, report_id)
        assert progress["processingStatus"] == "IN_PROGRESS" and "processingStartTime" in progress
        done = await finished(connected, report_id)
        assert done["processingStatus"] == "DONE" and done["reportDocumentId"]

    async def test_cancel_only_in_queue(self, connected: Sim) -> None:
        queued = await create(connected, "GET_MERCHANT_LISTINGS_ALL_DATA")
        cancel = await connected.spapi("cancelReport", f"{REPORTS}/{queued}", method="DELETE")
        assert cancel.status_code == 200
        assert (await finished(connected, queued))["processingStatus"] == "CANCELLED"
        late = await create(connected, "GET_MERCHANT_LISTINGS_ALL_DATA")
        connected.clock.advance(QUEUE_SECONDS + 1)
        refused = await connected.spapi("cancelReport", f"{REPORTS}/{late}", method="DELETE")
        assert refused.status_code == 400

    async def test_no_data_is_cancelled_and_unknown_type_fatal(self, connected: Sim) -> None:
        long_ago = (connected.now() - timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ")
        empty = await create(
            connected,
            "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL",
            dataStartTime=long_ago,
            dataEndTime=long_ago,
        )
        unknown = await create(connected, "GET_V2_SELLER_PERFORMANCE_REPORT")
        assert (await finished(connected, empty))["processingStatus"] == "CANCELLED"
        assert (await report(connected, unknown))["processingStatus"] == "FATAL"

    async def test_fatal_fault(self, connected: Sim) -> None:
        await connected.client.post(
            "/_sim/faults", json={"operation": "createReport", "kind": "fatal_report"}
        )
        report_id = await create(connected, "GET_MERCHANT_LISTINGS_ALL_DATA")
        assert (await finished(connected, report_id))["processingStatus"] == "FATAL"

    async def test_restricted_type_is_refused(self, connected: Sim) -> None:
        response = await connected.spapi(
            "createReport",
            REPORTS,
            method="POST",
            json={
                "reportType": "GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING",
                "marketplaceIds": [US],
            },
        )
        assert response.status_code == 403

    async def test_get_reports_pages_with_next_token_alone(self, connected: Sim) -> None:
        for _ in range(3):
            await create(connected, "GET_MERCHANT_LISTINGS_ALL_DATA")
        first = (
            await connected.spapi(
                "getReports",
                REPORTS,
                {"reportTypes": "GET_MERCHANT_LISTINGS_ALL_DATA", "pageSize": "2"},
            )
        ).json()
        assert len(first["reports"]) == 2
        second = (
            await connected.spapi("getReports", REPORTS, {"nextToken": first["nextToken"]})
        ).json()
        assert len(second["reports"]) == 1 and "nextToken" not in second
        mixed = await connected.spapi(
            "getReports", REPORTS, {"nextToken": first["nextToken"], "pageSize": "2"}
        )
        assert mixed.status_code == 400


class TestDocuments:
    @pytest.mark.parametrize(
        ("report_type", "marketplace", "charset", "codec", "column"),
        [
            ("GET_MERCHANT_LISTINGS_ALL_DATA", US, "Cp1252", "cp1252", "seller-sku"),
            (
                "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA",
                US,
                "ISO-8859-1",
                "latin-1",
                "afn-total-quantity",
            ),
            (
                "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL",
                US,
                "UTF-8",
                "utf-8",
                "amazon-order-id",
            ),
            ("GET_MERCHANT_LISTINGS_ALL_DATA", JP, "windows-31j", "cp932", "item-name"),
        ],
    )
    async def test_gzip_document_in_the_charset(
        self,
        connected: Sim,
        report_type: str,
        marketplace: str,
        charset: str,
        codec: str,
        column: str,
    ) -> None:
        report_id = await create(connected, report_type, marketplace)
        doc = await document(connected, (await finished(connected, report_id))["reportDocumentId"])
        assert doc["compressionAlgorithm"] == "GZIP"
        download = await connected.client.get(doc["url"])
        assert download.status_code == 200 and "x-amzn-RequestId" in download.headers
        assert download.headers["content-type"] == f"text/plain; charset={charset}"
        text = gzip.decompress(download.content).decode(codec)
        header = text.split("\r\n")[0].split("\t")
        assert column in header and text.count("\r\n") > 10
        if codec == "cp932":
            assert "ステンレス製マグカップ" in text
        if report_type.startswith("GET_FLAT_FILE"):
            assert not any(h.startswith("ship-") for h in header)  # no buyer location

    async def test_url_expires_after_five_minutes(self, connected: Sim) -> None:
        report_id = await create(connected, "GET_MERCHANT_LISTINGS_ALL_DATA")
        doc = await document(connected, (await finished(connected, report_id))["reportDocumentId"])
        connected.clock.advance(URL_TTL + 1)
        expired = await connected.client.get(doc["url"])
        assert expired.status_code == 403 and b"Request has expired" in expired.content
        forged = await connected.client.get(doc["url"].replace("Signature=", "Signature=0"))
        assert forged.status_code == 403

    async def test_truncated_gzip_fault(self, connected: Sim) -> None:
        report_id = await create(connected, "GET_MERCHANT_LISTINGS_ALL_DATA")
        doc_id = (await finished(connected, report_id))["reportDocumentId"]
        await connected.client.post(
            "/_sim/faults", json={"operation": "getReportDocument", "kind": "truncated_gzip"}
        )
        cut = await connected.client.get((await document(connected, doc_id))["url"])
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        inflater.decompress(cut.content)
        assert not inflater.eof
        whole = await connected.client.get((await document(connected, doc_id))["url"])
        assert gzip.decompress(whole.content)

    async def test_content_encoding_url_header(self, connected: Sim) -> None:
        report_id = await create(connected, "GET_MERCHANT_LISTINGS_ALL_DATA")
        doc_id = (await finished(connected, report_id))["reportDocumentId"]
        doc = await document(connected, doc_id, enableContentEncodingUrlHeader="true")
        response = await connected.client.get(doc["url"])
        assert response.headers["content-encoding"] == "gzip"
        assert response.content.startswith(b"item-name\t")  # httpx undid the gzip


async def test_every_error_kind_of_the_new_operations_matches_the_models(connected: Sim) -> None:
    """403/400/429/500/503 bodies validate against each model (inside Sim.spapi)."""
    interval = (
        f"{(connected.now() - timedelta(days=2)).strftime('%Y-%m-%dT00:00:00Z')}--"
        f"{(connected.now() - timedelta(days=1)).strftime('%Y-%m-%dT00:00:00Z')}"
    )
    calls: list[tuple[str, str, dict[str, str], int]] = [
        (
            "getOrderMetrics",
            "/sales/v1/orderMetrics",
            {
                "marketplaceIds": US,
                "interval": interval,
                "granularity": "Total",
                "granularityTimeZone": "UTC",
            },
            15,
        ),
        (
            "getListingsItem",
            "/listings/2021-08-01/items/A1MINTHUB00007/MINT%20MUG%20350",
            {"marketplaceIds": US},
            10,
        ),
        (
            "searchListingsItems",
            "/listings/2021-08-01/items/A1MINTHUB00007",
            {"marketplaceIds": US},
            5,
        ),
        ("getReports", REPORTS, {"reportTypes": "GET_MERCHANT_LISTINGS_ALL_DATA"}, 10),
    ]
    for operation, path, query, burst in calls:
        await connected.spapi(operation, path, query, token="")
        await connected.spapi(operation, path, query, token="Atza|forged")
        bad = await connected.spapi(operation, path, query | {"bogus": "1"}, valid_request=False)
        assert bad.status_code == 400
        for status in (500, 503):
            await connected.client.post(
                "/_sim/faults", json={"operation": operation, "kind": "status", "status": status}
            )
            assert (await connected.spapi(operation, path, query)).status_code == status
        statuses = [
            (await connected.spapi(operation, path, query)).status_code for _ in range(burst + 1)
        ]
        assert statuses[-1] == 429
