"""Simulator (seller with a Japanese / German Seller Central) → client download → parser."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from minthub_api.amazon import (
    AccessTokenCache,
    InMemoryRateLimiter,
    LwaClient,
    SpApiClient,
    StoreApi,
    StoreCredentials,
    build_user_agent,
    create_report,
    get_report_document,
    stream_report_document,
    wait_for_report,
)
from minthub_api.amazon.regions import Region
from minthub_api.reports import INVENTORY, LISTINGS, ORDERS, Money, ParsedReport, parse_report
from minthub_api.simulator.catalogue import build_catalogue, build_inventory
from tests.conftest import RunningSimulator
from tests.support.sim_seller import connect_seller

JP, DE = "A1VC38T7YXB528", "A1PA6795UKMFR9"


@pytest.fixture
async def api(simulator: RunningSimulator) -> AsyncIterator[StoreApi]:
    async with httpx.AsyncClient(timeout=5) as http:
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

        yield client.for_store(StoreCredentials(seller, seller, Region.FE, load))


async def set_language(simulator: RunningSimulator, seller: str, language: str) -> None:
    async with httpx.AsyncClient() as http:
        r = await http.put(
            f"{simulator.url}/_sim/sellers/{seller}/language", json={"language": language}
        )
        assert r.status_code == 200, r.text


async def fetch(
    api: StoreApi, report_type: str, marketplace: str, **options: str
) -> tuple[ParsedReport, str]:
    report_id = await create_report(
        api,
        report_type=report_type,
        marketplace_ids=[marketplace],
        data_start_time=datetime.now(UTC) - timedelta(days=30),
        report_options=options or None,
    )
    report = await wait_for_report(api, report_id, poll_interval=0.2, max_wait=30)
    assert report.report_document_id
    link = await get_report_document(api, report.report_document_id)
    async with httpx.AsyncClient() as http:
        content_type = (await http.get(link.document.url)).headers["content-type"]
    text = "".join([t async for t in stream_report_document(api, link)])
    parsed = parse_report(text, report_type=report_type, marketplace_id=marketplace)
    return parsed, content_type


def as_in(charset: str, text: str) -> str:
    """What survives a charset that can't hold every character (Amazon writes '?')."""
    return text.encode(charset, errors="replace").decode(charset)


async def test_japanese_seller_listings(api: StoreApi, simulator: RunningSimulator) -> None:
    await set_language(simulator, api.selling_partner_id, "ja_JP")
    parsed, content_type = await fetch(api, LISTINGS, JP)
    assert "windows-31j" in content_type and parsed.language == "ja"
    assert "出品者SKU" in parsed.columns.values()
    config = simulator.config
    catalogue = build_catalogue(config.seed, api.selling_partner_id, config.skus_per_seller)
    assert [r["sku"] for r in parsed.rows] == [s.seller_sku for s in catalogue]
    for row, sku in zip(parsed.rows, catalogue, strict=True):
        assert row["price"] == Money(sku.price("JPY"), "JPY")
        assert row["item_name"] == as_in("cp932", sku.product_name)
        assert row["open_date"] == datetime(2025, 6, 1, 15, 0, tzinfo=UTC)
    assert any(r["item_name"] == "ステンレス製マグカップ 350ml ミントグリーン" for r in parsed.rows)


async def test_german_seller_inventory_and_orders(
    api: StoreApi, simulator: RunningSimulator
) -> None:
    await set_language(simulator, api.selling_partner_id, "de_DE")
    parsed, content_type = await fetch(api, INVENTORY, DE)
    assert "Cp1252" in content_type and parsed.language == "de"
    assert parsed.columns["sku"] == "Händler-SKU"
    config = simulator.config
    catalogue = build_catalogue(config.seed, api.selling_partner_id, config.skus_per_seller)
    inventory = build_inventory(config.seed, api.selling_partner_id, DE, catalogue)
    assert len(parsed.rows) == len(inventory)
    for row, entry in zip(parsed.rows, inventory, strict=True):
        details = entry["details"]
        assert row["sku"] == entry["sku"].seller_sku
        assert row["your_price"] == Money(entry["sku"].price("EUR"), "EUR")
        assert row["afn_fulfillable_quantity"] == details["fulfillableQuantity"]
        assert row["afn_inbound_shipped_quantity"] == details["inboundShippedQuantity"]
        assert row["afn_total_quantity"] == entry["total"]
        assert row["per_unit_volume"] == Decimal("0.35")
        assert row["product_name"] == as_in("cp1252", entry["sku"].product_name)

    orders, content_type = await fetch(api, ORDERS, DE)
    assert "Cp1252" in content_type and orders.language == "de"
    assert orders.rows and all(r["currency"] == "EUR" for r in orders.rows)
    for row in orders.rows:
        price = row["item_price"]
        assert isinstance(price, Money) and price.currency == "EUR"
        purchased = row["purchase_date"]
        assert isinstance(purchased, datetime) and purchased.tzinfo is UTC


async def test_preferred_locale_overrides_the_language(
    api: StoreApi, simulator: RunningSimulator
) -> None:
    await set_language(simulator, api.selling_partner_id, "de_DE")
    parsed, content_type = await fetch(api, INVENTORY, DE, preferredReportDocumentLocale="en_US")
    assert "ISO-8859-1" in content_type and parsed.language == "en"
    assert parsed.columns["sku"] == "sku"
