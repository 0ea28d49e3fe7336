from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import respx

from minthub_api.amazon import StoreApi, get_order_metrics
from minthub_api.amazon.sales import format_interval
from tests.amazon.conftest import sandbox_examples, serve, sp_response

OP = "getOrderMetrics"
EXAMPLES = sandbox_examples("sales.json", OP, "200")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class TestFormatInterval:
    def test_utc_is_written_with_z(self) -> None:
        start = datetime(2026, 2, 1, tzinfo=UTC)
        assert format_interval(start, start + timedelta(days=1), ZoneInfo("UTC")) == (
            "2026-02-01T00:00:00Z--2026-02-02T00:00:00Z"
        )

    def test_offsets_follow_the_zone_across_dst(self) -> None:
        zone = ZoneInfo("America/Los_Angeles")
        start = datetime(2026, 3, 1, tzinfo=zone)
        end = datetime(2026, 3, 15, tzinfo=zone)  # DST began on 2026-03-08
        assert format_interval(start, end, zone) == (
            "2026-03-01T00:00:00-08:00--2026-03-15T00:00:00-07:00"
        )

    def test_rejects_empty_and_naive_intervals(self) -> None:
        start = datetime(2026, 2, 1, tzinfo=UTC)
        with pytest.raises(ValueError, match="after its start"):
            format_interval(start, start, None)
        with pytest.raises(ValueError, match="naive"):
            format_interval(datetime(2026, 2, 1), datetime(2026, 2, 2), None)


class TestGetOrderMetrics:
    async def test_day_buckets_in_the_marketplace_time_zone(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        day = next(
            e for e in EXAMPLES if e["request"]["parameters"]["granularity"]["value"] == "Day"
        )
        fake = serve(router, OP, sp_response(200, day["response"]))
        zone = ZoneInfo("America/Los_Angeles")
        metrics = await get_order_metrics(
            api,
            marketplace_id="ATVPDKIKX0DER",
            start=datetime(2026, 2, 1, tzinfo=zone),
            end=datetime(2026, 2, 3, tzinfo=zone),
            granularity="Day",
            now=NOW,
        )
        assert fake.queries == [
            {
                "marketplaceIds": "ATVPDKIKX0DER",
                "interval": "2026-02-01T00:00:00-08:00--2026-02-03T00:00:00-08:00",
                "granularity": "Day",
                "granularityTimeZone": "America/Los_Angeles",
            }
        ]
        assert metrics and isinstance(metrics[0].total_sales.amount, Decimal)
        assert metrics[0].total_sales.currency_code

    async def test_hour_needs_no_time_zone(self, api: StoreApi, router: respx.MockRouter) -> None:
        fake = serve(router, OP, sp_response(200, {"payload": []}))
        await get_order_metrics(
            api,
            marketplace_id="ATVPDKIKX0DER",
            start=NOW - timedelta(days=1),
            end=NOW,
            granularity="Hour",
            now=NOW,
        )
        assert "granularityTimeZone" not in fake.queries[0]
        assert str(fake.queries[0]["interval"]).endswith("Z")

    async def test_filters_are_sent(self, api: StoreApi, router: respx.MockRouter) -> None:
        fake = serve(router, OP, sp_response(200, {"payload": []}))
        await get_order_metrics(
            api,
            marketplace_id="A1VC38T7YXB528",
            start=NOW - timedelta(days=7),
            end=NOW,
            granularity="Week",
            buyer_type="B2B",
            fulfillment_network="AFN",
            first_day_of_week="Sunday",
            sku="SKU 1/2",
            now=NOW,
        )
        q = fake.queries[0]
        assert q["granularityTimeZone"] == "Asia/Tokyo" and "+09:00--" in str(q["interval"])
        assert (q["buyerType"], q["fulfillmentNetwork"], q["firstDayOfWeek"], q["sku"]) == (
            "B2B",
            "AFN",
            "Sunday",
            "SKU 1/2",
        )

    @pytest.mark.parametrize(
        ("kw", "message"),
        [
            ({"granularity": "Minute"}, "Minute"),
            ({"granularity": "Hour", "start": NOW - timedelta(days=31)}, "30 days"),
            ({"start": NOW - timedelta(days=800)}, "two years"),
            ({"asin": "B0", "sku": "S"}, "not both"),
            ({"buyer_type": "Both"}, "buyer_type"),
        ],
    )
    async def test_invalid_requests_are_refused_before_sending(
        self, api: StoreApi, router: respx.MockRouter, kw: dict[str, object], message: str
    ) -> None:
        fake = serve(router, OP, sp_response(200, {"payload": []}))
        args: dict[str, object] = {
            "marketplace_id": "ATVPDKIKX0DER",
            "start": NOW - timedelta(days=2),
            "end": NOW,
            "granularity": "Day",
            "now": NOW,
            **kw,
        }
        with pytest.raises(ValueError, match=message):
            await get_order_metrics(api, **args)  # type: ignore[arg-type]
        assert fake.requests == []
