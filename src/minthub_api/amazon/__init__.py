"""Amazon SP-API + LWA client (async). See ../shared/SPAPI-NOTES.md for the facts it encodes.

Typical wiring (once per process, in the app lifespan)::

    lwa = LwaClient(http, client_id=..., client_secret=...)
    sp = SpApiClient(http, lwa, token_cache=AccessTokenCache(),
                     rate_limiter=InMemoryRateLimiter(), user_agent=build_user_agent())
    api = sp.for_store(StoreCredentials(str(store.id), store.selling_partner_id, store.region,
                                        load_refresh_token), on_call=record_call)
    async for page in iter_inventory_summaries(api, marketplace_id="ATVPDKIKX0DER"): ...
"""

from minthub_api.amazon.auth import AccessTokenCache
from minthub_api.amazon.client import (
    CallHook,
    SpApiCall,
    SpApiClient,
    SpApiResponse,
    StoreApi,
    StoreCredentials,
)
from minthub_api.amazon.encoding import (
    build_user_agent,
    encode_path_segment,
    encode_query,
    format_datetime,
)
from minthub_api.amazon.errors import (
    AmazonError,
    AmazonUnavailable,
    LwaError,
    LwaInvalidClient,
    LwaInvalidGrant,
    LwaTemporaryError,
    ReportCharsetError,
    ReportDocumentError,
    SpApiBadRequest,
    SpApiError,
    SpApiNotFound,
    SpApiServerError,
    SpApiThrottled,
    SpApiUnauthorized,
)
from minthub_api.amazon.inventory import (
    InventoryPage,
    get_inventory_page,
    iter_inventory_summaries,
)
from minthub_api.amazon.listings import (
    ListingsPage,
    ListingsSearch,
    get_listings_item,
    iter_listings_items,
    search_all_listings_items,
    search_listings_items_page,
)
from minthub_api.amazon.lwa import (
    AccessToken,
    LwaClient,
    LwaTokens,
    build_code_exchange_form,
    build_refresh_form,
    parse_token_response,
)
from minthub_api.amazon.orders import (
    ORDERS_SOURCE,
    Orders20260101,
    OrdersPage,
    OrdersSource,
    get_order,
    iter_orders,
    search_orders_page,
)
from minthub_api.amazon.pii import ORDERS_ALLOWED_INCLUDED_DATA, PiiRequestRefused
from minthub_api.amazon.regions import (
    LWA_TOKEN_URL,
    MARKETPLACES,
    Marketplace,
    Region,
    get_marketplace,
    get_marketplace_by_country,
    marketplaces_in,
)
from minthub_api.amazon.reports import (
    DocumentLink,
    ReportsPage,
    cancel_report,
    create_report,
    default_charset_for,
    get_report,
    get_report_document,
    get_reports_page,
    iter_report_rows,
    stream_report_document,
    wait_for_report,
)
from minthub_api.amazon.roles import RoleNotEnabled, SpApiRole
from minthub_api.amazon.sales import Granularity, get_order_metrics
from minthub_api.amazon.scheduling import FairScheduler, Priority
from minthub_api.amazon.schemas import (
    InventorySummary,
    MarketplaceParticipation,
    Order,
)
from minthub_api.amazon.sellers import get_marketplace_participations
from minthub_api.amazon.throttle import (
    APPLICATION_USAGE_PLANS,
    USAGE_PLANS,
    InMemoryRateLimiter,
    RateLimiter,
)

__all__ = [
    "APPLICATION_USAGE_PLANS",
    "LWA_TOKEN_URL",
    "MARKETPLACES",
    "ORDERS_ALLOWED_INCLUDED_DATA",
    "ORDERS_SOURCE",
    "USAGE_PLANS",
    "AccessToken",
    "AccessTokenCache",
    "AmazonError",
    "AmazonUnavailable",
    "CallHook",
    "DocumentLink",
    "FairScheduler",
    "Granularity",
    "InMemoryRateLimiter",
    "InventoryPage",
    "InventorySummary",
    "ListingsPage",
    "ListingsSearch",
    "LwaClient",
    "LwaError",
    "LwaInvalidClient",
    "LwaInvalidGrant",
    "LwaTemporaryError",
    "LwaTokens",
    "Marketplace",
    "MarketplaceParticipation",
    "Order",
    "Orders20260101",
    "OrdersPage",
    "OrdersSource",
    "PiiRequestRefused",
    "Priority",
    "RateLimiter",
    "Region",
    "ReportCharsetError",
    "ReportDocumentError",
    "ReportsPage",
    "RoleNotEnabled",
    "SpApiBadRequest",
    "SpApiCall",
    "SpApiClient",
    "SpApiError",
    "SpApiNotFound",
    "SpApiResponse",
    "SpApiRole",
    "SpApiServerError",
    "SpApiThrottled",
    "SpApiUnauthorized",
    "StoreApi",
    "StoreCredentials",
    "build_code_exchange_form",
    "build_refresh_form",
    "build_user_agent",
    "cancel_report",
    "create_report",
    "default_charset_for",
    "encode_path_segment",
    "encode_query",
    "format_datetime",
    "get_inventory_page",
    "get_listings_item",
    "get_marketplace",
    "get_marketplace_by_country",
    "get_marketplace_participations",
    "get_order",
    "get_order_metrics",
    "get_report",
    "get_report_document",
    "get_reports_page",
    "iter_inventory_summaries",
    "iter_listings_items",
    "iter_orders",
    "iter_report_rows",
    "marketplaces_in",
    "parse_token_response",
    "search_all_listings_items",
    "search_listings_items_page",
    "search_orders_page",
    "stream_report_document",
    "wait_for_report",
]
