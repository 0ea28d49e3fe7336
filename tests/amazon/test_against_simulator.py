"""The client's new operations end to end against the simulated Amazon over real HTTP."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from minthub_api.amazon import (
    AccessTokenCache,
    InMemoryRateLimiter,
    LwaClient,
    ReportDocumentError,
    SpApiClient,
    SpApiServerError,
    StoreApi,
    StoreCredentials,
    build_user_agent,
    cancel_report,
    create_report,
    get_listings_item,
    get_order_metrics,
    get_report,
    get_report_document,
    get_reports_page,
    iter_report_rows,
    search_all_listings_items,
    stream_report_document,
    wait_for_report,
)
from minthub_api.amazon.regions import Region
from minthub_api.amazon.schemas.reports import ProcessingStatus
from tests.conftest import RunningSimulator
from tests.support.sim_seller import connect_seller

US, JP = "ATVPDKIKX0DER", "A1VC38T7YXB528"


@pytest.fixture
async def api(simulator: RunningSimulator) -> AsyncIterator[StoreApi]:
    async with httpx.AsyncClient(timeout=2.5) as http:
        seller = "A" + secrets.token_hex(6).upper()
        refresh = await connect_seller(http, simulator.url, simulator.config, seller)
        lwa = LwaClient(
            http,
            token_url=f"{simulator.url}/auth/o2/token",
            client_id=simulator.config.client_id,
            client_secret=simulator.config.client_secret,
        )
        client = SpApiClient(
            http,
            lwa,
            token_cache=AccessTokenCache(),
            rate_limiter=InMemoryRateLimiter(time_scale=simulator.config.time_scale),
            user_agent=build_user_agent(),
            endpoint_override=simulator.url,
            backoff_base=0.01,
            backoff_cap=0.05,
        )

        async def load() -> str:
            return refresh

        yield client.for_store(StoreCredentials(seller, seller, Region.NA, load))


async def fault(simulator: RunningSimulator, api: StoreApi, **spec: object) -> None:
    async with httpx.AsyncClient() as http:
        r = await http.post(
            f"{simulator.url}/_sim/faults",
            json={**spec, "selling_partner_id": api.selling_partner_id},
        )
        assert r.status_code == 200, r.text


async def test_order_metrics(api: StoreApi) -> None:
    now = datetime.now(UTC)
    days = await get_order_metrics(
        api,
        marketplace_id=US,
        start=now - timedelta(days=14),
        end=now - timedelta(days=1),
        granularity="Day",
    )
    total = await get_order_metrics(
        api,
        marketplace_id=US,
        start=now - timedelta(days=14),
        end=now - timedelta(days=1),
        granularity="Total",
    )
    assert len(days) >= 13 and len(total) == 1
    assert total[0].order_count == sum(d.order_count for d in days)


async def test_listings(api: StoreApi) -> None:
    item = await get_listings_item(api, "TEA/INFUSER-01", marketplace_ids=[US])
    assert item.sku == "TEA/INFUSER-01" and item.summaries[0].item_name
    found = await search_all_listings_items(api, marketplace_ids=[US])
    assert len(found.items) == found.number_of_results == 120 and not found.capped


async def test_report_round_trip_in_cp932(api: StoreApi) -> None:
    report_id = await create_report(
        api, report_type="GET_MERCHANT_LISTINGS_ALL_DATA", marketplace_ids=[JP]
    )
    report = await wait_for_report(api, report_id, poll_interval=0.2, max_wait=30)
    assert report.processing_status is ProcessingStatus.DONE and report.report_document_id
    rows = [row async for row in iter_report_rows(api, report.report_document_id)]
    assert len(rows) == 120
    assert any(r["item-name"] == "ステンレス製マグカップ 350ml ミントグリーン" for r in rows)
    listed = await get_reports_page(api, report_types=["GET_MERCHANT_LISTINGS_ALL_DATA"])
    assert [r.report_id for r in listed.reports] == [report_id]


async def test_orders_report_in_utf8_and_cancel(api: StoreApi) -> None:
    report_id = await create_report(
        api,
        report_type="GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL",
        marketplace_ids=[US],
        data_start_time=datetime.now(UTC) - timedelta(days=30),
    )
    queued = await create_report(
        api, report_type="GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA", marketplace_ids=[US]
    )
    await cancel_report(api, queued)
    report = await wait_for_report(api, report_id, poll_interval=0.2, max_wait=30)
    assert report.report_document_id
    text = "".join([t async for t in stream_report_document(api, report.report_document_id)])
    assert text.startswith("amazon-order-id\t") and "ship-city" not in text
    assert (await get_report(api, queued)).processing_status is ProcessingStatus.CANCELLED


async def test_truncated_gzip_and_server_errors(api: StoreApi, simulator: RunningSimulator) -> None:
    report_id = await create_report(
        api, report_type="GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA", marketplace_ids=[US]
    )
    report = await wait_for_report(api, report_id, poll_interval=0.2, max_wait=30)
    assert report.report_document_id
    await fault(simulator, api, operation="getReportDocument", kind="truncated_gzip")
    link = await get_report_document(api, report.report_document_id)
    with pytest.raises(ReportDocumentError, match="truncated"):
        async for _ in stream_report_document(api, link):
            pass
    # 5xx are retried; a persistent one surfaces typed after the retries.
    await fault(simulator, api, operation="getReport", kind="status", status=503, count=2)
    assert (await get_report(api, report_id)).report_id == report_id
    await fault(simulator, api, operation="getReport", kind="status", status=500, count=5)
    with pytest.raises(SpApiServerError):
        await get_report(api, report_id)
    await fault(simulator, api, operation="getReport", kind="expired_token")
    assert (await get_report(api, report_id)).report_id == report_id
    # A 200 with a cut-off JSON body is retried; one that never heals is a server error.
    await fault(simulator, api, operation="getReport", kind="malformed_json")
    assert (await get_report(api, report_id)).report_id == report_id
    await fault(simulator, api, operation="getReport", kind="malformed_json", count=5)
    with pytest.raises(SpApiServerError, match="malformed"):
        await get_report(api, report_id)
    # A timeout longer than the client's is retried like a connection error.
    await fault(simulator, api, operation="getReport", kind="timeout", seconds=4)
    assert (await get_report(api, report_id)).report_id == report_id
