"""Deterministic, realistic seller data and configuration of the simulated Amazon."""

from __future__ import annotations

import re
from typing import Any

import httpx

from minthub_api.simulator import SimulatorConfig, create_simulator_app
from minthub_api.simulator.consent import demo_seller_id

from .conftest import BASE, US, Sim

ALL = {"granularityType": "Marketplace", "granularityId": US, "marketplaceIds": US,
       "details": "true"}


async def snapshot(config: SimulatorConfig) -> dict[str, Any]:
    app = create_simulator_app(config)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url=BASE) as client:
        sim = Sim(client, app.state.sim, clock=None)  # type: ignore[arg-type]
        await sim.connect()
        inventory = (await sim.spapi("getInventorySummaries", "/fba/inventory/v1/summaries",
                                     ALL)).json()["payload"]["inventorySummaries"]
        orders = (await sim.spapi("searchOrders", "/orders/2026-01-01/orders", {
            "createdAfter": "2000-01-01T00:00:00Z", "includedData": "PROCEEDS,FULFILLMENT",
            "maxResultsPerPage": "100"})).json()["orders"]
        sellers = (await sim.spapi("getMarketplaceParticipations",
                                   "/sellers/v1/marketplaceParticipations")).json()
    return {"inventory": inventory, "orders": orders, "sellers": sellers}


class TestDeterminism:
    async def test_same_config_same_data(self) -> None:
        config = SimulatorConfig(skus_per_seller=60, orders_per_seller=80)
        assert await snapshot(config) == await snapshot(config)

    async def test_seed_changes_data(self) -> None:
        one = await snapshot(SimulatorConfig(seed=1, skus_per_seller=60, orders_per_seller=80))
        two = await snapshot(SimulatorConfig(seed=2, skus_per_seller=60, orders_per_seller=80))
        assert one["orders"] != two["orders"]
        assert [s["asin"] for s in one["inventory"]] != [s["asin"] for s in two["inventory"]]

    async def test_sizes_follow_config(self) -> None:
        data = await snapshot(SimulatorConfig(skus_per_seller=9, orders_per_seller=12))
        assert len(data["inventory"]) == 9 and len(data["orders"]) == 12


class TestShapes:
    async def test_catalogue_shapes(self, connected: Sim) -> None:
        response = await connected.spapi("getInventorySummaries", "/fba/inventory/v1/summaries",
                                         ALL)
        rows = response.json()["payload"]["inventorySummaries"]
        skus = {r["sellerSku"] for r in rows}
        assert any(" " in s for s in skus) and any("/" in s for s in skus)
        names = [r["productName"] for r in rows]
        assert any(not n.isascii() for n in names)
        assert any(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", n) for n in names)
        assert any("ü" in n for n in names)
        for row in rows:
            assert re.fullmatch(r"B0[A-Z0-9]{8}", row["asin"])
            assert re.fullmatch(r"X00[A-Z0-9]{7}", row["fnSku"])
        fulfillable = [r["inventoryDetails"]["fulfillableQuantity"] for r in rows]
        assert 0 in fulfillable and any(0 < q <= 5 for q in fulfillable)
        assert any(q > 50 for q in fulfillable)
        assert any(r["inventoryDetails"]["inboundShippedQuantity"] for r in rows)
        assert any(r["inventoryDetails"]["reservedQuantity"]["totalReservedQuantity"]
                   for r in rows)
        assert any(r["inventoryDetails"]["unfulfillableQuantity"]["totalUnfulfillableQuantity"]
                   for r in rows)
        assert len({r["lastUpdatedTime"][:10] for r in rows}) > 5

    async def test_order_ids_and_currencies(self, connected: Sim) -> None:
        orders = (await connected.spapi("searchOrders", "/orders/2026-01-01/orders", {
            "createdAfter": "2000-01-01T00:00:00Z", "includedData": "PROCEEDS"})).json()["orders"]
        currencies = {"ATVPDKIKX0DER": "USD", "A1VC38T7YXB528": "JPY", "A1F83G8C2ARO7P": "GBP"}
        for order in orders:
            assert re.fullmatch(r"\d{3}-\d{7}-\d{7}", order["orderId"])
            market = order["salesChannel"]["marketplaceId"]
            if "proceeds" in order and market in currencies:
                total = order["proceeds"]["grandTotal"]
                assert total["currencyCode"] == currencies[market]
                assert ("." in total["amount"]) == (total["currencyCode"] != "JPY")

    async def test_eleven_marketplaces(self, connected: Sim) -> None:
        body = (await connected.spapi("getMarketplaceParticipations",
                                      "/sellers/v1/marketplaceParticipations")).json()
        countries = {p["marketplace"]["countryCode"] for p in body["payload"]}
        assert countries == {"US", "CA", "MX", "DE", "FR", "IT", "ES", "GB", "JP", "AU", "SG"}
        assert len({p["storeName"] for p in body["payload"]}) == 1


class TestConfig:
    def test_from_env(self) -> None:
        config = SimulatorConfig.from_env({
            "MINTHUB_SIM_SEED": "11", "MINTHUB_SIM_TIME_SCALE": "2.5",
            "MINTHUB_SIM_DRAFT_APP": "false", "MINTHUB_SIM_BASE_URL": "http://x:1",
            "MINTHUB_SIM_REDIRECT_URIS": "https://a.example/cb, https://b.example/cb"})
        assert config.seed == 11 and config.time_scale == 2.5 and config.draft_app is False
        assert config.base_url == "http://x:1"
        assert config.redirect_uris == ["https://a.example/cb", "https://b.example/cb"]
        assert config.client_id == SimulatorConfig().client_id

    def test_demo_seller_id_shape(self) -> None:
        assert re.fullmatch(r"A[A-Z0-9]{12,13}", demo_seller_id(7))
