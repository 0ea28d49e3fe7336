"""The report path of a sync, and the rule that chooses it (README "Store data, sync and planning").

Cost in usage-plan requests, estimated before each inventory/orders sync:
- paging, inventory: Σ over marketplaces of max(1, ⌈SKUs in that marketplace at the last sync
  / 50⌉) getInventorySummaries pages;
- paging, orders: max(1, ⌈expected orders / 100⌉) searchOrders pages, where expected orders is,
  for an incremental sync, the orders we hold updated in the window of the same length just
  before the high-water mark (the recent rate), and for a full pull the orders we hold;
- report: per report, createReport + getReport polls + getReportDocument = 2 + P, where P is
  the average number of getReport calls of this store's last DONE reports of that type
  (3 until there are some); inventory needs one report per marketplace, orders one in all.
The report path is taken when it costs fewer requests (MINTHUB_SYNC_PATH=paging|report forces
one). A first sync (nothing known yet) pages. If the report type is cooling down after a FATAL
or CANCELLED report, or the report ends FATAL, the sync falls back to paging.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.amazon.client import StoreApi
from minthub_api.amazon.regions import MARKETPLACES
from minthub_api.amazon.schemas.orders import Order, OrderLine
from minthub_api.core.settings import Settings
from minthub_api.reports.headers import INVENTORY, ORDERS
from minthub_api.reports.ledger import ReportLedger, open_request, run_to_end
from minthub_api.reports.models import LedgerStatus, ReportRequest, ReportRow
from minthub_api.stores.models import Store
from minthub_api.sync.models import Dataset, InventorySnapshot, OrderSnapshot, SyncDataset

INVENTORY_PAGE = 50
ORDERS_PAGE = 100
DEFAULT_POLLS = 3.0
REPORT_TYPES = {Dataset.inventory: INVENTORY, Dataset.orders: ORDERS}


class ReportPathFailed(Exception):
    """The report could not give the data (FATAL, cooling down): page instead."""


@dataclass(frozen=True)
class PathChoice:
    path: str  # "api_paging" | "report"
    paging_requests: int
    report_requests: int
    why: str


async def choose_path(
    session: AsyncSession,
    store: Store,
    dataset: Dataset,
    state: SyncDataset,
    *,
    full: bool,
    now: datetime,
    settings: Settings,
) -> PathChoice:
    polls = await ReportLedger(session, store.id).average_polls(
        REPORT_TYPES[dataset], DEFAULT_POLLS
    )
    per_report = math.ceil(2 + polls)
    known = state.last_success_at is not None
    if dataset == Dataset.inventory:
        counts = dict(
            (
                await session.execute(
                    select(InventorySnapshot.marketplace_id, func.count())
                    .where(InventorySnapshot.store_id == store.id)
                    .group_by(InventorySnapshot.marketplace_id)
                )
            ).all()
        )
        paging = sum(
            max(1, math.ceil(int(counts.get(mp, 0)) / INVENTORY_PAGE))
            for mp in store.marketplace_ids
        )
        report = per_report * len(store.marketplace_ids)
        basis = f"SKUs per marketplace at the last sync {counts}"
    else:
        mark = None if full else state.high_water_mark
        if mark is not None:
            span = now - mark
            expected = int(
                (
                    await session.execute(
                        select(func.count()).where(
                            OrderSnapshot.store_id == store.id,
                            OrderSnapshot.last_update_date >= mark - span,
                            OrderSnapshot.last_update_date < mark,
                        )
                    )
                ).scalar_one()
            )
            basis = f"{expected} orders updated in the {span} before the high-water mark"
        else:
            expected = int(state.rows_total)
            basis = f"{expected} orders held"
        paging = max(1, math.ceil(expected / ORDERS_PAGE))
        report = per_report
    why = (
        f"paging ≈ {paging} requests ({basis}); report ≈ {report}"
        f" (createReport + {polls:g} getReport + getReportDocument per report)"
    )
    if settings.sync_path == "paging":
        return PathChoice("api_paging", paging, report, "MINTHUB_SYNC_PATH=paging; " + why)
    if settings.sync_path == "report":
        return PathChoice("report", paging, report, "MINTHUB_SYNC_PATH=report; " + why)
    if not known:
        return PathChoice("api_paging", paging, report, "first sync: sizes unknown; " + why)
    path = "report" if report < paging else "api_paging"
    return PathChoice(path, paging, report, why)


async def fetch_report(
    session: AsyncSession,
    api: StoreApi,
    store: Store,
    *,
    report_type: str,
    marketplace_ids: Sequence[str],
    data_start: datetime | None,
    settings: Settings,
    clock: Callable[[], datetime],
) -> ReportRequest:
    """A finished ledger report (reused or new). ReportPathFailed on cool-down or FATAL."""
    from minthub_api.reports.ledger import ReportCoolingDown

    try:
        row, _reused = await open_request(
            session,
            store.id,
            report_type=report_type,
            marketplace_ids=marketplace_ids,
            data_start=data_start,
            data_end=None,
            settings=settings,
            now=clock(),
            purpose="sync",
        )
    except ReportCoolingDown as exc:
        raise ReportPathFailed(exc.detail or exc.title) from None
    await session.commit()
    row = await run_to_end(session, api, row, settings=settings, clock=clock)
    if row.processing_status == LedgerStatus.FATAL:
        raise ReportPathFailed(row.error or "FATAL")
    return row


async def report_rows(session: AsyncSession, row: ReportRequest) -> list[dict[str, Any]]:
    stmt = (
        select(ReportRow.data)
        .where(ReportRow.store_id == row.store_id, ReportRow.report_request_id == row.id)
        .order_by(ReportRow.line)
    )
    return [dict(d) for d in (await session.execute(stmt)).scalars().all()]


def _int(value: Any) -> int:
    return int(value) if value is not None else 0


def inventory_row_from_report(
    data: dict[str, Any], marketplace_id: str, now: datetime
) -> dict[str, object]:
    """A snapshot row from a GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA row.

    reserved = afn-reserved-quantity, unfulfillable = afn-unsellable-quantity, researching =
    afn-researching-quantity; total = afn-total-quantity."""
    return {
        "marketplace_id": marketplace_id,
        "sku": str(data["sku"]),
        "asin": data.get("asin") or None,
        "fnsku": data.get("fnsku") or None,
        "product_name": data.get("product_name") or None,
        "condition": data.get("condition") or None,
        "fulfillable": _int(data.get("afn_fulfillable_quantity")),
        "inbound_working": _int(data.get("afn_inbound_working_quantity")),
        "inbound_shipped": _int(data.get("afn_inbound_shipped_quantity")),
        "inbound_receiving": _int(data.get("afn_inbound_receiving_quantity")),
        "reserved": _int(data.get("afn_reserved_quantity")),
        "unfulfillable": _int(data.get("afn_unsellable_quantity")),
        "researching": _int(data.get("afn_researching_quantity")),
        "total": _int(data.get("afn_total_quantity")),
        "amazon_updated_at": None,
        "synced_at": now,
    }


_STATUS = {
    "PENDING": "PENDING",
    "PENDINGAVAILABILITY": "PENDING_AVAILABILITY",
    "UNSHIPPED": "UNSHIPPED",
    "PARTIALLYSHIPPED": "PARTIALLY_SHIPPED",
    "SHIPPING": "UNSHIPPED",
    "SHIPPED": "SHIPPED",
    "CANCELLED": "CANCELLED",
    "CANCELED": "CANCELLED",
}
_NAMES = {m.name.casefold(): m.id for m in MARKETPLACES.values()}


def order_status(value: str | None) -> str:
    """Flat-file order-status ("Shipped", "Partially_Shipped", "PartiallyShipped") → the API's."""
    key = "".join(ch for ch in (value or "").upper() if ch.isalpha())
    return _STATUS.get(key, key or "UNKNOWN")


