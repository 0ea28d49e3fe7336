"""GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT in the simulator: Amazon's columns, one report per
marketplace, values recomputed here from the seller's generated data (simulator/restock.py's
documented model, re-derived with exact fractions), localized headers, CANCELLED without FBA."""

from __future__ import annotations

import gzip
import math
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from minthub_api.reports import Money, parse_report
from minthub_api.simulator.catalogue import build_catalogue, build_inventory
from minthub_api.simulator.config import SimulatorConfig
from minthub_api.simulator.orders_data import build_orders

from .conftest import US, Sim
from .test_reports import create, document, finished

RESTOCK = "GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT"
DE, JP = "A1PA6795UKMFR9", "A1VC38T7YXB528"
SELLER = "A1MINTHUB00007"
# Amazon's header, as public parsers of real files list it.
AMAZON_HEADER = [
    "Country",
    "Product Name",
    "FNSKU",
    "Merchant SKU",
    "ASIN",
    "Condition",
    "Supplier",
    "Supplier part no.",
    "Currency code",
    "Price",
    "Sales last 30 days",
    "Units Sold Last 30 Days",
    "Total Units",
    "Inbound",
    "Available",
    "FC transfer",
    "FC Processing",
    "Customer Order",
    "Unfulfillable",
    "Working",
    "Shipped",
    "Receiving",
    "Fulfilled by",
    "Total Days of Supply (including units from open shipments)",
    "Days of Supply at Amazon Fulfillment Network",
    "Alert",
    "Recommended replenishment qty",
    "Recommended ship date",
    "Recommended action",
    "Unit storage size",
]
CA, MX = "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8"
ZONES = {
    US: "America/Los_Angeles",
    CA: "America/Toronto",
    MX: "America/Mexico_City",
    DE: "Europe/Berlin",
    JP: "Asia/Tokyo",
}
CURRENCIES = {US: "USD", CA: "CAD", MX: "MXN", DE: "EUR", JP: "JPY"}


def expected(
    config: SimulatorConfig, marketplace: str, now: datetime, seller: str = SELLER
) -> list[dict[str, Any]]:
    """Every row of the seller's restock report for `marketplace` built at `now`."""
    catalogue = build_catalogue(config.seed, seller, config.skus_per_seller)
    orders = build_orders(config.seed, seller, config.orders_per_seller, catalogue)
    anchor = now.replace(hour=0, minute=0, second=0, microsecond=0)
    currency = CURRENCIES[marketplace]
    units: dict[str, int] = defaultdict(int)
    sales: dict[str, Decimal] = defaultdict(Decimal)
    for order in orders:
        bought = order.created(anchor)
        if (
            order.marketplace_id == marketplace
            and order.fulfilled_by == "AMAZON"
            and order.status != "CANCELLED"
            and now - timedelta(days=30) <= bought <= now
        ):
            for item in order.items:
                units[item.sku.seller_sku] += item.quantity
                sales[item.sku.seller_sku] += item.sku.price(currency) * item.quantity
    today = now.astimezone(ZoneInfo(ZONES[marketplace])).date()
    out = []
    for entry in build_inventory(config.seed, seller, marketplace, catalogue):
        sku, d = entry["sku"], entry["details"]
        r = d["reservedQuantity"]
        available = d["fulfillableQuantity"]
        inbound = (
            d["inboundWorkingQuantity"]
            + d["inboundShippedQuantity"]
            + d["inboundReceivingQuantity"]
        )
        at_amazon = available + r["pendingTransshipmentQuantity"] + r["fcProcessingQuantity"]
        sold = units.get(sku.seller_sku, 0)
        daily = Fraction(sold, 30)
        total_days = at_days = ship = None
        qty = 0
        alert = "out_of_stock" if available == 0 else None
        if sold:
            total_days = math.floor((at_amazon + inbound) / daily)
            at_days = math.floor(at_amazon / daily)
            qty = max(0, math.ceil(daily * 90) - at_amazon - inbound)
            if alert is None and total_days < 30:
                alert = "reorder_now"
            if qty:
                ship = today + timedelta(days=max(0, total_days - 30))
        out.append(
            {
                "sku": sku.seller_sku,
                "asin": sku.asin,
                "available": available,
                "inbound": inbound,
                "total_units": at_amazon + inbound + r["pendingCustomerOrderQuantity"],
                "units_sold_last_30_days": sold,
                "sales_last_30_days": Money(sales.get(sku.seller_sku, Decimal(0)), currency),
                "price": Money(sku.price(currency), currency),
                "total_days_of_supply": total_days,
                "days_of_supply_at_amazon": at_days,
                "alert": alert,
                "recommended_replenishment_qty": qty,
                "recommended_ship_date": ship,
            }
        )
    return out


async def download(sim: Sim, marketplace: str) -> tuple[str, str, datetime]:
    """(content type, decoded text, when the document was built) of a finished report."""
    report_id = await create(sim, RESTOCK, marketplace)
    done = await finished(sim, report_id)
    assert done["processingStatus"] == "DONE", done
    built_at = sim.now()
    doc = await document(sim, done["reportDocumentId"])
    response = await sim.client.get(doc["url"])
    content_type = response.headers["content-type"]
    codec = {"windows-31j": "cp932", "Cp1252": "cp1252", "ISO-8859-1": "latin-1"}[
        content_type.split("charset=")[1]
    ]
    return content_type, gzip.decompress(response.content).decode(codec), built_at


