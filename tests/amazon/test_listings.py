from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from minthub_api.amazon import (
    SpApiNotFound,
    StoreApi,
    get_listings_item,
    search_all_listings_items,
    search_listings_items_page,
)
from tests.amazon.conftest import SELLER_ID, raw_path, sandbox_examples, serve, sp_response

GET = "getListingsItem"
SEARCH = "searchListingsItems"
ITEM = sandbox_examples("listingsItems_2021-08-01.json", GET, "200")[0]["response"]
SEARCH_EXAMPLE = sandbox_examples("listingsItems_2021-08-01.json", SEARCH, "200")[0]["response"]
US = "ATVPDKIKX0DER"


def item(sku: str) -> dict[str, Any]:
    return {**ITEM, "sku": sku}


class TestGetListingsItem:
    async def test_parses_the_sandbox_example(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        fake = serve(router, GET, sp_response(200, ITEM))
        result = await get_listings_item(api, "GM-ZDPI-9B4E", marketplace_ids=[US])
        assert result.sku == ITEM["sku"]
        assert result.summaries and result.summaries[0].marketplace_id == US
        assert fake.queries == [
            {
                "marketplaceIds": US,
                "includedData": "summaries,offers,fulfillmentAvailability,issues",
            }
        ]

    async def test_sku_with_slash_space_and_ampersand_is_one_segment(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        fake = serve(router, GET, sp_response(200, item("A/B C&D\uff06")))
        await get_listings_item(api, "A/B C&D\uff06", marketplace_ids=[US])
        assert raw_path(fake.requests[0]) == (
            f"/listings/2021-08-01/items/{SELLER_ID}/A%2FB%20C%26D%EF%BC%86"
        )

    async def test_not_found_is_typed(self, api: StoreApi, router: respx.MockRouter) -> None:
        body = {
            "errors": [
                {
                    "code": "NOT_FOUND",
                    "message": "SKU 'X' not found in marketplace ATVPDKIKX0DER",
                    "details": "",
                }
            ]
        }
        serve(router, GET, sp_response(404, body))
        with pytest.raises(SpApiNotFound) as info:
            await get_listings_item(api, "X", marketplace_ids=[US])
        assert info.value.error_code == "NOT_FOUND"

    async def test_only_read_only_included_data(self, api: StoreApi) -> None:
        with pytest.raises(ValueError, match="not allowed"):
            await get_listings_item(api, "X", marketplace_ids=[US], included_data=["attributes"])


class TestSearchListingsItems:
    async def test_parses_the_sandbox_example(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        fake = serve(router, SEARCH, sp_response(200, SEARCH_EXAMPLE))
        page = await search_listings_items_page(
            api, marketplace_ids=[US], identifiers=["GM-ZDPI-9B4E"], identifiers_type="SKU"
        )
        assert page.number_of_results == SEARCH_EXAMPLE["numberOfResults"]
        assert [i.sku for i in page.items] == [i["sku"] for i in SEARCH_EXAMPLE["items"]]
        assert fake.queries[0]["identifiers"] == "GM-ZDPI-9B4E"
        assert fake.queries[0]["pageSize"] == "20"

    async def test_stops_at_the_1000_sku_cap(self, api: StoreApi, router: respx.MockRouter) -> None:
        counter = iter(range(10_000))

        def page(request: httpx.Request) -> httpx.Response:
            items = [item(f"SKU-{next(counter):05d}") for _ in range(20)]
            return sp_response(
                200,
                {"numberOfResults": 1500, "items": items, "pagination": {"nextToken": "tok+/="}},
            )

        fake = serve(router, SEARCH, page)
        result = await search_all_listings_items(api, marketplace_ids=[US])
        assert len(fake.requests) == 50 and len(result.items) == 1000
        assert result.capped and result.number_of_results == 1500
        assert fake.queries[1]["pageToken"] == "tok+/="

    async def test_small_catalogue_is_not_capped(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        serve(
            router,
            SEARCH,
            sp_response(
                200,
                {
                    "numberOfResults": 21,
                    "items": [item("a")] * 20,
                    "pagination": {"nextToken": "n"},
                },
            ),
            sp_response(200, {"numberOfResults": 21, "items": [item("b")]}),
        )
        result = await search_all_listings_items(api, marketplace_ids=[US])
        assert len(result.items) == 21 and not result.capped

    @pytest.mark.parametrize(
        "kw",
        [
            {"page_size": 21},
            {"identifiers": ["a"]},
            {"identifiers": [str(i) for i in range(21)], "identifiers_type": "SKU"},
        ],
    )
    async def test_invalid_requests_are_refused(self, api: StoreApi, kw: dict[str, Any]) -> None:
        with pytest.raises(ValueError):
            await search_listings_items_page(api, marketplace_ids=[US], **kw)