def orders_from_report(
    rows: Sequence[dict[str, Any]], marketplace_ids: Sequence[str]
) -> list[Order]:
    """Orders (with lines) from GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL rows.

    One row per order item: item-price is the line's total, so unit price = item-price /
    quantity. The order total is Σ item-price + shipping-price (None while PENDING, as the API);
    the file has no latest ship date (the stored one is kept). Buyer columns never got here."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for data in rows:
        grouped.setdefault(str(data["amazon_order_id"]), []).append(data)
    orders = []
    for order_id, lines in grouped.items():
        first = lines[0]
        status = order_status(first.get("order_status"))
        channel = str(first.get("sales_channel") or "").casefold()
        marketplace = _NAMES.get(channel) or (
            marketplace_ids[0] if len(marketplace_ids) == 1 else None
        )
        total = Decimal(0)
        currency = None
        order_lines = []
        for n, data in enumerate(lines, start=1):
            qty = _int(data.get("quantity"))
            price = data.get("item_price")
            amount = Decimal(price["amount"]) if price else None
            if price:
                currency = price["currency"]
                total += amount or 0
            ship = data.get("shipping_price")
            if ship:
                total += Decimal(ship["amount"])
            order_lines.append(
                OrderLine(
                    order_item_id=f"report-{n}",
                    sku=data.get("sku"),
                    asin=data.get("asin"),
                    quantity=qty,
                    unit_price=(amount / qty).quantize(Decimal("0.01")) if amount and qty else None,
                    currency=price["currency"] if price else None,
                )
            )
        fulfillment = str(first.get("fulfillment_channel") or "").casefold()
        purchase = datetime.fromisoformat(str(first["purchase_date"]))
        updated = first.get("last_updated_date")
        orders.append(
            Order(
                order_id=order_id,
                status=status,
                purchase_date=purchase,
                last_update_date=datetime.fromisoformat(str(updated)) if updated else purchase,
                marketplace_id=marketplace,
                fulfillment_channel=(
                    "AFN" if fulfillment == "amazon" else "MFN" if fulfillment else None
                ),
                item_count=sum(line.quantity for line in order_lines),
                order_total=None if status.startswith("PENDING") or currency is None else total,
                currency=currency,
                lines=tuple(order_lines),
            )
        )
    return orders
