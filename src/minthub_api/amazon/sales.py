"""Sales v1 `getOrderMetrics` (../shared/SPAPI-NOTES.md §5.4, §9.12).

Amazon's rules, enforced here before a request is spent: `granularity` is required; the interval
is `start--end` (start inclusive, end exclusive) in ISO 8601 with an offset; for any granularity
above `Hour` a `granularityTimeZone` is required and the interval's offsets must be that zone's
(`Z` ⇔ `UTC`). We write both ends in the zone we send, so they always agree; the default zone is
the marketplace's (`regions.Marketplace.time_zone`), which makes day buckets match Seller Central.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from minthub_api.amazon.client import StoreApi
from minthub_api.amazon.regions import get_marketplace
from minthub_api.amazon.schemas.sales import GetOrderMetricsResponse, OrderMetricsInterval

OPERATION = "getOrderMetrics"
PATH = "/sales/v1/orderMetrics"
HOUR_WINDOW = timedelta(days=30)  # Hour granularity only for the last 30 days
MAX_SPAN = timedelta(days=2 * 366)  # other granularities: at most ~2 years back


class Granularity(StrEnum):
    Hour = "Hour"
    Day = "Day"
    Week = "Week"
    Month = "Month"
    Year = "Year"
    Total = "Total"


def format_interval(start: datetime, end: datetime, zone: ZoneInfo | None) -> str:
    """`start--end` in `zone` (UTC → `Z`); both datetimes must be timezone-aware."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("naive datetime: pass timezone-aware start/end")
    if end <= start:
        raise ValueError("interval end must be after its start")

    def fmt(value: datetime) -> str:
        if zone is None or zone.key == "UTC":
            return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        local = value.astimezone(zone)
        text = local.strftime("%Y-%m-%dT%H:%M:%S%z")
        return text[:-2] + ":" + text[-2:]  # +0900 -> +09:00

    return f"{fmt(start)}--{fmt(end)}"


async def get_order_metrics(
    api: StoreApi,
    *,
    marketplace_id: str,
    start: datetime,
    end: datetime,
    granularity: Granularity | str,
    time_zone: str | None = None,
    buyer_type: str | None = None,
    fulfillment_network: str | None = None,
    first_day_of_week: str | None = None,
    asin: str | None = None,
    sku: str | None = None,
    now: datetime | None = None,
) -> list[OrderMetricsInterval]:
    """Order metrics per interval bucket. Raises ValueError for requests Amazon would reject."""
    granularity = Granularity(granularity)
    if asin and sku:
        raise ValueError("give asin or sku, not both")
    if buyer_type not in (None, "B2B", "B2C", "All"):
        raise ValueError("buyer_type must be B2B, B2C or All")
    if fulfillment_network not in (None, "AFN", "MFN"):
        raise ValueError("fulfillment_network must be AFN or MFN")
    if first_day_of_week not in (None, "Monday", "Sunday"):
        raise ValueError("first_day_of_week must be Monday or Sunday")
    current = now or datetime.now(UTC)
    if granularity is Granularity.Hour and start < current - HOUR_WINDOW:
        raise ValueError("Hour granularity is only available for the last 30 days")
    if start < current - MAX_SPAN:
        raise ValueError("order metrics go back at most two years")
    zone: ZoneInfo | None = None
    if granularity is not Granularity.Hour:
        if time_zone is None:
            marketplace = get_marketplace(marketplace_id)
            time_zone = marketplace.time_zone if marketplace else "UTC"
        zone = ZoneInfo(time_zone)
    elif time_zone is not None:
        zone = ZoneInfo(time_zone)
    params = {
        "marketplaceIds": [marketplace_id],
        "interval": format_interval(start, end, zone),
        "granularity": granularity.value,
        "granularityTimeZone": zone.key if zone is not None else None,
        "buyerType": buyer_type,
        "fulfillmentNetwork": fulfillment_network,
        "firstDayOfWeek": first_day_of_week,
        "asin": asin,
        "sku": sku,
    }
    response = await api.request(OPERATION, "GET", PATH, params=params)
    return GetOrderMetricsResponse.model_validate(response.body or {}).payload
