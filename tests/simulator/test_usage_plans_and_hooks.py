"""Usage-plan throttling and the /_sim test hooks."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from minthub_api.simulator import SimulatorConfig, create_simulator_app

from .conftest import BASE, US, Sim

Call = tuple[str, str, dict[str, str]]
INVENTORY: Call = ("getInventorySummaries", "/fba/inventory/v1/summaries",
                   {"granularityType": "Marketplace", "granularityId": US, "marketplaceIds": US})
SELLERS: Call = ("getMarketplaceParticipations", "/sellers/v1/marketplaceParticipations", {})
QUOTA = {"errors": [{"code": "QuotaExceeded",
                     "message": "You exceeded your quota for the requested resource.",
                     "details": ""}]}


class TestUsagePlans:
    @pytest.mark.parametrize(("operation", "path", "params", "burst", "refill_seconds"), [
        (*INVENTORY, 2, 0.5),
        (*SELLERS, 15, 62.5),
        ("searchOrders", "/orders/2026-01-01/orders",
         {"createdAfter": (datetime.now(UTC) - timedelta(days=3)).strftime("%Y-%m-%dT%H:%MZ")
          .replace("Z", ":00Z")}, 20, 180),
    ])
    async def test_429_at_burst_plus_one_then_refill(
            self, connected: Sim, operation: str, path: str, params: dict[str, str],
            burst: int, refill_seconds: float) -> None:
        for _ in range(burst):
            assert (await connected.spapi(operation, path, params)).status_code == 200
        throttled = await connected.spapi(operation, path, params)
        assert throttled.status_code == 429
        assert throttled.json() == QUOTA
        assert "x-amzn-RateLimit-Limit" not in throttled.headers
        connected.clock.advance(refill_seconds)
        assert (await connected.spapi(operation, path, params)).status_code == 200
        assert (await connected.spapi(operation, path, params)).status_code == 429
        counts = (await connected.client.get("/_sim/calls")).json()["spapi"]["A1MINTHUB00007"]
        assert counts[operation]["calls"] == burst + 3
        assert counts[operation]["throttled"] == 2

    async def test_buckets_are_per_seller(self, connected: Sim) -> None:
        await connected.connect("A2OTHERSELLER1")
        for _ in range(2):
            await connected.spapi(*INVENTORY)
        assert (await connected.spapi(*INVENTORY)).status_code == 429
        assert (await connected.spapi(*INVENTORY, seller="A2OTHERSELLER1")).status_code == 200

    async def test_time_scale_speeds_up_refill_in_real_time(self) -> None:
        # Real clock here: time_scale=5 refills getInventorySummaries at 10 tokens/s.
        app = create_simulator_app(SimulatorConfig(time_scale=5))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url=BASE) as client:
            sim = Sim(client, app.state.sim, clock=None)  # type: ignore[arg-type]
            await sim.connect()
            headers = {"x-amz-access-token": sim.tokens["A1MINTHUB00007"]}
            statuses = [(await client.get(INVENTORY[1], params=INVENTORY[2], headers=headers)
                         ).status_code for _ in range(6)]
            assert statuses[:2] == [200, 200] and 429 in statuses
            await asyncio.sleep(0.25)  # 2.5 tokens at 10/s; at time_scale=1 it would be 0.5
            assert (await sim.spapi(*INVENTORY)).status_code == 200

    async def test_enforcement_can_be_disabled(self) -> None:
        app = create_simulator_app(SimulatorConfig(enforce_usage_plans=False))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url=BASE) as client:
            sim = Sim(client, app.state.sim, clock=None)  # type: ignore[arg-type]
            await sim.connect()
            assert {(await sim.spapi(*INVENTORY)).status_code for _ in range(10)} == {200}


class TestHooks:
    async def test_calls_and_reset(self, connected: Sim) -> None:
        await connected.spapi(*INVENTORY)
        await connected.spapi(*INVENTORY, token="Atza|bogus")
        calls = (await connected.client.get("/_sim/calls")).json()
        assert calls["spapi"]["A1MINTHUB00007"]["getInventorySummaries"]["statuses"] == {
            "200": 1}
        assert calls["spapi"]["_anonymous"]["getInventorySummaries"]["statuses"] == {"403": 1}
        assert calls["lwa"] == {"authorization_code": 1}
        await connected.client.post("/_sim/reset-calls")
        assert (await connected.client.get("/_sim/calls")).json() == {
            "spapi": {}, "lwa": {}, "lwa_errors": {}}

    @pytest.mark.parametrize(("status", "code"), [(500, "InternalFailure"),
                                                  (503, "ServiceUnavailable")])
    async def test_status_faults(self, connected: Sim, status: int, code: str) -> None:
        queued = await connected.client.post("/_sim/faults", json={
            "operation": "getInventorySummaries", "kind": "status", "status": status,
            "count": 2})
        assert queued.json()["queued"] == 2
        for _ in range(2):
            response = await connected.spapi(*INVENTORY)
            assert response.status_code == status
            assert response.json()["errors"][0]["code"] == code
            connected.clock.advance(1)
        assert (await connected.spapi(*INVENTORY)).status_code == 200

    async def test_malformed_json_fault(self, connected: Sim) -> None:
        await connected.client.post("/_sim/faults", json={
            "operation": "getMarketplaceParticipations", "kind": "malformed_json"})
        response = await connected.client.get(
            SELLERS[1], headers={"x-amz-access-token": connected.tokens["A1MINTHUB00007"]})
        assert response.status_code == 200
        with pytest.raises(json.JSONDecodeError):
            response.json()

    async def test_expired_token_fault_forces_a_refresh(self, connected: Sim) -> None:
        await connected.client.post("/_sim/faults", json={
            "operation": "getInventorySummaries", "kind": "expired_token"})
        assert (await connected.spapi(*INVENTORY)).status_code == 403
        connected.clock.advance(1)
        assert (await connected.spapi(*INVENTORY)).status_code == 403  # token really dead

    async def test_timeout_fault_sleeps(self, connected: Sim) -> None:
        await connected.client.post("/_sim/faults", json={
            "operation": "getInventorySummaries", "kind": "timeout", "seconds": 5})
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(connected.spapi(*INVENTORY), timeout=0.2)

    async def test_fault_scoped_to_seller(self, connected: Sim) -> None:
        await connected.connect("A2OTHERSELLER1")
        await connected.client.post("/_sim/faults", json={
            "operation": "getInventorySummaries", "kind": "status",
            "selling_partner_id": "A2OTHERSELLER1"})
        assert (await connected.spapi(*INVENTORY)).status_code == 200
        other = await connected.spapi(*INVENTORY, seller="A2OTHERSELLER1")
        assert other.status_code == 500

    async def test_unknown_operation_rejected(self, sim: Sim) -> None:
        response = await sim.client.post("/_sim/faults", json={"operation": "getOrders",
                                                                "kind": "status"})
        assert response.status_code == 400
