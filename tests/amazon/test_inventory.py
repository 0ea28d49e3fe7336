from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import respx

from minthub_api.amazon import (
    InventoryPage,
    StoreApi,
    get_inventory_page,
    iter_inventory_summaries,
)
from tests.amazon.conftest import raw_path, serve, sp_response

OP = "getInventorySummaries"
US = "ATVPDKIKX0DER"
# The model has no static example for this dynamic-sandbox operation; this payload follows its
# GetInventorySummariesResponse schema and is checked against it by `serve`.
SUMMARY: dict[str, Any] = {
    "asin": "B0020MLK00",
    "fnSku": "B0020MLK00",
    "sellerSku": "MY SKU/1",
    "condition": "NewItem",
    "inventoryDetails": {
        "fulfillableQuantity": 11,
        "inboundWorkingQuantity": 1,
        "inboundShippedQuantity": 2,
        "inboundReceivingQuantity": 3,
        "reservedQuantity": {"totalReservedQuantity": 4, "pendingCustomerOrderQuantity": 4,
                             "pendingTransshipmentQuantity": 0, "fcProcessingQuantity": 0},
        "researchingQuantity": {
            "totalResearchingQuantity": 1,
            "researchingQuantityBreakdown": [
                {"name": "researchingQuantityInShortTerm", "quantity": 1}
            ],
        },
        "unfulfillableQuantity": {"totalUnfulfillableQuantity": 2, "defectiveQuantity": 2},
    },
    "lastUpdatedTime": "2026-02-27T10:00:00Z",
    "productName": "Mint tin",
    "totalQuantity": 23,
    "stores": [],
}


def page(*skus: str, next_token: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "payload": {
            "granularity": {"granularityType": "Marketplace", "granularityId": US},
            "inventorySummaries": [{**SUMMARY, "sellerSku": s} for s in skus],
        }
    }
    if next_token:
        body["pagination"] = {"nextToken": next_token}
    return body


async def collect(pages: Any) -> list[InventoryPage]:
    return [p async for p in pages]


class TestGetInventoryPage:
    async def test_parses_summaries_with_details(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        fake = serve(router, OP, sp_response(200, page("MY SKU/1")))
        result = await get_inventory_page(api, marketplace_id=US)
        assert fake.queries == [{"details": "true", "granularityType": "Marketplace",
                                 "granularityId": US, "marketplaceIds": US}]
        (item,) = result.items
        assert (item.seller_sku, item.fn_sku, item.total_quantity) == ("MY SKU/1", "B0020MLK00", 23)
        details = item.inventory_details
        assert details is not None and details.fulfillable_quantity == 11
        assert (details.reserved_total, details.researching_total,
                details.unfulfillable_total) == (4, 1, 2)
        assert item.last_updated_time == datetime(2026, 2, 27, 10, tzinfo=UTC)
        assert result.next_token is None

    async def test_sku_list_encoding(self, api: StoreApi, router: respx.MockRouter) -> None:
        skus = ["MY SKU", "A/B", "ミント-1", "x+y=z"]
        fake = serve(router, OP, sp_response(200, page(*skus)))
        await get_inventory_page(api, marketplace_id=US, seller_skus=skus)
        raw = fake.requests[0].url.query.decode()
        assert "sellerSkus=MY%20SKU,A%2FB,%E3%83%9F%E3%83%B3%E3%83%88-1,x%2By%3Dz" in raw
        assert fake.queries[0]["sellerSkus"] == ",".join(skus)

    async def test_comma_sku_is_queried_alone_with_seller_sku(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        fake = serve(router, OP, sp_response(200, page("RED,LARGE")))
        await get_inventory_page(api, marketplace_id=US, seller_skus=["RED,LARGE"])
        assert fake.queries[0]["sellerSku"] == "RED,LARGE"
        assert "sellerSkus" not in fake.queries[0]
        assert "sellerSku=RED%2CLARGE" in fake.requests[0].url.query.decode()

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"seller_skus": [f"S{i}" for i in range(51)]},
            {"seller_skus": ["A,B", "C"]},
            {"seller_skus": ["A"], "start_date_time": datetime(2026, 1, 1, tzinfo=UTC)},
        ],
    )
    async def test_invalid_combinations_are_refused(
        self, api: StoreApi, router: respx.MockRouter, kwargs: dict[str, Any]
    ) -> None:
        fake = serve(router, OP)
        with pytest.raises(ValueError):
            await get_inventory_page(api, marketplace_id=US, **kwargs)
        assert fake.requests == []


class TestIterInventorySummaries:
    async def test_follows_top_level_next_token_and_resends_start_date_time(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        token = "eyJ+bmV4dC/Rva2VuIjoxfQ=="
        fake = serve(router, OP, sp_response(200, page("A", next_token=token)),
                     sp_response(200, page("B")))
        since = datetime(2026, 2, 1, tzinfo=UTC)
        pages = await collect(iter_inventory_summaries(api, marketplace_id=US,
                                                       start_date_time=since))
        assert [[i.seller_sku for i in p.items] for p in pages] == [["A"], ["B"]]
        first, second = fake.queries
        assert "nextToken" not in first
        assert second["nextToken"] == token
        assert first["startDateTime"] == second["startDateTime"] == "2026-02-01T00:00:00Z"
        assert "nextToken=eyJ%2BbmV4dC%2FRva2VuIjoxfQ%3D%3D" in fake.requests[1].url.query.decode()

    async def test_batches_skus_by_fifty_and_comma_skus_alone(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        skus = [f"SKU-{i}" for i in range(60)] + ["RED,LARGE"]
        fake = serve(router, OP, sp_response(200, page()))
        await collect(iter_inventory_summaries(api, marketplace_id=US, seller_skus=skus))
        sent = [q.get("sellerSkus") or q.get("sellerSku") for q in fake.queries]
        assert [len(str(s).split(",")) for s in sent[:2]] == [50, 10]
        assert sent[2] == "RED,LARGE" and len(sent) == 3
        assert all(raw_path(r) == "/fba/inventory/v1/summaries" for r in fake.requests)

    async def test_empty_sku_list_sends_nothing(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        fake = serve(router, OP)
        assert await collect(iter_inventory_summaries(api, marketplace_id=US, seller_skus=[])) == []
        assert fake.requests == []