class TestRestockReport:
    async def test_amazon_columns_and_the_documented_model(self, connected: Sim) -> None:
        content_type, text, built_at = await download(connected, US)
        assert content_type == "text/plain; charset=ISO-8859-1"
        lines = text.split("\r\n")
        assert lines[0].split("\t") == AMAZON_HEADER
        parsed = parse_report(text, report_type=RESTOCK, marketplace_id=US)
        want = expected(connected.state.config, US, built_at)
        assert len(parsed.rows) == len(want) == 120
        for row, exp in zip(parsed.rows, want, strict=True):
            got = {k: row.get(k) for k in exp}
            got["alert"] = got["alert"] or None
            assert got == exp, exp["sku"]
        # The data exercises every branch: out of stock, reorder now, no alert, nothing to send.
        assert {r["alert"] for r in want} == {"out_of_stock", "reorder_now", None}
        assert any(r["recommended_replenishment_qty"] == 0 for r in want)
        assert any(r["recommended_ship_date"] for r in want)
        us_dates = [line.split("\t")[27] for line in lines[1:] if line and line.split("\t")[27]]
        assert us_dates and all(len(d) == 10 and d[2] == "/" for d in us_dates)  # MM/DD/YYYY

    async def test_localized_headers_numbers_and_dates(self, connected: Sim) -> None:
        for language, marketplace, header, date_text in (
            ("de_DE", DE, "Empfohlene Nachschubmenge", "%d.%m.%Y"),
            ("ja_JP", JP, "推奨補充数量", "%Y/%m/%d"),
        ):
            r = await connected.client.put(
                f"/_sim/sellers/{SELLER}/language", json={"language": language}
            )
            assert r.status_code == 200
            content_type, text, built_at = await download(connected, marketplace)
            assert ("windows-31j" if language == "ja_JP" else "Cp1252") in content_type
            parsed = parse_report(text, report_type=RESTOCK, marketplace_id=marketplace)
            assert parsed.language == language[:2]
            assert parsed.columns["recommended_replenishment_qty"] == header
            want = expected(connected.state.config, marketplace, built_at)
            for row, exp in zip(parsed.rows, want, strict=True):
                assert row["recommended_replenishment_qty"] == exp["recommended_replenishment_qty"]
                assert row["recommended_ship_date"] == exp["recommended_ship_date"]
                assert row["sales_last_30_days"] == exp["sales_last_30_days"]
                if exp["recommended_ship_date"] is not None:
                    ship: date = exp["recommended_ship_date"]
                    assert ship.strftime(date_text) in text
        await connected.client.put(f"/_sim/sellers/{SELLER}/language", json={"language": "en_US"})

    async def test_a_seller_without_fba_gets_cancelled(self, connected: Sim) -> None:
        r = await connected.client.put(f"/_sim/sellers/{SELLER}/fulfillment", json={"fba": False})
        assert r.json() == {"selling_partner_id": SELLER, "fba": False}
        report_id = await create(connected, RESTOCK, US)
        done = await finished(connected, report_id)
        assert done["processingStatus"] == "CANCELLED" and "reportDocumentId" not in done
        summaries = await connected.spapi(
            "getInventorySummaries",
            "/fba/inventory/v1/summaries",
            {"granularityType": "Marketplace", "granularityId": US, "marketplaceIds": US},
        )
        assert summaries.json()["payload"]["inventorySummaries"] == []
        await connected.client.put(f"/_sim/sellers/{SELLER}/fulfillment", json={"fba": True})
        again = await finished(connected, await create(connected, RESTOCK, US))
        assert again["processingStatus"] == "DONE"


def test_exact_arithmetic_for_many_sellers() -> None:
    """Days of supply and quantities are exact at multiples (7 units: 7 / (7/30) = 30 days),
    for many sellers' data, not rounded through a decimal daily rate."""
    from datetime import UTC

    from minthub_api.simulator.restock import build_restock_rows
    from minthub_api.simulator.state import SimState

    config = SimulatorConfig(skus_per_seller=120, orders_per_seller=300)
    state = SimState(config)
    now = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    names = {
        "Total Days of Supply (including units from open shipments)",
        "Recommended replenishment qty",
    }
    at = [AMAZON_HEADER.index(n) for n in sorted(names)]
    for n in range(25):
        seller = f"A{n:03d}EXACT"
        for marketplace in (US, CA, MX):
            rows = build_restock_rows(state, seller, marketplace, now)[1:]
            want = expected(config, marketplace, now, seller)
            for row, exp in zip(rows, want, strict=True):
                got = [row[i] for i in at]
                assert got == [
                    str(exp["recommended_replenishment_qty"]),
                    "" if exp["total_days_of_supply"] is None else str(exp["total_days_of_supply"]),
                ], (seller, marketplace, exp["sku"])
