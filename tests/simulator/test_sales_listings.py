"""getOrderMetrics and Listings Items in the simulator (responses validated in Sim.spapi)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest

from minthub_api.simulator import SimulatorConfig
from minthub_api.simulator.listings import SEARCH_CAP

from .conftest import BASE, US, Sim

SELLER = "A1MINTHUB00007"
METRICS = "/sales/v1/orderMetrics"
ITEMS = f"/listings/2021-08-01/items/{SELLER}"


def day(sim: Sim, days_back: int) -> str:
    return (sim.now() - timedelta(days=days_back)).strftime("%Y-%m-%dT00:00:00Z")


class TestOrderMetrics:
    async def test_total_equals_the_sum_of_days(self, connected: Sim) -> None:
        interval = f"{day(connected, 30)}--{day(connected, 0)}"
        total = (
            await connected.spapi(
                "getOrderMetrics",
                METRICS,
                {
                    "marketplaceIds": US,
                    "interval": interval,
                    "granularity": "Total",
                    "granularityTimeZone": "UTC",
                },
            )
        ).json()["payload"]
        days = (
            await connected.spapi(
                "getOrderMetrics",
                METRICS,
                {
                    "marketplaceIds": US,
                    "interval": interval,
                    "granularity": "Day",
                    "granularityTimeZone": "UTC",
                },
            )
        ).json()["payload"]
        assert len(total) == 1 and len(days) == 30
        assert total[0]["orderCount"] == sum(d["orderCount"] for d in days) > 0
        assert Decimal(total[0]["totalSales"]["amount"]) == sum(
            Decimal(d["totalSales"]["amount"]) for d in days
        )
        assert days[0]["interval"].endswith("+00:00") and "--" in days[0]["interval"]

    async def test_day_buckets_follow_the_time_zone(self, connected: Sim) -> None:
        start = (connected.now() - timedelta(days=3)).strftime("%Y-%m-%dT00:00:00+09:00")
        end = (connected.now() - timedelta(days=1)).strftime("%Y-%m-%dT00:00:00+09:00")
        payload = (
            await connected.spapi(
                "getOrderMetrics",
                METRICS,
                {
                    "marketplaceIds": "A1VC38T7YXB528",
                    "interval": f"{start}--{end}",
                    "granularity": "Day",
                    "granularityTimeZone": "Asia/Tokyo",
                },
            )
        ).json()["payload"]
        assert len(payload) == 2 and all("+09:00--" in p["interval"] for p in payload)
        assert payload[0]["totalSales"]["currencyCode"] == "JPY"

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ({"granularity": "Day"}, "granularityTimeZone is required"),
            ({"granularity": "Day", "granularityTimeZone": "Asia/Tokyo"}, "offsets must match"),
            ({"granularity": "Hour", "old": "1"}, "last 30 days"),
        ],
    )
    async def test_amazon_rules(self, connected: Sim, query: dict[str, str], message: str) -> None:
        start = day(connected, 40 if query.pop("old", None) else 2)
        response = await connected.spapi(
            "getOrderMetrics",
            METRICS,
            {"marketplaceIds": US, "interval": f"{start}--{day(connected, 1)}", **query},
        )
        assert response.status_code == 400 and message in response.text


class TestListings:
    async def test_get_item_with_an_awkward_sku(self, connected: Sim) -> None:
        path = f"{ITEMS}/{quote('TEA/INFUSER-01', safe='')}"
        item = (
            await connected.spapi(
                "getListingsItem",
                path,
                {
                    "marketplaceIds": US,
                    "includedData": "summaries,offers,fulfillmentAvailability,issues",
                },
            )
        ).json()
        assert item["sku"] == "TEA/INFUSER-01"
        assert item["summaries"][0]["marketplaceId"] == US and item["offers"][0]["price"]

    async def test_unknown_sku_and_foreign_seller(self, connected: Sim) -> None:
        missing = await connected.spapi("getListingsItem", f"{ITEMS}/NOPE", {"marketplaceIds": US})
        assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "NOT_FOUND"
        other = await connected.spapi(
            "searchListingsItems", "/listings/2021-08-01/items/A2OTHER", {"marketplaceIds": US}
        )
        assert other.status_code == 400

    async def test_search_by_identifiers(self, connected: Sim) -> None:
        body = (
            await connected.spapi(
                "searchListingsItems",
                ITEMS,
                {
                    "marketplaceIds": US,
                    "identifiers": "MINT MUG 350,JP-MUG-350",
                    "identifiersType": "SKU",
                },
            )
        ).json()
        assert body["numberOfResults"] == 2 and {i["sku"] for i in body["items"]} == {
            "MINT MUG 350",
            "JP-MUG-350",
        }


@pytest.fixture
def config() -> SimulatorConfig:
    return SimulatorConfig(
        base_url=BASE, skus_per_seller=1100, orders_per_seller=300, time_scale=1000.0
    )


async def test_search_stops_at_1000_skus(connected: Sim) -> None:
    seen, token, pages = 0, None, 0
    while True:
        query = {"marketplaceIds": US, "pageSize": "20"}
        if token:
            query["pageToken"] = token
        connected.clock.advance(1)  # stay inside the 5 rps plan
        body = (await connected.spapi("searchListingsItems", ITEMS, query)).json()
        pages += 1
        seen += len(body["items"])
        assert body["numberOfResults"] == 1100
        token = body.get("pagination", {}).get("nextToken")
        if not token:
            break
    assert seen == SEARCH_CAP and pages == 50
