from __future__ import annotations

import respx

from minthub_api.amazon import StoreApi, get_marketplace, get_marketplace_participations
from tests.amazon.conftest import sandbox_examples, serve, sp_response

OP = "getMarketplaceParticipations"
EXAMPLE = sandbox_examples("sellers.json", OP, "200")[0]


class TestGetMarketplaceParticipations:
    async def test_parses_the_sandbox_example(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        fake = serve(router, OP, sp_response(200, EXAMPLE["response"]))
        (p,) = await get_marketplace_participations(api)
        assert p.marketplace.id == "ATVPDKIKX0DER" and p.marketplace.country_code == "US"
        assert p.marketplace.default_currency_code == "USD"
        assert p.marketplace.domain_name == "www.amazon.com"
        assert p.participation.is_participating and not p.participation.has_suspended_listings
        assert p.store_name == "BestSellerStore"
        assert fake.queries == [{}]
        known = get_marketplace(p.marketplace.id)
        assert known is not None and known.currency == p.marketplace.default_currency_code

    async def test_empty_payload(self, api: StoreApi, router: respx.MockRouter) -> None:
        serve(router, OP, sp_response(200, {"payload": []}))
        assert await get_marketplace_participations(api) == []
