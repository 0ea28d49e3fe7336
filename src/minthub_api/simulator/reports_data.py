"""Report documents of the simulator: TSV flat files built from the seller's data.

Charsets as Amazon sends them (SPAPI-NOTES §7.1): Japan → ``windows-31j``; elsewhere listings →
``Cp1252``, inventory → ``ISO-8859-1``, orders → ``UTF-8``. Characters the charset can't hold
become ``?``, as in Amazon's own files. Orders reports carry no buyer location (§7.4, §8).

A document in a seller's non-English Seller Central language (``SimReport.locale``) has that
language's headers (``minthub_api.reports.headers``), its number format (``1.234,56``; French
``1 234,56``; Japanese ``1,980``) and date format (``01.06.2025 17:00:00 MESZ``,
``01/06/2025 17:00:00 CEST``, ``2025/06/02 00:00:00 JST``, in the marketplace's time zone), and
the charset of its script: ``windows-31j`` for Japanese, ``Cp1252`` for the European languages.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from minthub_api.reports.headers import HEADERS, LANGUAGES, header_for

from .catalogue import MARKETPLACES_BY_ID, iso
from .restock import DATE_COLUMN, DECIMAL_COLUMNS, RESTOCK, build_restock_rows, ship_date_text

if TYPE_CHECKING:
    from .state import SimState

LISTINGS = "GET_MERCHANT_LISTINGS_ALL_DATA"
INVENTORY = "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA"
ORDERS = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"
SUPPORTED = (LISTINGS, INVENTORY, ORDERS, RESTOCK)
# Buyer PII: the simulated app has no restricted role (SPAPI-NOTES §5.6).
RESTRICTED = (
    "GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING",
    "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_INVOICING",
)
CHARSET_CODECS = {
    "windows-31j": "cp932",
    "Cp1252": "cp1252",
    "ISO-8859-1": "latin-1",
    "UTF-8": "utf-8",
}


@dataclass
class SimReport:
    report_id: str
    selling_partner_id: str
    report_type: str
    marketplace_ids: list[str]
    created_at: float  # simulator clock
    data_start: datetime | None
    data_end: datetime | None
    outcome: str  # DONE | CANCELLED | FATAL once processing ends
    cancelled_at: float | None = None
    document_id: str | None = None
    locale: str = "en_US"  # preferredReportDocumentLocale, else the seller's language


@dataclass
class SimDocument:
    document_id: str
    selling_partner_id: str
    charset: str
    gzipped: bytes
    truncate_downloads: int = 0  # the truncated_gzip fault
    rows: int = 0
    links: dict[str, float] = field(default_factory=dict)  # signature -> expires at


# Every listing was opened at the same instant (08:00 Pacific daylight time).
OPEN_DATE = datetime(2025, 6, 1, 15, 0, tzinfo=UTC)
# Our own column → zone mapping for rendering; the parser has its own (independent) rules.
_TIME_ZONES = {
    "US": "America/Los_Angeles",
    "CA": "America/Toronto",
    "MX": "America/Mexico_City",
    "JP": "Asia/Tokyo",
    "GB": "Europe/London",
    "DE": "Europe/Berlin",
    "FR": "Europe/Paris",
    "IT": "Europe/Rome",
    "ES": "Europe/Madrid",
    "AU": "Australia/Sydney",
    "SG": "Asia/Singapore",
}
_DECIMALS = {"price", "your-price", "per-unit-volume", "item-price"}
_DATES = {"open-date", "purchase-date", "last-updated-date"}


def is_supported_locale(locale: str) -> bool:
    language, _, country = locale.partition("_")
    return language in LANGUAGES and len(country) == 2 and country.isupper()


def charset_for(report_type: str, marketplace_id: str, locale: str = "en_US") -> str:
    language = locale.partition("_")[0]
    if language == "ja" or MARKETPLACES_BY_ID[marketplace_id].country_code == "JP":
        return "windows-31j"
    if language != "en":
        return "Cp1252"
    return {LISTINGS: "Cp1252", INVENTORY: "ISO-8859-1", RESTOCK: "ISO-8859-1"}.get(
        report_type, "UTF-8"
    )


def _number(value: str, language: str) -> str:
    amount = Decimal(value)
    whole, _, fraction = f"{abs(amount):f}".partition(".")
    groups = f"{int(whole):,}"
    sign = "-" if amount < 0 else ""
    if language == "ja":
        return sign + groups + (f".{fraction}" if fraction else "")
    group_sep = "\u00a0" if language == "fr" else "."
    return sign + groups.replace(",", group_sep) + (f",{fraction}" if fraction else "")


def _date(value: datetime, language: str, country: str) -> str:
    local = value.astimezone(ZoneInfo(_TIME_ZONES[country]))
    zone = local.tzname() or "UTC"
    if language == "ja":
        return local.strftime("%Y/%m/%d %H:%M:%S ") + zone
    if language == "de":
        zone = {"CET": "MEZ", "CEST": "MESZ"}.get(zone, zone)
        return local.strftime("%d.%m.%Y %H:%M:%S ") + zone
    return local.strftime("%d/%m/%Y %H:%M:%S ") + zone


def localize(
    rows: list[list[str]], report_type: str, locale: str, marketplace_id: str
) -> list[list[str]]:
    """English rows → the headers, numbers and dates of `locale` (unchanged for English, but
    for the restock ship date, which is ISO until written in the marketplace's date order)."""
    language = locale.partition("_")[0]
    country = MARKETPLACES_BY_ID[marketplace_id].country_code
    header = rows[0]
    if report_type == RESTOCK:
        at = header.index(DATE_COLUMN)
        rows = [header] + [
            [*r[:at], ship_date_text(r[at], language, country) if r[at] else "", *r[at + 1 :]]
            for r in rows[1:]
        ]
    if language == "en":
        return rows
    english = {h: c for c, h in HEADERS[report_type]["en"].items()}
    out = [[header_for(report_type, language, english[h]) for h in header]]
    for row in rows[1:]:
        cells = []
        for name, cell in zip(header, row, strict=True):
            if cell and (name in _DECIMALS or (report_type == RESTOCK and name in DECIMAL_COLUMNS)):
                cell = _number(cell, language)
            elif cell and name == "open-date":
                cell = _date(OPEN_DATE, language, country)
            elif cell and name in _DATES:
                cell = _date(datetime.fromisoformat(cell), language, country)
            cells.append(cell)
        out.append(cells)
    return out


def build_rows(state: SimState, report: SimReport) -> list[list[str]]:
    """Header + rows; only the header means "no data" (the report ends CANCELLED)."""
    seller, marketplace_id = report.selling_partner_id, report.marketplace_ids[0]
    currency = MARKETPLACES_BY_ID[marketplace_id].currency
    now = state.now_dt()
    if report.report_type == RESTOCK:
        return build_restock_rows(state, seller, marketplace_id, now)
    if report.report_type == LISTINGS:
        rows = [
            [
                "item-name",
                "listing-id",
                "seller-sku",
                "price",
                "quantity",
                "open-date",
                "asin1",
                "fulfillment-channel",
                "status",
            ]
        ]
        for i, sku in enumerate(state.catalogue(seller)):
            rows.append(
                [
                    sku.product_name,
                    f"0{i:09d}",
                    sku.seller_sku,
                    str(sku.price(currency)),
                    "" if i % 3 else str(i % 40),
                    _date_en(OPEN_DATE),
                    sku.asin,
                    "AMAZON_NA" if i % 3 else "DEFAULT",
                    "Inactive" if i % 9 == 4 else "Active",
                ]
            )
        return rows
    if report.report_type == INVENTORY:
        rows = [
            [
                "sku",
                "fnsku",
                "asin",
                "product-name",
                "condition",
                "your-price",
                "mfn-listing-exists",
                "mfn-fulfillable-quantity",
                "afn-listing-exists",
                "afn-warehouse-quantity",
                "afn-fulfillable-quantity",
                "afn-unsellable-quantity",
                "afn-reserved-quantity",
                "afn-total-quantity",
                "per-unit-volume",
                "afn-inbound-working-quantity",
                "afn-inbound-shipped-quantity",
                "afn-inbound-receiving-quantity",
            ]
        ]
        for row in state.inventory(seller, marketplace_id):
            sku, d = row["sku"], row["details"]
            reserved = d["reservedQuantity"]["totalReservedQuantity"]
            unsellable = d["unfulfillableQuantity"]["totalUnfulfillableQuantity"]
            warehouse = d["fulfillableQuantity"] + reserved + unsellable
            rows.append(
                [
                    sku.seller_sku,
                    sku.fn_sku,
                    sku.asin,
                    sku.product_name,
                    "New",
                    str(sku.price(currency)),
                    "No",
                    "",
                    "Yes",
                    str(warehouse),
                    str(d["fulfillableQuantity"]),
                    str(unsellable),
                    str(reserved),
                    str(row["total"]),
                    "0.35",
                    str(d["inboundWorkingQuantity"]),
                    str(d["inboundShippedQuantity"]),
                    str(d["inboundReceivingQuantity"]),
                ]
            )
        return rows
    rows = [
        [
            "amazon-order-id",
            "purchase-date",
            "last-updated-date",
            "order-status",
            "fulfillment-channel",
            "sales-channel",
            "sku",
            "asin",
            "item-status",
            "quantity",
            "currency",
            "item-price",
        ]
    ]
    anchor = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start = report.data_start
    end = report.data_end or now
    for order in state.orders(seller):
        if order.marketplace_id not in report.marketplace_ids:
            continue
        updated = order.updated(anchor)
        if (start is not None and updated < start) or updated > end:
            continue
        market = MARKETPLACES_BY_ID[order.marketplace_id]
        for item in order.items:
            rows.append(
                [
                    order.order_id,
                    iso(order.created(anchor)).replace("Z", "+00:00"),
                    iso(updated).replace("Z", "+00:00"),
                    order.status.title(),
                    "Amazon" if order.fulfilled_by == "AMAZON" else "Merchant",
                    market.domain.removeprefix("www.").capitalize(),
                    item.sku.seller_sku,
                    item.sku.asin,
                    order.status.title(),
                    str(item.quantity),
                    market.currency,
                    str(item.sku.price(market.currency) * item.quantity),
                ]
            )
    return rows


def _date_en(value: datetime) -> str:
    local = value.astimezone(ZoneInfo("America/Los_Angeles"))
    return local.strftime("%Y-%m-%d %H:%M:%S ") + (local.tzname() or "")


def render_document(rows: list[list[str]], charset: str) -> bytes:
    text = "".join("\t".join(r) + "\r\n" for r in rows)
    return gzip.compress(text.encode(CHARSET_CODECS[charset], errors="replace"), mtime=0)
