"""GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT of the simulator: Amazon's Restock Inventory.

Columns are Amazon's (``reports.headers``, English names from public parsers). One report per
marketplace, one row per FBA SKU of that marketplace. A seller without FBA stock there (an
MFN-only seller, ``/_sim/sellers/{spid}/fulfillment``) has no rows, so the report ends
``CANCELLED`` ("no data", SPAPI-NOTES §5.6), like Amazon's; ``fatal_report`` makes it FATAL.

Amazon's model is its own (demand forecast, seasonality, costs). The simulator's stand-in is
deterministic so tests can recompute it; every quantity comes from the seller's simulated data:

    units_30       = Σ quantity of the marketplace's Amazon-fulfilled (AFN) orders, not cancelled,
                     purchased in the last 30 days (now - 30 d ≤ purchase ≤ now)
    sales_30       = Σ unit price * quantity over the same lines (marketplace currency)
    daily          = units_30 / 30
    at_amazon      = available + fc_transfer + fc_processing
    total_units    = at_amazon + inbound + customer_order      (inbound = working+shipped+receiving)
    days_at_amazon = floor(at_amazon / daily)                   (empty when daily = 0)
    days_total     = floor((at_amazon + inbound) / daily)       (empty when daily = 0)
    target         = ceil(daily * (LEAD_DAYS + COVER_DAYS))
    recommended    = max(0, target - (at_amazon + inbound))
    alert          = out_of_stock if available = 0, reorder_now if days_total < LEAD_DAYS, else ""
    ship date      = today (marketplace time zone) + max(0, days_total - LEAD_DAYS), only when
                     recommended > 0
    action         = "Create shipping plan" when recommended > 0 (wording unverified)
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .catalogue import MARKETPLACES_BY_ID

if TYPE_CHECKING:
    from .state import SimState

RESTOCK = "GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT"
LEAD_DAYS = 30  # Amazon's default lead time in the simulated Restock Inventory settings
COVER_DAYS = 60  # what a replenishment should cover after it arrives
WINDOW = timedelta(days=30)
COUNTRY_NAMES = {
    "US": "United States",
    "CA": "Canada",
    "MX": "Mexico",
    "JP": "Japan",
    "GB": "United Kingdom",
    "DE": "Germany",
    "FR": "France",
    "IT": "Italy",
    "ES": "Spain",
    "AU": "Australia",
    "SG": "Singapore",
}
TIME_ZONES = {
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
HEADER = [
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
DECIMAL_COLUMNS = {"Price", "Sales last 30 days"}
DATE_COLUMN = "Recommended ship date"


def sold_last_30_days(
    state: SimState, seller: str, marketplace_id: str, now: datetime
) -> dict[str, tuple[int, Decimal]]:
    """seller SKU → (units, sales) of AFN orders, not cancelled, purchased in the last 30 days."""
    currency = MARKETPLACES_BY_ID[marketplace_id].currency
    anchor = now.replace(hour=0, minute=0, second=0, microsecond=0)
    units: dict[str, int] = defaultdict(int)
    sales: dict[str, Decimal] = defaultdict(Decimal)
    for order in state.orders(seller):
        created = order.created(anchor)
        if (
            order.marketplace_id != marketplace_id
            or order.fulfilled_by != "AMAZON"
            or order.status == "CANCELLED"
            or not now - WINDOW <= created <= now
        ):
            continue
        for item in order.items:
            units[item.sku.seller_sku] += item.quantity
            sales[item.sku.seller_sku] += item.sku.price(currency) * item.quantity
    return {sku: (units[sku], sales[sku]) for sku in units}


def build_restock_rows(
    state: SimState, seller: str, marketplace_id: str, now: datetime
) -> list[list[str]]:
    """English header + one row per FBA SKU; ship dates ISO (formatted by `localize`)."""
    market = MARKETPLACES_BY_ID[marketplace_id]
    today = now.astimezone(ZoneInfo(TIME_ZONES[market.country_code])).date()
    sold = sold_last_30_days(state, seller, marketplace_id, now)
    rows = [list(HEADER)]
    for row in state.inventory(seller, marketplace_id):
        sku, d = row["sku"], row["details"]
        reserved = d["reservedQuantity"]
        available = int(d["fulfillableQuantity"])
        transfer = int(reserved["pendingTransshipmentQuantity"])
        processing = int(reserved["fcProcessingQuantity"])
        customer = int(reserved["pendingCustomerOrderQuantity"])
        working = int(d["inboundWorkingQuantity"])
        shipped = int(d["inboundShippedQuantity"])
        receiving = int(d["inboundReceivingQuantity"])
        inbound = working + shipped + receiving
        at_amazon = available + transfer + processing
        units, sales = sold.get(sku.seller_sku, (0, Decimal(0)))
        days_amazon = days_total = ""
        recommended = 0
        alert = "out_of_stock" if available == 0 else ""
        ship = ""
        if units > 0:
            # Exact integer arithmetic (daily = units / 30): a rounded Decimal daily rate would
            # put floor/ceil one off at exact multiples (e.g. 7 units: 7 / (7/30) = 30).
            total_days = 30 * (at_amazon + inbound) // units
            days_amazon, days_total = str(30 * at_amazon // units), str(total_days)
            target = -(-units * (LEAD_DAYS + COVER_DAYS) // 30)  # ceil
            recommended = max(0, target - (at_amazon + inbound))
            if not alert and total_days < LEAD_DAYS:
                alert = "reorder_now"
            if recommended > 0:
                ship = (today + timedelta(days=max(0, total_days - LEAD_DAYS))).isoformat()
        rows.append(
            [
                COUNTRY_NAMES[market.country_code],
                sku.product_name,
                sku.fn_sku,
                sku.seller_sku,
                sku.asin,
                "New",
                "",
                "",
                market.currency,
                str(sku.price(market.currency)),
                str(sales),
                str(units),
                str(at_amazon + inbound + customer),
                str(inbound),
                str(available),
                str(transfer),
                str(processing),
                str(customer),
                str(d["unfulfillableQuantity"]["totalUnfulfillableQuantity"]),
                str(working),
                str(shipped),
                str(receiving),
                "Amazon",
                days_total,
                days_amazon,
                alert,
                str(recommended),
                ship,
                "Create shipping plan" if recommended > 0 else "",
                "Standard-size",
            ]
        )
    return rows


def ship_date_text(iso: str, language: str, country: str) -> str:
    """A ship date as Seller Central writes it: 07/04/2026 (en US/CA), 04/07/2026 (en
    elsewhere, fr, es, it), 04.07.2026 (de), 2026/07/04 (ja)."""
    year, month, day = iso.split("-")
    if language == "ja":
        return f"{year}/{month}/{day}"
    if language == "de":
        return f"{day}.{month}.{year}"
    if language == "en" and country in ("US", "CA"):
        return f"{month}/{day}/{year}"
    return f"{day}/{month}/{year}"
