"""The `restock` dataset: Amazon's own suggestion (GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT).

One report per marketplace of the store, through the report ledger (README "Amazon's restock
recommendations"):
- a DONE report requested less than MINTHUB_RESTOCK_FRESHNESS_MINUTES ago is reused, else a new
  one is requested; the marketplaces' reports are requested first and then waited for together;
- DONE: the marketplace's rows become the report's rows (canonical columns, any header language);
- CANCELLED: Amazon has no data there (no FBA stock: an MFN-only seller or marketplace), so the
  marketplace has no recommendation; the next sync of it waits out the cool-down;
- FATAL, or a cool-down after a FATAL: the rows we had are kept (each names its report and time)
  and the failure is reported back for the dataset's `last_error`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.amazon.client import StoreApi
from minthub_api.core.settings import Settings
from minthub_api.replenishment.repository import RestockRepository
from minthub_api.reports.headers import RESTOCK
from minthub_api.reports.ledger import ReportCoolingDown, advance, open_request, run_to_end
from minthub_api.reports.models import LedgerStatus, ReportRequest
from minthub_api.stores.models import Store
from minthub_api.sync.report_path import report_rows


def _int(value: Any) -> int | None:
    return int(value) if value is not None else None


def recommendation_row(
    data: dict[str, Any], report: ReportRequest, now: datetime
) -> dict[str, object]:
    """A stored row from one canonical report row (ledger JSON: Money as {amount, currency},
    dates ISO)."""
    sales = data.get("sales_last_30_days")
    price = data.get("price")
    ship = data.get("recommended_ship_date")
    return {
        "sku": str(data["sku"]),
        "asin": data.get("asin") or None,
        "recommended_quantity": int(data["recommended_replenishment_qty"]),
        "recommended_ship_date": date.fromisoformat(str(ship)) if ship else None,
        "alert": data.get("alert") or None,
        "recommended_action": data.get("recommended_action") or None,
        "days_of_supply_total": _int(data.get("total_days_of_supply")),
        "days_of_supply_at_amazon": _int(data.get("days_of_supply_at_amazon")),
        "units_sold_last_30_days": _int(data.get("units_sold_last_30_days")),
        "sales_last_30_days": Decimal(sales["amount"]) if sales else None,
        "currency": (sales or price or {}).get("currency") or data.get("currency") or None,
        "available": _int(data.get("available")),
        "inbound": _int(data.get("inbound")),
        "total_units": _int(data.get("total_units")),
        "report_request_id": report.id,
        "amazon_report_id": report.amazon_report_id,
        "generated_at": report.done_at,
        "synced_at": now,
    }


async def sync_restock(
    session: AsyncSession,
    api: StoreApi,
    store: Store,
    *,
    settings: Settings,
    clock: Callable[[], datetime],
    now: datetime,
    page_done: Callable[[int], Awaitable[None]],
) -> str | None:
    """Fetch and store every marketplace's recommendations. Returns what failed (FATAL, cooling
    down after a FATAL), or None. Amazon errors (throttling, outage) propagate."""
    repo = RestockRepository(session, store.id)
    problems: list[str] = []
    opened: list[tuple[str, ReportRequest]] = []
    for marketplace_id in store.marketplace_ids:
        try:
            row, _reused = await open_request(
                session,
                store.id,
                report_type=RESTOCK,
                marketplace_ids=[marketplace_id],
                data_start=None,
                data_end=None,
                settings=settings,
                now=clock(),
                purpose="sync",
                reuse_minutes=settings.restock_freshness_minutes,
            )
        except ReportCoolingDown as exc:
            if "CANCELLED" not in (exc.detail or ""):
                problems.append(f"{marketplace_id}: {exc.detail}")  # after a FATAL
            continue  # after a CANCELLED: still no data there; nothing to say
        await session.commit()
        if row.processing_status == LedgerStatus.REQUESTED:
            # createReport for every marketplace first, so the reports are made side by side.
            row = await advance(session, api, row, settings=settings, now=clock())
        opened.append((marketplace_id, row))
    for marketplace_id, row in opened:
        report = await run_to_end(session, api, row, settings=settings, clock=clock)
        status = LedgerStatus(report.processing_status)
        if status == LedgerStatus.DONE:
            rows = [recommendation_row(r, report, now) for r in await report_rows(session, report)]
            await repo.replace_marketplace(marketplace_id, rows)
            await page_done(len(rows))
        elif status == LedgerStatus.CANCELLED:
            await repo.delete_marketplace(marketplace_id)
            await page_done(0)
        else:
            problems.append(f"{marketplace_id}: {report.error or status} (report {report.id})")
    return "; ".join(problems) or None
