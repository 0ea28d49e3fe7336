from __future__ import annotations

import zoneinfo

import pytest

from minthub_api.amazon import (
    MARKETPLACES,
    Region,
    get_marketplace,
    get_marketplace_by_country,
    marketplaces_in,
)


class TestRegion:
    @pytest.mark.parametrize(
        ("region", "seller_central", "default"),
        [
            (Region.NA, "https://sellercentral.amazon.com", "US"),
            (Region.EU, "https://sellercentral-europe.amazon.com", "DE"),
            (Region.FE, "https://sellercentral.amazon.co.jp", "JP"),
        ],
    )
    def test_endpoints_and_defaults(
        self, region: Region, seller_central: str, default: str
    ) -> None:
        assert region.endpoint == f"https://sellingpartnerapi-{region.value}.amazon.com"
        assert region.sandbox_endpoint == (
            f"https://sandbox.sellingpartnerapi-{region.value}.amazon.com"
        )
        assert region.seller_central_url == seller_central
        assert region.default_marketplace.country_code == default
        assert region.default_marketplace.region is region
        assert Region(region.value) is region


class TestMarketplaces:
    def test_the_whole_table(self) -> None:
        counts = {r: len(marketplaces_in(r)) for r in Region}
        assert counts == {Region.NA: 4, Region.EU: 16, Region.FE: 3}
        assert len(MARKETPLACES) == 23
        for mp in MARKETPLACES.values():
            zoneinfo.ZoneInfo(mp.time_zone)  # a real IANA zone
            assert mp.seller_central_url.startswith("https://sellercentral")
            assert len(mp.currency) == 3 and len(mp.country_code) == 2

    def test_india_is_served_by_eu(self) -> None:
        india = get_marketplace("A21TJRUUN4KGV")
        assert india is not None and india.region is Region.EU and india.currency == "INR"

    def test_uk_and_gb_both_map(self) -> None:
        uk, gb = get_marketplace_by_country("UK"), get_marketplace_by_country("gb")
        assert uk is gb and uk is not None and uk.id == "A1F83G8C2ARO7P"

    def test_unknown(self) -> None:
        assert get_marketplace("A0000000000") is None
        assert get_marketplace_by_country("XX") is None
