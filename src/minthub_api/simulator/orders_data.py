"""Deterministic orders per seller, shaped like the Orders API v2026-01-01 examples.

Field structure follows the static sandbox examples of searchOrders/getOrder in
../shared/spapi-models/orders_2026-01-01.json, minus ``buyer``/``recipient``: the simulated app has
no PII role, so those datasets are never produced (SPAPI-NOTES §5.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from .catalogue import MARKETPLACES, MARKETPLACES_BY_ID, Sku, iso, seller_rng

DAYS = 90
_MP_WEIGHTS = {"US": 70, "CA": 8, "MX": 3, "GB": 5, "DE": 5, "FR": 2, "IT": 2, "ES": 1,
               "JP": 2, "AU": 1, "SG": 1}


@dataclass(frozen=True)
class OrderItemSeed:
    order_item_id: str
    sku: Sku
    quantity: int


@dataclass(frozen=True)
class OrderSeed:
    order_id: str
    created_offset: int  # seconds before the day anchor
    updated_offset: int  # seconds before the day anchor (<= created_offset)
    status: str
    fulfilled_by: str
    marketplace_id: str
    service_level: str
    prime: bool
    items: tuple[OrderItemSeed, ...]

    def created(self, anchor: datetime) -> datetime:
        return anchor - timedelta(seconds=self.created_offset)

    def updated(self, anchor: datetime) -> datetime:
        return anchor - timedelta(seconds=self.updated_offset)


def _status(rng: Any, k: int, age_days: float, n_items: int) -> str:
    # Force one of each "young" status so every seller's data exercises all filters.
    forced = {0: "PENDING", 1: "UNSHIPPED", 2: "PARTIALLY_SHIPPED"}
    if k in forced and (forced[k] != "PARTIALLY_SHIPPED" or n_items > 1):
        return forced[k]
    if age_days < 1:
        return str(rng.choice(["PENDING", "UNSHIPPED", "UNSHIPPED"]))
    if age_days < 4:
        options = ["UNSHIPPED", "SHIPPED", "SHIPPED", "CANCELLED"]
        if n_items > 1:
            options.append("PARTIALLY_SHIPPED")
        return str(rng.choice(options))
    return "CANCELLED" if rng.random() < 0.07 else "SHIPPED"


def build_orders(seed: int, selling_partner_id: str, count: int,
                 catalogue: list[Sku]) -> list[OrderSeed]:
    """``count`` orders, newest first, spread evenly over the last 90 days."""
    rng = seller_rng(seed, selling_partner_id, "orders")
    spread = DAYS * 86400 / max(count, 1)
    by_country = {m.country_code: m for m in MARKETPLACES}
    countries, weights = list(_MP_WEIGHTS), list(_MP_WEIGHTS.values())
    seen: set[str] = set()
    orders: list[OrderSeed] = []
    for k in range(count):
        created_offset = int((k + rng.random()) * spread)
        market = by_country[rng.choices(countries, weights)[0]]
        n_items = 2 if k == 2 else rng.choices([1, 2, 3], [75, 18, 7])[0]
        status = _status(rng, k, created_offset / 86400, n_items)
        update_delay = {"PENDING": rng.randint(0, 600), "UNSHIPPED": rng.randint(300, 7200)}.get(
            status, rng.randint(3600, 3 * 86400))
        order_id = ""
        while not order_id or order_id in seen:
            order_id = (f"{rng.choice(market.order_prefixes)}-{rng.randint(0, 9999999):07d}-"
                        f"{rng.randint(0, 9999999):07d}")
        seen.add(order_id)
        skus = rng.sample(catalogue, min(n_items, len(catalogue)))
        items = tuple(
            OrderItemSeed(f"{rng.randint(10**13, 10**14 - 1)}", sku,
                          rng.choices([1, 2, 3], [80, 15, 5])[0])
            for sku in skus)
        fulfilled_by = "AMAZON" if rng.random() < 0.65 else "MERCHANT"
        orders.append(OrderSeed(
            order_id=order_id,
            created_offset=created_offset,
            updated_offset=max(0, created_offset - update_delay),
            status=status,
            fulfilled_by=fulfilled_by,
            marketplace_id=market.id,
            service_level=rng.choices(["STANDARD", "EXPEDITED"], [85, 15])[0],
            prime=fulfilled_by == "AMAZON" and rng.random() < 0.6,
            items=items,
        ))
    return orders


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": str(amount), "currencyCode": currency}


def render_order(order: OrderSeed, anchor: datetime, included: set[str]) -> dict[str, Any]:
    """The ``Order`` object; PROCEEDS / FULFILLMENT datasets only when requested."""
    market = MARKETPLACES_BY_ID[order.marketplace_id]
    currency = market.currency
    created = order.created(anchor)
    with_proceeds = "PROCEEDS" in included and order.status != "PENDING"
    items: list[dict[str, Any]] = []
    total = Decimal(0)
    for index, item in enumerate(order.items):
        unit = item.sku.price(currency)
        line = unit * item.quantity
        total += line
        rendered: dict[str, Any] = {
            "orderItemId": item.order_item_id,
            "quantityOrdered": item.quantity,
            "product": {
                "asin": item.sku.asin,
                "title": item.sku.product_name,
                "sellerSku": item.sku.seller_sku,
                "condition": {"conditionType": "NEW", "conditionSubtype": "NEW",
                              "conditionNote": ""} if item.sku.condition == "NewItem" else
                             {"conditionType": "USED", "conditionSubtype": "LIKE_NEW",
                              "conditionNote": ""},
                "price": {"unitPrice": _money(unit, currency)},
            },
        }
        if with_proceeds:
            rendered["proceeds"] = {"proceedsTotal": _money(line, currency),
                                    "breakdowns": [{"type": "ITEM",
                                                    "subtotal": _money(line, currency)}]}
        if "FULFILLMENT" in included:
            shipped = (item.quantity if order.status == "SHIPPED"
                       or (order.status == "PARTIALLY_SHIPPED" and index == 0) else 0)
            rendered["fulfillment"] = {"quantityFulfilled": shipped,
                                       "quantityUnfulfilled": item.quantity - shipped}
        items.append(rendered)
    out: dict[str, Any] = {
        "orderId": order.order_id,
        "createdTime": iso(created),
        "lastUpdatedTime": iso(order.updated(anchor)),
    }
    if order.prime:
        out["programs"] = ["PRIME"]
    out["salesChannel"] = {"channelName": "AMAZON", "marketplaceId": market.id,
                           "marketplaceName": market.name}
    if with_proceeds:
        out["proceeds"] = {"grandTotal": _money(total, currency)}
    if "FULFILLMENT" in included:
        ship_days = 1 if order.service_level == "EXPEDITED" else 2
        out["fulfillment"] = {
            "fulfillmentStatus": order.status,
            "fulfilledBy": order.fulfilled_by,
            "fulfillmentServiceLevel": order.service_level,
            "shipByWindow": {"earliestDateTime": iso(created),
                             "latestDateTime": iso(created + timedelta(days=ship_days))},
        }
    out["orderItems"] = items
    return out
