"""getInventorySummaries on the simulated Amazon."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .conftest import US, Sim

PATH = "/fba/inventory/v1/summaries"
BASE_PARAMS = {"granularityType": "Marketplace", "granularityId": US, "marketplaceIds": US}


async def all_pages(sim: Sim, params: dict[str, str]) -> list[dict[str, Any]]:
    summaries: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        query = dict(params) | ({"nextToken": token} if token else {})
        response = await sim.spapi("getInventorySummaries", PATH, query)
        assert response.status_code == 200, response.text
        body = response.json()
        summaries += body["payload"]["inventorySummaries"]
        token = body.get("pagination", {}).get("nextToken")
        if token is None:
            return summaries
        sim.clock.advance(1)  # stay inside the 2 rps usage plan


class TestPagination:
    async def test_pages_of_50_cover_the_catalogue(self, connected: Sim) -> None:
        first = await connected.spapi("getInventorySummaries", PATH, BASE_PARAMS)
        body = first.json()
        assert first.headers["x-amzn-RateLimit-Limit"] == "2"
        assert len(body["payload"]["inventorySummaries"]) == 50
        assert body["payload"]["granularity"] == {"granularityType": "Marketplace",
                                                  "granularityId": US}
        token = body["pagination"]["nextToken"]
        assert {"+", "/", "="} <= set(token)  # clients must URL-encode it exactly once
        connected.clock.advance(1)
        summaries = await all_pages(connected, BASE_PARAMS)
        skus = [s["sellerSku"] for s in summaries]
        assert len(skus) == len(set(skus)) == 120

    async def test_next_token_expires_after_30_seconds(self, connected: Sim) -> None:
        first = await connected.spapi("getInventorySummaries", PATH, BASE_PARAMS)
        token = first.json()["pagination"]["nextToken"]
        connected.clock.advance(31)
        late = await connected.spapi("getInventorySummaries", PATH,
                                     BASE_PARAMS | {"nextToken": token})
        assert late.status_code == 400
        error = late.json()["errors"][0]
        assert error["code"] == "InvalidInput" and "nextToken" in error["message"]
        assert "expired" in error["message"]
        assert late.headers["x-amzn-RateLimit-Limit"] == "2"

    async def test_double_encoded_token_is_rejected(self, connected: Sim) -> None:
        first = await connected.spapi("getInventorySummaries", PATH, BASE_PARAMS)
        token = first.json()["pagination"]["nextToken"].replace("+", "%2B")
        connected.clock.advance(1)
        response = await connected.spapi("getInventorySummaries", PATH,
                                         BASE_PARAMS | {"nextToken": token})
        assert response.status_code == 400


class TestFilters:
    async def test_details_only_when_asked(self, connected: Sim) -> None:
        plain = (await connected.spapi("getInventorySummaries", PATH, BASE_PARAMS)).json()
        assert "inventoryDetails" not in plain["payload"]["inventorySummaries"][0]
        connected.clock.advance(1)
        detailed = (await connected.spapi("getInventorySummaries", PATH,
                                          BASE_PARAMS | {"details": "true"})).json()
        first = detailed["payload"]["inventorySummaries"][0]
        assert {"fulfillableQuantity", "reservedQuantity", "unfulfillableQuantity"} <= set(
            first["inventoryDetails"])

    async def test_seller_skus_including_awkward_ones(self, connected: Sim) -> None:
        wanted = ["MINT MUG 350", "TEA/INFUSER-01"]
        response = await connected.spapi("getInventorySummaries", PATH,
                                         BASE_PARAMS | {"sellerSkus": ",".join(wanted)})
        assert [s["sellerSku"] for s in response.json()["payload"]["inventorySummaries"]] == wanted
        connected.clock.advance(1)
        comma = await connected.spapi("getInventorySummaries", PATH,
                                      BASE_PARAMS | {"sellerSku": "GIFT,SET-3PK"})
        assert [s["sellerSku"] for s in comma.json()["payload"]["inventorySummaries"]] == [
            "GIFT,SET-3PK"]

    async def test_start_date_time_filters_recent_changes(self, connected: Sim) -> None:
        everything = await all_pages(connected, BASE_PARAMS)
        since = connected.now() - timedelta(days=7)
        connected.clock.advance(1)
        recent = await all_pages(connected, BASE_PARAMS | {
            "startDateTime": since.strftime("%Y-%m-%dT%H:%M:%SZ")})
        assert 0 < len(recent) < len(everything)
        assert all(s["lastUpdatedTime"] >= since.strftime("%Y-%m-%dT%H:%M:%SZ") for s in recent)

    async def test_start_date_time_older_than_18_months(self, connected: Sim) -> None:
        response = await connected.spapi("getInventorySummaries", PATH,
                                         BASE_PARAMS | {"startDateTime": "2020-01-01T00:00:00Z"})
        assert response.status_code == 400


class TestValidation:
    async def test_two_marketplaces_rejected(self, connected: Sim) -> None:
        response = await connected.spapi(
            "getInventorySummaries", PATH,
            BASE_PARAMS | {"marketplaceIds": f"{US},A2EUQ1WTGCTBG2"}, valid_request=False)
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "InvalidInput"

    async def test_missing_required_and_bad_enum(self, connected: Sim) -> None:
        for params in ({"granularityType": "Marketplace", "granularityId": US},
                       BASE_PARAMS | {"granularityType": "Region"},
                       BASE_PARAMS | {"details": "yes"},
                       BASE_PARAMS | {"sellerSkus": ",".join(f"S{i}" for i in range(51))},
                       BASE_PARAMS | {"MarketplaceIds": US}):
            response = await connected.spapi("getInventorySummaries", PATH, params,
                                             valid_request=False)
            assert response.status_code == 400, params
            connected.clock.advance(1)

    async def test_missing_token(self, sim: Sim) -> None:
        response = await sim.spapi("getInventorySummaries", PATH, BASE_PARAMS)
        assert response.status_code == 403
        assert response.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
        assert response.json()["errors"][0]["code"] == "MissingAuthenticationToken"
        assert "x-amzn-RateLimit-Limit" not in response.headers
