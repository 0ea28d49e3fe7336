"""searchOrders / getOrder (Orders v2026-01-01) on the simulated Amazon."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from .conftest import US, Sim

PATH = "/orders/2026-01-01/orders"
NINETY_ONE_DAYS_AGO = (datetime.now(UTC) - timedelta(days=91)).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


async def search_all(sim: Sim, params: dict[str, str]) -> list[dict[str, Any]]:
    orders: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        query = dict(params) | ({"paginationToken": token} if token else {})
        response = await sim.spapi("searchOrders", PATH, query)
        assert response.status_code == 200, response.text
        body = response.json()
        orders += body["orders"]
        token = body.get("pagination", {}).get("nextToken")
        if token is None:
            return orders
        sim.clock.advance(200)  # 0.0056 rps: one token per ~180 s


class TestSearchOrders:
    async def test_all_orders_paged_and_consistent(self, connected: Sim) -> None:
        orders = await search_all(connected, {
            "createdAfter": NINETY_ONE_DAYS_AGO, "includedData": "PROCEEDS,FULFILLMENT"})
        assert len(orders) == 300 and len({o["orderId"] for o in orders}) == 300
        statuses = {o["fulfillment"]["fulfillmentStatus"] for o in orders}
        assert {"PENDING", "UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED", "CANCELLED"} <= statuses
        assert {o["fulfillment"]["fulfilledBy"] for o in orders} == {"AMAZON", "MERCHANT"}
        markets = [o["salesChannel"]["marketplaceId"] for o in orders]
        assert markets.count(US) > len(orders) / 2
        for order in orders:
            assert "buyer" not in order and "recipient" not in order
            if "proceeds" not in order:
                assert order["fulfillment"]["fulfillmentStatus"] == "PENDING"
                continue
            total = order["proceeds"]["grandTotal"]
            lines = sum(Decimal(i["product"]["price"]["unitPrice"]["amount"]) * i["quantityOrdered"]
                        for i in order["orderItems"])
            assert Decimal(total["amount"]) == lines
            assert {i["proceeds"]["proceedsTotal"]["currencyCode"]
                    for i in order["orderItems"]} == {total["currencyCode"]}

    async def test_page_size_and_created_before_echo(self, connected: Sim) -> None:
        response = await connected.spapi("searchOrders", PATH, {
            "createdAfter": NINETY_ONE_DAYS_AGO, "maxResultsPerPage": "7"})
        body = response.json()
        assert response.headers["x-amzn-RateLimit-Limit"] == "0.0056"
        assert len(body["orders"]) == 7 and "nextToken" in body["pagination"]
        before = datetime.fromisoformat(body["createdBefore"])
        assert timedelta(minutes=2) <= connected.now() - before < timedelta(minutes=3)
        assert "fulfillment" not in body["orders"][0]  # datasets are opt-in

    async def test_created_after_window(self, connected: Sim) -> None:
        after = connected.now() - timedelta(days=10)
        before = connected.now() - timedelta(days=3)
        orders = await search_all(connected, {"createdAfter": iso(after),
                                              "createdBefore": iso(before)})
        assert 0 < len(orders) < 60
        assert all(iso(after) <= o["createdTime"] <= iso(before) for o in orders)

    async def test_last_updated_after(self, connected: Sim) -> None:
        after = connected.now() - timedelta(days=5)
        orders = await search_all(connected, {"lastUpdatedAfter": iso(after)})
        assert orders and all(o["lastUpdatedTime"] >= iso(after) for o in orders)
        connected.clock.advance(200)
        response = await connected.spapi("searchOrders", PATH, {"lastUpdatedAfter": iso(after)})
        assert "lastUpdatedBefore" in response.json()

    async def test_status_marketplace_and_channel_filters(self, connected: Sim) -> None:
        orders = await search_all(connected, {
            "createdAfter": NINETY_ONE_DAYS_AGO, "fulfillmentStatuses": "CANCELLED,PENDING",
            "marketplaceIds": US, "fulfilledBy": "AMAZON", "includedData": "FULFILLMENT"})
        assert orders
        for order in orders:
            assert order["fulfillment"]["fulfillmentStatus"] in ("CANCELLED", "PENDING")
            assert order["fulfillment"]["fulfilledBy"] == "AMAZON"
            assert order["salesChannel"]["marketplaceId"] == US

    async def test_follow_up_page_may_send_only_the_token(self, connected: Sim) -> None:
        first = (await connected.spapi("searchOrders", PATH, {
            "createdAfter": NINETY_ONE_DAYS_AGO, "maxResultsPerPage": "100"})).json()
        connected.clock.advance(200)
        second = await connected.spapi("searchOrders", PATH, {
            "paginationToken": first["pagination"]["nextToken"]})
        assert second.status_code == 200 and len(second.json()["orders"]) == 100
        assert not {o["orderId"] for o in first["orders"]} & {
            o["orderId"] for o in second.json()["orders"]}


class TestSearchOrdersValidation:
    @pytest.mark.parametrize("params", [
        {},  # neither createdAfter nor lastUpdatedAfter
        {"createdAfter": NINETY_ONE_DAYS_AGO, "lastUpdatedAfter": NINETY_ONE_DAYS_AGO},
        {"createdAfter": NINETY_ONE_DAYS_AGO, "lastUpdatedBefore": NINETY_ONE_DAYS_AGO},
        {"createdAfter": "NOW+86400"},
        {"createdAfter": NINETY_ONE_DAYS_AGO, "createdBefore": "NOW-30"},
        {"createdAfter": "NOW-100", "createdBefore": "NOW-200"},
        {"createdAfter": "2026-01-01"},
        {"createdAfter": "2026-01-01T00:00:00 09:00"},  # an unencoded '+' arrives as a space
        {"createdAfter": NINETY_ONE_DAYS_AGO, "maxResultsPerPage": "0"},
        {"createdAfter": NINETY_ONE_DAYS_AGO, "maxResultsPerPage": "101"},
        {"createdAfter": NINETY_ONE_DAYS_AGO, "fulfillmentStatuses": "Shipped"},
        {"createdAfter": NINETY_ONE_DAYS_AGO, "marketplaceIds": "XX"},
        {"CreatedAfter": NINETY_ONE_DAYS_AGO},
        {"createdAfter": NINETY_ONE_DAYS_AGO, "paginationToken": "bogus"},
    ])
    async def test_invalid_input(self, connected: Sim, params: dict[str, str]) -> None:
        # "NOW±seconds" is relative to the simulator's clock.
        params = {k: iso(connected.now() + timedelta(seconds=int(v[3:])))
                  if v.startswith("NOW") else v for k, v in params.items()}
        response = await connected.spapi("searchOrders", PATH, params, valid_request=False)
        assert response.status_code == 400, params
        assert response.json()["errors"][0]["code"] == "InvalidInput"
        assert response.headers["x-amzn-ErrorType"] == "ValidationException"

    @pytest.mark.parametrize("included", ["BUYER", "PROCEEDS,RECIPIENT"])
    async def test_pii_datasets_are_forbidden(self, connected: Sim, included: str) -> None:
        response = await connected.spapi("searchOrders", PATH, {
            "createdAfter": NINETY_ONE_DAYS_AGO, "includedData": included})
        assert response.status_code == 403
        assert response.json()["errors"][0]["code"] == "Unauthorized"


class TestGetOrder:
    async def test_get_known_order(self, connected: Sim) -> None:
        listed = (await connected.spapi("searchOrders", PATH, {
            "createdAfter": NINETY_ONE_DAYS_AGO, "maxResultsPerPage": "1",
            "includedData": "PROCEEDS"})).json()["orders"][0]
        response = await connected.spapi("getOrder", f"{PATH}/{listed['orderId']}",
                                         {"includedData": "PROCEEDS"})
        assert response.status_code == 200
        assert response.headers["x-amzn-RateLimit-Limit"] == "0.5"
        assert response.json() == {"order": listed}

    async def test_unknown_and_malformed_ids(self, connected: Sim) -> None:
        missing = await connected.spapi("getOrder", f"{PATH}/111-0000000-0000000")
        assert missing.status_code == 404 and "x-amzn-RateLimit-Limit" in missing.headers
        malformed = await connected.spapi("getOrder", f"{PATH}/TEST_CASE_400")
        assert malformed.status_code == 400

    async def test_buyer_forbidden(self, connected: Sim) -> None:
        response = await connected.spapi("getOrder", f"{PATH}/111-0000000-0000000",
                                         {"includedData": "BUYER"})
        assert response.status_code == 403
