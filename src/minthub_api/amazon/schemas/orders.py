"""Orders v2026-01-01 payloads (`orders_2026-01-01.json`) and our PII-free `Order` summary.

The wire models declare only non-PII fields: `buyer`, `recipient`, `tax`, `payment`, item
customizations and gift messages are never parsed (of an item's product only the ASIN, seller SKU
and unit price are), so they can't leak from here even if Amazon
sends them (extra fields are ignored).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from minthub_api.amazon.schemas.base import SpApiModel


class FulfillmentStatus(StrEnum):
    PENDING_AVAILABILITY = "PENDING_AVAILABILITY"
    PENDING = "PENDING"
    UNSHIPPED = "UNSHIPPED"
    PARTIALLY_SHIPPED = "PARTIALLY_SHIPPED"
    SHIPPED = "SHIPPED"
    CANCELLED = "CANCELLED"
    UNFULFILLABLE = "UNFULFILLABLE"


class Money(SpApiModel):
    amount: Decimal
    currency_code: str


class DateTimeRange(SpApiModel):
    earliest_date_time: datetime | None = None
    latest_date_time: datetime | None = None


class SalesChannel(SpApiModel):
    channel_name: str
    marketplace_id: str | None = None
    marketplace_name: str | None = None


class OrderFulfillment(SpApiModel):
    fulfillment_status: str  # kept as str: a new Amazon status must not break parsing
    fulfilled_by: str | None = None
    fulfillment_service_level: str | None = None
    ship_by_window: DateTimeRange | None = None
    deliver_by_window: DateTimeRange | None = None


class OrderProceeds(SpApiModel):
    grand_total: Money | None = None


class ItemPrice(SpApiModel):
    unit_price: Money | None = None


class ItemProduct(SpApiModel):
    asin: str | None = None
    seller_sku: str | None = None
    price: ItemPrice | None = None


class OrderItem(SpApiModel):
    order_item_id: str
    quantity_ordered: int
    product: ItemProduct | None = None


class ApiOrder(SpApiModel):
    """The model's `Order` definition, reduced to the fields we read."""

    order_id: str
    created_time: datetime
    last_updated_time: datetime
    sales_channel: SalesChannel
    proceeds: OrderProceeds | None = None
    fulfillment: OrderFulfillment | None = None
    order_items: list[OrderItem] = Field(default_factory=list)


class Pagination(SpApiModel):
    next_token: str | None = None


class SearchOrdersResponse(SpApiModel):
    orders: list[ApiOrder]
    pagination: Pagination | None = None
    last_updated_before: datetime | None = None
    created_before: datetime | None = None


class GetOrderResponse(SpApiModel):
    order: ApiOrder


class OrderLine(BaseModel):
    """One item of an order: what was sold, how many, at what unit price."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    order_item_id: str
    sku: str | None
    asin: str | None
    quantity: int
    unit_price: Decimal | None
    currency: str | None


_FULFILLMENT_CHANNEL = {"AMAZON": "AFN", "MERCHANT": "MFN"}


class Order(BaseModel):
    """An order summary: no buyer, recipient or address data by construction."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    order_id: str
    status: str | None  # FulfillmentStatus value; None if Amazon omitted fulfillment
    purchase_date: datetime
    last_update_date: datetime
    marketplace_id: str | None
    fulfillment_channel: str | None  # "AFN" (fulfilledBy AMAZON) / "MFN" (MERCHANT)
    item_count: int
    order_total: Decimal | None  # proceeds.grandTotal; absent e.g. while PENDING
    currency: str | None
    latest_ship_date: datetime | None = None
    lines: tuple[OrderLine, ...] = ()

    @classmethod
    def from_api(cls, order: ApiOrder) -> Order:
        fulfillment, total = order.fulfillment, (order.proceeds and order.proceeds.grand_total)
        window = fulfillment.ship_by_window if fulfillment else None
        # Every value below comes from the already validated ApiOrder: skip a second
        # validation pass (it doubled the CPU cost of a 100-order page).
        return cls.model_construct(
            order_id=order.order_id,
            status=fulfillment.fulfillment_status if fulfillment else None,
            purchase_date=order.created_time,
            last_update_date=order.last_updated_time,
            marketplace_id=order.sales_channel.marketplace_id,
            fulfillment_channel=(
                _FULFILLMENT_CHANNEL.get(fulfillment.fulfilled_by or "") if fulfillment else None
            ),
            item_count=sum(item.quantity_ordered for item in order.order_items),
            order_total=total.amount if total else None,
            currency=total.currency_code if total else None,
            latest_ship_date=window.latest_date_time if window else None,
            lines=tuple(_line(item) for item in order.order_items),
        )


def _line(item: OrderItem) -> OrderLine:
    product = item.product
    unit = product.price.unit_price if product and product.price else None
    return OrderLine(
        order_item_id=item.order_item_id,
        sku=product.seller_sku if product else None,
        asin=product.asin if product else None,
        quantity=item.quantity_ordered,
        unit_price=unit.amount if unit else None,
        currency=unit.currency_code if unit else None,
    )
