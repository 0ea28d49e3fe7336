from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
import respx

from minthub_api.amazon import (
    ORDERS_ALLOWED_INCLUDED_DATA,
    ORDERS_SOURCE,
    Order,
    OrdersPage,
    PiiRequestRefused,
    SpApiBadRequest,
    StoreApi,
    get_order,
    iter_orders,
    search_orders_page,
)
from minthub_api.amazon import orders as orders_module
from minthub_api.amazon.schemas.orders import OrderLine
from tests.amazon.conftest import raw_path, sandbox_examples, serve, sp_response

MODEL = "orders_2026-01-01.json"
SEARCH = sandbox_examples(MODEL, "searchOrders", "200")
GET = sandbox_examples(MODEL, "getOrder", "200")
SEARCH_400 = sandbox_examples(MODEL, "searchOrders", "400")[0]["response"]
JP, UK = "A1VC38T7YXB528", "A1F83G8C2ARO7P"
SINCE = datetime(2024, 12, 25, tzinfo=UTC)
PII_STRINGS = (
    "John Smith",
    "buyer-email",
    "Business Park",
    "150-0002",
    "Sarah Thompson",
    "+44 20",
    "Oak Avenue",
    "Feliz Natal",
    "Oliveira",
    "1234567890",
)

# Amazon's example order item ids ("12345678901234") contain the example tax number's digits.
NOT_PII: dict[str, Any] = {"lines": {"__all__": {"order_item_id"}}}


def without_pagination(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "pagination"}


