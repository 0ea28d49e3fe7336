from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import respx

from minthub_api.amazon import (
    RoleNotEnabled,
    SpApiClient,
    get_inventory_page,
    get_marketplace_participations,
    get_order_metrics,
    search_listings_items_page,
    search_orders_page,
)
from minthub_api.amazon.roles import (
    DEFAULT_ROLES,
    OPERATION_ROLES,
    SpApiRole,
    parse_roles,
    roles_for_report_type,
)
from minthub_api.amazon.throttle import USAGE_PLANS
from minthub_api.core.settings import Settings
from tests.amazon.conftest import Calls, credentials, serve, sp_response


class TestMapping:
    def test_every_planned_operation_has_roles(self) -> None:
        planned = {
            "getInventorySummaries",
            "searchOrders",
            "getOrder",
            "getOrderMetrics",
            "getListingsItem",
            "searchListingsItems",
            "createReport",
            "getReports",
            "getReport",
            "cancelReport",
            "getReportDocument",
            "getMarketplaceParticipations",
        }
        assert planned <= set(OPERATION_ROLES) and planned <= set(USAGE_PLANS)
        assert all(OPERATION_ROLES[op] for op in planned)

    def test_settings_default_is_the_first_versions_roles(self) -> None:
        assert parse_roles(Settings().spapi_roles) == DEFAULT_ROLES

    def test_unknown_role_is_refused(self) -> None:
        with pytest.raises(ValueError, match="unknown SP-API role 'pricingg'"):
            parse_roles(["pricingg"])

    def test_report_types(self) -> None:
        assert SpApiRole.amazon_fulfillment in roles_for_report_type(
            "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA"
        )
        with pytest.raises(RoleNotEnabled):
            roles_for_report_type("GET_AMAZON_FULFILLED_SHIPMENTS_DATA_INVOICING")


class TestGuard:
    @pytest.fixture
    def client(self, sp_client: SpApiClient) -> SpApiClient:
        sp_client.roles = parse_roles(["amazon_fulfillment"])
        return sp_client

    async def test_orders_need_inventory_and_order_tracking(
        self,
        client: SpApiClient,
        router: respx.MockRouter,
        calls: Calls,
        lwa_route: respx.Route,
    ) -> None:
        fake = serve(router, "searchOrders", sp_response(200, {"orders": []}))
        api = client.for_store(credentials(), on_call=calls.hook)
        with pytest.raises(RoleNotEnabled, match="inventory_and_order_tracking") as info:
            await search_orders_page(
                api,
                marketplace_ids=["ATVPDKIKX0DER"],
                created_after=datetime.now(UTC) - timedelta(days=1),
            )
        assert info.value.what == "searchOrders"
        # Raised before anything: no token refresh, no request, nothing recorded.
        assert fake.requests == [] and not lwa_route.called and calls.records == []

    async def test_listings_need_product_listing(
        self,
        client: SpApiClient,
        router: respx.MockRouter,
        calls: Calls,
        lwa_route: respx.Route,
    ) -> None:
        fake = serve(
            router, "searchListingsItems", sp_response(200, {"numberOfResults": 0, "items": []})
        )
        api = client.for_store(credentials(), on_call=calls.hook)
        with pytest.raises(RoleNotEnabled):
            await search_listings_items_page(api, marketplace_ids=["ATVPDKIKX0DER"])
        assert fake.requests == []

    async def test_enabled_roles_pass(
        self,
        client: SpApiClient,
        router: respx.MockRouter,
        calls: Calls,
        lwa_route: respx.Route,
    ) -> None:
        api = client.for_store(credentials(), on_call=calls.hook)
        serve(
            router,
            "getInventorySummaries",
            sp_response(
                200,
                {
                    "payload": {
                        "granularity": {
                            "granularityType": "Marketplace",
                            "granularityId": "ATVPDKIKX0DER",
                        },
                        "inventorySummaries": [],
                    }
                },
            ),
        )
        serve(router, "getMarketplaceParticipations", sp_response(200, {"payload": []}))
        serve(router, "getOrderMetrics", sp_response(200, {"payload": []}))
        await get_inventory_page(api, marketplace_id="ATVPDKIKX0DER")
        assert await get_marketplace_participations(api) == []
        now = datetime.now(UTC)
        await get_order_metrics(
            api,
            marketplace_id="ATVPDKIKX0DER",
            start=now - timedelta(days=1),
            end=now,
            granularity="Total",
        )
