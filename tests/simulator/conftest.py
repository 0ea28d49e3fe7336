"""Fixtures for the simulated Amazon: an app per test, a controllable clock, a connected seller.

Every SP-API call made through ``Sim.spapi`` is checked against Amazon's model: the request with
``validate_request`` when it is meant to be valid, the response (success or error) always.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from minthub_api.simulator import SimState, SimulatorConfig, create_simulator_app
from tests.support.spapi_models import validate_request, validate_response

BASE = "http://sim.test"
REDIRECT = "http://127.0.0.1:5173/amazon/callback"
CLIENT = {
    "client_id": "amzn1.application-oa2-client.minthubdemo",
    "client_secret": "minthub-demo-secret",
}
APP_ID = "amzn1.sp.solution.minthub-demo"
US = "ATVPDKIKX0DER"
MODELS = {
    "getInventorySummaries": "fbaInventory.json",
    "searchOrders": "orders_2026-01-01.json",
    "getOrder": "orders_2026-01-01.json",
    "getMarketplaceParticipations": "sellers.json",
    "getOrderMetrics": "sales.json",
    "getListingsItem": "listingsItems_2021-08-01.json",
    "searchListingsItems": "listingsItems_2021-08-01.json",
    **{
        op: "reports_2021-06-30.json"
        for op in ("createReport", "getReports", "getReport", "cancelReport", "getReportDocument")
    },
}


class Clock:
    """Injected into ``SimState.clock``; moves only when told.

    It starts at 12:00 UTC today so no test straddles the midnight at which the simulator's
    day-anchored data shifts; compare against ``Sim.now()``, not the wall clock.
    """

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Sim:
    client: httpx.AsyncClient
    state: SimState
    clock: Clock
    tokens: dict[str, str] = field(default_factory=dict)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock.now, UTC)

    async def consent(
        self, seller: str = "A1MINTHUB00007", redirect_uri: str = REDIRECT, state: str = "st-1"
    ) -> dict[str, str]:
        """Approve the consent form; returns the redirect's query parameters."""
        response = await self.client.post(
            "/apps/authorize/consent",
            data={
                "application_id": APP_ID,
                "state": state,
                "redirect_uri": redirect_uri,
                "version": "beta",
                "selling_partner_id": seller,
                "decision": "approve",
            },
        )
        assert response.status_code == 302, response.text
        location = response.headers["location"]
        assert location.startswith(redirect_uri + "?")
        return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}

    async def token(self, **fields: str) -> httpx.Response:
        return await self.client.post("/auth/o2/token", data={**CLIENT, **fields})

    async def connect(self, seller: str = "A1MINTHUB00007") -> dict[str, Any]:
        """Consent + code exchange; remembers the access token for ``spapi``."""
        params = await self.consent(seller)
        response = await self.token(
            grant_type="authorization_code", redirect_uri=REDIRECT, code=params["spapi_oauth_code"]
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        self.tokens[seller] = body["access_token"]
        return body

    async def spapi(
        self,
        operation: str,
        path: str,
        params: Mapping[str, str] | None = None,
        *,
        seller: str = "A1MINTHUB00007",
        token: str | None = None,
        valid_request: bool = True,
        method: str = "GET",
        json: Any = None,
    ) -> httpx.Response:
        params = dict(params or {})
        model = MODELS[operation]
        if valid_request:
            validate_request(operation, method, path, params, json, model=model)
        headers = {}
        access = token if token is not None else self.tokens.get(seller)
        if access:
            headers["x-amz-access-token"] = access
        response = await self.client.request(
            method, path, params=params, headers=headers, json=json
        )
        assert "x-amzn-RequestId" in response.headers
        body = response.json() if response.content else None
        validate_response(operation, response.status_code, body, model=model)
        return response


@pytest.fixture
def config() -> SimulatorConfig:
    return SimulatorConfig(base_url=BASE, skus_per_seller=120, orders_per_seller=300)


@pytest.fixture
async def sim(config: SimulatorConfig) -> AsyncIterator[Sim]:
    app = create_simulator_app(config)
    state: SimState = app.state.sim
    noon = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    clock = Clock(noon.timestamp())
    state.clock = clock
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        yield Sim(client, state, clock)


@pytest.fixture
async def connected(sim: Sim) -> Sim:
    await sim.connect()
    return sim
