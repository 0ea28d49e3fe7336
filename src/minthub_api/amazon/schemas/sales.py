"""Sales v1 `getOrderMetrics` payloads (`sales.json`).

Money here is lowercase `amount`/`currencyCode` (Orders uses other casing, SPAPI-NOTES
§9.13); amounts are decimal strings, parsed as Decimal.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from minthub_api.amazon.schemas.base import SpApiModel


class Money(SpApiModel):
    currency_code: str
    amount: Decimal


class OrderMetricsInterval(SpApiModel):
    interval: str
    unit_count: int
    order_item_count: int
    order_count: int
    average_unit_price: Money
    total_sales: Money


class GetOrderMetricsResponse(SpApiModel):
    payload: list[OrderMetricsInterval] = Field(default_factory=list)
