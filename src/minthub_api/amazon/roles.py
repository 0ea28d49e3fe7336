"""The role guard: refuse, before any request, an operation whose SP-API role we didn't declare.

Amazon grants an application the roles it declared at registration; calling an operation of
another role ends in a 403 `Unauthorized` that looks like a revoked store (../shared/SPAPI-NOTES.md
§5, §9.9). `MINTHUB_SPAPI_ROLES` lists the declared roles; the client checks them first.
Mapping (SPAPI-NOTES §5.1-§5.7, 2022 roles→rights tables): an operation or report type needs ANY
ONE of the roles listed for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from minthub_api.amazon.errors import AmazonError


class SpApiRole(StrEnum):
    product_listing = "product_listing"
    inventory_and_order_tracking = "inventory_and_order_tracking"
    amazon_fulfillment = "amazon_fulfillment"
    pricing = "pricing"
    selling_partner_insights = "selling_partner_insights"
    finance_and_accounting = "finance_and_accounting"
    buyer_communication = "buyer_communication"
    buyer_solicitation = "buyer_solicitation"
    brand_analytics = "brand_analytics"
    amazon_logistics = "amazon_logistics"
    amazon_warehousing_and_distribution = "amazon_warehousing_and_distribution"
    tax_invoicing = "tax_invoicing"


# The first version's planned roles (default of MINTHUB_SPAPI_ROLES).
DEFAULT_ROLES: frozenset[SpApiRole] = frozenset(
    {
        SpApiRole.product_listing,
        SpApiRole.inventory_and_order_tracking,
        SpApiRole.amazon_fulfillment,
    }
)
_ANY_SELLER_ROLE: frozenset[SpApiRole] = frozenset(SpApiRole)
_R = SpApiRole

OPERATION_ROLES: dict[str, frozenset[SpApiRole]] = {
    # §5.1: Product Listing per the use-case guide; the 2022 table also lists Amazon Fulfillment.
    "getInventorySummaries": frozenset({_R.product_listing, _R.amazon_fulfillment}),
    # §5.2/§5.3
    "getOrders": frozenset({_R.inventory_and_order_tracking}),
    "getOrderItems": frozenset({_R.inventory_and_order_tracking}),
    "searchOrders": frozenset({_R.inventory_and_order_tracking}),
    "getOrder": frozenset({_R.inventory_and_order_tracking}),
    # §5.4: listed under every seller role.
    "getOrderMetrics": _ANY_SELLER_ROLE,
    # §5.5
    "getListingsItem": frozenset({_R.product_listing}),
    "searchListingsItems": frozenset({_R.product_listing}),
    # §5.6: the report *type* decides (REPORT_TYPE_ROLES); the operations themselves need any
    # role that grants some report type.
    "createReport": _ANY_SELLER_ROLE,
    "getReports": _ANY_SELLER_ROLE,
    "getReport": _ANY_SELLER_ROLE,
    "cancelReport": _ANY_SELLER_ROLE,
    "getReportDocument": _ANY_SELLER_ROLE,
    # §5.7
    "getMarketplaceParticipations": _ANY_SELLER_ROLE,
    "getAccount": _ANY_SELLER_ROLE,
}

# §5.6 "Roles by report type" (2022 roles→rights).
REPORT_TYPE_ROLES: dict[str, frozenset[SpApiRole]] = {
    "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA": frozenset({_R.amazon_fulfillment, _R.pricing}),
    "GET_MERCHANT_LISTINGS_ALL_DATA": frozenset(
        {_R.product_listing, _R.inventory_and_order_tracking, _R.pricing}
    ),
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL": frozenset(
        {_R.amazon_fulfillment, _R.inventory_and_order_tracking, _R.product_listing, _R.pricing}
    ),
    "GET_FBA_INVENTORY_PLANNING_DATA": frozenset({_R.amazon_fulfillment}),
}

# Report types carrying buyer PII (need a Restricted Data Token): never requested (§5.6, §8).
RESTRICTED_REPORT_TYPES: frozenset[str] = frozenset(
    {
        "GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING",
        "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_INVOICING",
        "GET_ORDER_REPORT_DATA_INVOICING",
        "GET_ORDER_REPORT_DATA_TAX",
        "GET_ORDER_REPORT_DATA_SHIPPING",
        "GET_FLAT_FILE_ORDER_REPORT_DATA_INVOICING",
        "GET_FLAT_FILE_ORDER_REPORT_DATA_TAX",
        "GET_FLAT_FILE_ORDER_REPORT_DATA_SHIPPING",
    }
)


class RoleNotEnabled(AmazonError):
    """The operation (or report type) needs an SP-API role this application hasn't declared."""

    def __init__(self, what: str, required: Iterable[SpApiRole]) -> None:
        needed = sorted(r.value for r in required)
        super().__init__(
            f"{what} needs one of the SP-API roles {needed}; "
            "add the role to MINTHUB_SPAPI_ROLES once Amazon has granted it"
        )
        self.what = what
        self.required = needed


def parse_roles(values: Iterable[str]) -> frozenset[SpApiRole]:
    """Roles from settings; raises ValueError naming an unknown role."""
    roles = set()
    for value in values:
        try:
            roles.add(SpApiRole(value.strip().lower()))
        except ValueError:
            known = ", ".join(r.value for r in SpApiRole)
            raise ValueError(f"unknown SP-API role {value!r}; known: {known}") from None
    return frozenset(roles)


def roles_for_operation(operation: str) -> frozenset[SpApiRole]:
    # An operation we haven't mapped is allowed only with every role declared... rather than
    # guessing, unknown operations need no role here and Amazon's 403 decides.
    return OPERATION_ROLES.get(operation, frozenset())


def roles_for_report_type(report_type: str) -> frozenset[SpApiRole]:
    """Roles that grant `report_type`; raises RoleNotEnabled for restricted (PII) types."""
    if report_type in RESTRICTED_REPORT_TYPES:
        raise RoleNotEnabled(f"report type {report_type} (restricted, buyer PII)", [])
    return REPORT_TYPE_ROLES.get(report_type, _ANY_SELLER_ROLE)


def check(what: str, required: frozenset[SpApiRole], enabled: frozenset[SpApiRole]) -> None:
    if required and not (required & enabled):
        raise RoleNotEnabled(what, required)