class TestSearchOrdersPage:
    async def test_maps_the_sandbox_example_to_a_pii_free_summary(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        fake = serve(router, "searchOrders", sp_response(200, SEARCH[0]["response"]))
        page = await search_orders_page(api, marketplace_ids=[JP], created_after=SINCE)
        assert page.next_token == "2YgYW55IGNhcm5hbCBwbGVhc3VyZS4"
        (order,) = page.items
        assert order == Order(
            order_id="250-1234567-8901234",
            status="SHIPPED",
            purchase_date=datetime(2024, 12, 25, 2, 30, tzinfo=UTC),
            last_update_date=datetime(2024, 12, 25, 6, 45, tzinfo=UTC),
            marketplace_id=JP,
            fulfillment_channel="AFN",
            item_count=3,
            order_total=Decimal("19940"),
            currency="JPY",
            latest_ship_date=datetime(2024, 12, 25, 23, 59, 59, tzinfo=UTC),
            lines=(
                OrderLine(
                    order_item_id="25012345678901",
                    sku="ECHO-DOT-4-JP-CHARCOAL",
                    asin="B08C1W5N87",
                    quantity=1,
                    unit_price=Decimal("5980"),
                    currency="JPY",
                ),
                OrderLine(
                    order_item_id="25012345678902",
                    sku="FIRE-TV-4K-MAX-JP",
                    asin="B07PFFMP9P",
                    quantity=2,
                    unit_price=Decimal("6980"),
                    currency="JPY",
                ),
            ),
        )
        dumped = order.model_dump_json(exclude=NOT_PII)
        assert not any(s in dumped for s in PII_STRINGS)
        assert fake.queries == [
            {
                "createdAfter": "2024-12-25T00:00:00Z",
                "marketplaceIds": JP,
                "maxResultsPerPage": "100",
                "includedData": "FULFILLMENT,PROCEEDS",
            }
        ]

    async def test_dates_are_sent_in_utc_z(self, api: StoreApi, router: respx.MockRouter) -> None:
        fake = serve(router, "searchOrders", sp_response(200, {"orders": []}))
        tokyo = timezone(timedelta(hours=9))
        await search_orders_page(
            api,
            marketplace_ids=[JP, UK],
            last_updated_after=datetime(2026, 1, 1, 9, 0, tzinfo=tokyo),
            last_updated_before=datetime(2026, 1, 2, 9, 0, 0, 500000, tzinfo=tokyo),
            fulfillment_statuses=["UNSHIPPED", "PARTIALLY_SHIPPED"],
            max_results=50,
        )
        (query,) = fake.queries
        assert query["lastUpdatedAfter"] == "2026-01-01T00:00:00Z"
        assert query["lastUpdatedBefore"] == "2026-01-02T00:00:00.500Z"
        assert query["marketplaceIds"] == f"{JP},{UK}"
        assert query["fulfillmentStatuses"] == "UNSHIPPED,PARTIALLY_SHIPPED"
        assert "%2B" not in fake.requests[0].url.query.decode()  # no "+09:00" offsets

    @pytest.mark.parametrize(
        "kwargs",
        [
            {},
            {"created_after": SINCE, "last_updated_after": SINCE},
            {"last_updated_after": SINCE, "created_before": SINCE},
            {"created_after": SINCE, "last_updated_before": SINCE},
            {"created_after": SINCE, "max_results": 101},
            {"created_after": SINCE, "fulfillment_statuses": ["Shipped"]},
            {"created_after": SINCE, "marketplace_ids": []},
            {"created_after": SINCE, "marketplace_ids": "ATVPDKIKX0DER"},
        ],
    )
    async def test_invalid_filters_are_refused_before_sending(
        self, api: StoreApi, router: respx.MockRouter, kwargs: dict[str, Any]
    ) -> None:
        fake = serve(router, "searchOrders")
        kwargs = {"marketplace_ids": [JP], **kwargs}
        with pytest.raises(ValueError):
            await search_orders_page(api, **kwargs)
        assert fake.requests == []

    async def test_bad_request_carries_amazon_errors(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        serve(router, "searchOrders", sp_response(400, SEARCH_400, request_id="rid-x"))
        with pytest.raises(SpApiBadRequest) as info:
            await search_orders_page(api, marketplace_ids=[JP], created_after=SINCE)
        assert info.value.errors == SEARCH_400["errors"] and info.value.request_id == "rid-x"


class TestIterOrders:
    async def test_follows_pagination_next_token_as_pagination_token(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        token = "9ZhB4RmVy+c2lvbi/AxLjAgb2YgdGhl=="
        first = {**SEARCH[0]["response"], "pagination": {"nextToken": token}}
        fake = serve(
            router,
            "searchOrders",
            sp_response(200, first),
            sp_response(200, without_pagination(SEARCH[1]["response"])),
        )
        pages = [p async for p in iter_orders(api, marketplace_ids=[JP], created_after=SINCE)]
        assert [[o.order_id for o in p.items] for p in pages] == [
            ["250-1234567-8901234"],
            ["202-7654321-1098765"],
        ]
        assert pages[1].items[0].fulfillment_channel == "MFN"
        one, two = fake.queries
        assert "paginationToken" not in one
        assert two == {**one, "paginationToken": token}  # filters resent with the token
        assert "paginationToken=9ZhB4RmVy%2Bc2lvbi%2FAxLjAgb2YgdGhl%3D%3D" in (
            fake.requests[1].url.query.decode()
        )

    async def test_orders_source_adapter(self, api: StoreApi, router: respx.MockRouter) -> None:
        serve(router, "searchOrders", sp_response(200, SEARCH[2]["response"]))
        page = await ORDERS_SOURCE.search_orders_page(
            api, marketplace_ids=["A2Q3Y263D00KWC"], created_after=SINCE
        )
        assert isinstance(page, OrdersPage)
        assert page.items[0].order_total == Decimal("1599.90")


class TestGetOrder:
    @pytest.mark.parametrize("example", GET, ids=[e["response"]["order"]["orderId"] for e in GET])
    async def test_sandbox_examples(
        self, api: StoreApi, router: respx.MockRouter, example: dict[str, Any]
    ) -> None:
        expected = example["response"]["order"]
        fake = serve(router, "getOrder", sp_response(200, example["response"]))
        order = await get_order(api, expected["orderId"])
        assert order.order_id == expected["orderId"]
        assert order.currency == expected["proceeds"]["grandTotal"]["currencyCode"]
        assert order.item_count == sum(i["quantityOrdered"] for i in expected["orderItems"])
        assert raw_path(fake.requests[0]) == f"/orders/2026-01-01/orders/{expected['orderId']}"
        assert fake.queries[0] == {"includedData": "FULFILLMENT,PROCEEDS"}
        assert not any(s in order.model_dump_json(exclude=NOT_PII) for s in PII_STRINGS)

    async def test_order_id_is_a_single_encoded_segment(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        fake = serve(router, "getOrder", sp_response(200, GET[0]["response"]))
        await get_order(api, "171-98/76 543")
        assert raw_path(fake.requests[0]) == "/orders/2026-01-01/orders/171-98%2F76%20543"


class TestNoPii:
    def test_order_summary_has_no_buyer_fields(self) -> None:
        fields = " ".join(Order.model_fields).lower()
        for word in ("buyer", "recipient", "address", "name", "email", "phone", "gift", "tax"):
            assert word not in fields

    def test_no_public_entry_point_accepts_included_data(self) -> None:
        entry_points: list[Callable[..., Any]] = [
            search_orders_page,
            iter_orders,
            get_order,
            ORDERS_SOURCE.search_orders_page,
            ORDERS_SOURCE.get_order,
        ]
        for fn in entry_points:
            for name in inspect.signature(fn).parameters:
                assert "include" not in name.lower() and "data" not in name.lower(), fn
        public = [
            n
            for n, v in vars(orders_module).items()
            if callable(v) and not n.startswith("_") and v.__module__ == orders_module.__name__
        ]
        assert sorted(public) == [
            "Orders20260101",
            "OrdersPage",
            "OrdersSource",
            "get_order",
            "iter_orders",
            "search_orders_page",
        ]

    async def test_every_entry_point_sends_only_the_allow_list(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        assert frozenset({"FULFILLMENT", "PROCEEDS"}) == ORDERS_ALLOWED_INCLUDED_DATA
        search = serve(router, "searchOrders", sp_response(200, {"orders": []}))
        get = serve(router, "getOrder", sp_response(200, GET[0]["response"]))
        await search_orders_page(api, marketplace_ids=[JP], created_after=SINCE)
        await search_orders_page(
            api,
            marketplace_ids=[JP],
            last_updated_after=SINCE,
            pagination_token="t",
            fulfillment_statuses=["SHIPPED"],
        )
        _ = [p async for p in iter_orders(api, marketplace_ids=[JP], created_after=SINCE)]
        await ORDERS_SOURCE.search_orders_page(api, marketplace_ids=[JP], created_after=SINCE)
        await get_order(api, "1")
        await ORDERS_SOURCE.get_order(api, "2")
        sent = [q["includedData"] for q in search.queries + get.queries]
        assert len(sent) == 6 and set(sent) == {"FULFILLMENT,PROCEEDS"}

    @pytest.mark.parametrize(
        ("path", "params"),
        [
            ("/orders/2026-01-01/orders", {"includedData": ["BUYER"]}),
            ("/orders/2026-01-01/orders", {"includedData": "RECIPIENT"}),
            ("/orders/2026-01-01/orders", {"includedData": ["PROCEEDS", "recipient"]}),
            ("/orders/2026-01-01/orders", {"includedData": "PROCEEDS,BUYER"}),
            ("/orders/2026-01-01/orders", {"INCLUDEDDATA": ("TAX",)}),
            ("/orders/2026-01-01/orders", {"includedData": {"PAYMENT"}}),
            ("/orders/2026-01-01/orders", {"includedData": ["PACKAGES"]}),  # not allow-listed
            ("/orders/2026-01-01/orders/1", {"includedData": ["BUYER", "FULFILLMENT"]}),
            ("/orders/2026-01-01/orders?includedData=BUYER", None),
            ("/orders/v0/orders/1/buyerInfo", None),
            ("/orders/v0/orders/1/address", None),
            ("/orders/v0/orders/1/orderItems/buyerInfo", None),
            ("/tokens/2021-03-01/restrictedDataToken", None),
        ],
    )
    async def test_raw_requests_for_pii_are_refused_before_sending(
        self, api: StoreApi, router: respx.MockRouter, path: str, params: Any
    ) -> None:
        search = serve(router, "searchOrders")
        with pytest.raises(PiiRequestRefused):
            await api.request("searchOrders", "GET", path, params=params)
        assert search.requests == []
        assert router.calls.call_count == 0  # refused before even fetching a token
