"""getOrderMetrics (Sales v1, ../shared/spapi-models/sales.json), computed from the seller's orders.

Amazon's rules reproduced (SPAPI-NOTES §5.4, §9.12): ``granularity`` required; ``interval`` is
``start--end`` in ISO 8601 with an offset; a ``granularityTimeZone`` is required for any
granularity above Hour and must agree with the interval's offsets; Hour only for the last 30
days. Buckets follow the zone's calendar (weeks start on ``firstDayOfWeek``); cancelled orders
don't count. Intervals are printed as Amazon does (``2019-08-01T00:00-07:00--...``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .catalogue import MARKETPLACES_BY_ID, day_anchor
from .errors import invalid_input
from .params import Param, parse_datetime, parse_query
from .spapi import begin

router = APIRouter()

OPERATION = "getOrderMetrics"
PARAMS = (
    Param("marketplaceIds", "array", required=True),
    Param("interval", required=True),
    Param("granularityTimeZone"),
    Param("granularity", required=True, enum=("Hour", "Day", "Week", "Month", "Year", "Total")),
    Param("buyerType", enum=("B2B", "B2C", "All")),
    Param("fulfillmentNetwork"),
    Param("firstDayOfWeek", enum=("Monday", "Sunday")),
    Param("asin"),
    Param("sku"),
    Param("amazonProgram", enum=("AmazonHaul",)),
)
MAX_BUCKETS = 5000


def _next(start: datetime, granularity: str, zone: ZoneInfo) -> datetime:
    local = start.astimezone(zone)
    if granularity == "Hour":
        return (start + timedelta(hours=1)).astimezone(zone)
    if granularity == "Day":
        return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), zone)
    if granularity == "Week":
        return datetime.combine(local.date() + timedelta(days=7), datetime.min.time(), zone)
    if granularity == "Month":
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        return datetime(year, month, 1, tzinfo=zone)
    return datetime(local.year + 1, 1, 1, tzinfo=zone)  # Year


def _floor(start: datetime, granularity: str, zone: ZoneInfo, first_day: str) -> datetime:
    """The bucket boundary at or before ``start`` (Amazon aligns buckets to the calendar)."""
    local = start.astimezone(zone)
    if granularity == "Hour":
        return local.replace(minute=0, second=0, microsecond=0)
    day = datetime.combine(local.date(), datetime.min.time(), zone)
    if granularity == "Week":
        shift = local.weekday() if first_day == "Monday" else (local.weekday() + 1) % 7
        return day - timedelta(days=shift)
    if granularity == "Month":
        return day.replace(day=1)
    if granularity == "Year":
        return day.replace(month=1, day=1)
    return day


def _fmt(value: datetime, zone: ZoneInfo) -> str:
    text = value.astimezone(zone).strftime("%Y-%m-%dT%H:%M%z")
    return text[:-2] + ":" + text[-2:]


@router.get("/sales/v1/orderMetrics")
async def get_order_metrics(request: Request) -> JSONResponse:
    caller = await begin(request, OPERATION)
    state = caller.state
    q = parse_query(request, PARAMS)
    if len(q["marketplaceIds"]) != 1 or q["marketplaceIds"][0] not in MARKETPLACES_BY_ID:
        raise invalid_input("marketplaceIds must be exactly one marketplace of this seller.")
    marketplace = MARKETPLACES_BY_ID[q["marketplaceIds"][0]]
    if "asin" in q and "sku" in q:
        raise invalid_input("Either asin or sku may be given, not both.")
    parts = q["interval"].split("--")
    if len(parts) != 2:
        raise invalid_input("Invalid interval: expected <start>--<end> in ISO 8601.")
    start, end = (parse_datetime("interval", p) for p in parts)
    if end <= start:
        raise invalid_input("Invalid interval: the end must be after the start.")
    granularity: str = q["granularity"]
    tz_name = q.get("granularityTimeZone")
    if granularity != "Hour" and tz_name is None:
        raise invalid_input(
            "granularityTimeZone is required when granularity is greater than Hour."
        )
    try:
        zone = ZoneInfo(tz_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid_input(f"Invalid granularityTimeZone: '{tz_name}'.") from None
    if tz_name is not None:
        for point in (start, end):
            if point.utcoffset() != point.astimezone(zone).utcoffset():
                raise invalid_input("The interval's offsets must match granularityTimeZone.")
    now = state.now_dt()
    if granularity == "Hour" and start < now - timedelta(days=30):
        raise invalid_input("Hour granularity is only supported for the last 30 days.")

    first_day = q.get("firstDayOfWeek", "Monday")
    if granularity == "Total":
        bounds = [(start, end)]
    else:
        bounds = []
        lo, boundary = start, _floor(start, granularity, zone, first_day)
        while lo < end and len(bounds) < MAX_BUCKETS:
            boundary = _next(boundary, granularity, zone)
            hi = min(boundary, end)
            if hi > lo:
                bounds.append((lo, hi))
                lo = hi
    anchor = day_anchor(now)
    currency = marketplace.currency
    sales: list[tuple[datetime, int, Decimal, int]] = []  # created, units, total, items
    for order in state.orders(caller.selling_partner_id):
        if order.marketplace_id != marketplace.id or order.status == "CANCELLED":
            continue
        if q.get("fulfillmentNetwork") and q["fulfillmentNetwork"] != (
            "AFN" if order.fulfilled_by == "AMAZON" else "MFN"
        ):
            continue
        items = [
            i
            for i in order.items
            if ("sku" not in q or i.sku.seller_sku == q["sku"])
            and ("asin" not in q or i.sku.asin == q["asin"])
        ]
        if not items:
            continue
        total = sum((i.sku.price(currency) * i.quantity for i in items), Decimal(0))
        sales.append((order.created(anchor), sum(i.quantity for i in items), total, len(items)))
    payload = []
    for lo, hi in bounds:
        inside = [s for s in sales if lo <= s[0] < hi]
        units = sum(s[1] for s in inside)
        total = sum((s[2] for s in inside), Decimal(0))
        average = (total / units).quantize(Decimal("0.01")) if units else Decimal(0)
        payload.append(
            {
                "interval": f"{_fmt(lo, zone)}--{_fmt(hi, zone)}",
                "unitCount": units,
                "orderItemCount": sum(s[3] for s in inside),
                "orderCount": len(inside),
                "averageUnitPrice": {"amount": str(average), "currencyCode": currency},
                "totalSales": {"amount": str(total), "currencyCode": currency},
            }
        )
    return JSONResponse({"payload": payload})
