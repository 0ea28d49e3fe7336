"""Report documents of the simulator: TSV flat files built from the seller's data.

Charsets as Amazon sends them (SPAPI-NOTES §7.1): Japan → ``windows-31j``; elsewhere listings →
``Cp1252``, inventory → ``ISO-8859-1``, orders → ``UTF-8``. Characters the charset can't hold
become ``?``, as in Amazon's own files. Orders reports carry no buyer location (§7.4, §8).
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from .catalogue import MARKETPLACES_BY_ID, iso

if TYPE_CHECKING:
    from .state import SimState

LISTINGS = "GET_MERCHANT_LISTINGS_ALL_DATA"
INVENTORY = "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA"
ORDERS = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"
SUPPORTED = (LISTINGS, INVENTORY, ORDERS)
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


@dataclass
class SimDocument:
    document_id: str
    selling_partner_id: str
    charset: str
    gzipped: bytes
    truncate_downloads: int = 0  # the truncated_gzip fault
    rows: int = 0
    links: dict[str, float] = field(default_factory=dict)  # signature -> expires at


def charset_for(report_type: str, marketplace_id: str) -> str:
    if MARKETPLACES_BY_ID[marketplace_id].country_code == "JP":
        return "windows-31j"
    return {LISTINGS: "Cp1252", INVENTORY: "ISO-8859-1"}.get(report_type, "UTF-8")


def build_rows(state: SimState, report: SimReport) -> list[list[str]]:
    """Header + rows; only the header means "no data" (the report ends CANCELLED)."""
    seller, marketplace_id = report.selling_partner_id, report.marketplace_ids[0]
    currency = MARKETPLACES_BY_ID[marketplace_id].currency
    now = state.now_dt()
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
                    "2025-06-01 08:00:00 PDT",
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


def render_document(rows: list[list[str]], charset: str) -> bytes:
    text = "".join("\t".join(r) + "\r\n" for r in rows)
    return gzip.compress(text.encode(CHARSET_CODECS[charset], errors="replace"), mtime=0)
