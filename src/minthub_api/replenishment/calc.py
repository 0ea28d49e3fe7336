"""The replenishment formulas, as pure functions (README "Replenishment" documents each one).

    units_per_day   = 0.5 * u7/7 + 0.3 * u30/30 + 0.2 * u90/90       (u_N: units sold in N days)
    available       = fulfillable
    inbound         = inbound_working + inbound_shipped + inbound_receiving
    days_of_cover   = (available + inbound) / units_per_day          (None when nothing sells)
    stockout_date   = today + floor(days_of_cover)
    reorder_point   = units_per_day * (lead_time_days + safety_stock_days)
    target_stock    = units_per_day * (lead_time_days + review_period_days + safety_stock_days)
    suggested_qty   = ceil_to_case_pack(max(0, target_stock - (available + inbound)))

Units sold count every order that is not CANCELLED, by purchase date in the marketplace's
time zone. Quantities are whole units; rates are Decimal, rounded half-up to 0.01.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

WINDOWS: tuple[tuple[int, Decimal], ...] = (
    (7, Decimal("0.5")),
    (30, Decimal("0.3")),
    (90, Decimal("0.2")),
)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


class Status(StrEnum):
    out_of_stock = "out_of_stock"
    reorder_now = "reorder_now"
    reorder_soon = "reorder_soon"
    healthy = "healthy"
    overstocked = "overstocked"


@dataclass(frozen=True)
class Policy:
    lead_time_days: int
    safety_stock_days: int
    review_period_days: int
    case_pack: int
    reorder_soon_days: int
    overstock_days: int


@dataclass(frozen=True)
class Plan:
    units_per_day: Decimal
    available: int
    inbound: int
    days_of_cover: Decimal | None
    stockout_date: date | None
    reorder_point: Decimal
    target_stock: Decimal
    suggested_quantity: int
    status: Status
    why: str


def units_per_day(sold: dict[int, int]) -> Decimal:
    """Weighted average of the 7/30/90-day daily rates; `sold` maps window days → units."""
    total = sum(
        (weight * Decimal(sold.get(days, 0)) / days for days, weight in WINDOWS), Decimal(0)
    )
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def round_to_case_pack(quantity: Decimal, case_pack: int) -> int:
    if quantity <= 0:
        return 0
    pack = max(case_pack, 1)
    return math.ceil(quantity / pack) * pack


def plan(
    *, sold: dict[int, int], fulfillable: int, inbound: int, policy: Policy, today: date
) -> Plan:
    rate = units_per_day(sold)
    stock = fulfillable + inbound
    cover = (Decimal(stock) / rate).quantize(TENTH, rounding=ROUND_HALF_UP) if rate > 0 else None
    stockout = today + timedelta(days=int(cover)) if cover is not None else None
    reorder_point = (rate * (policy.lead_time_days + policy.safety_stock_days)).quantize(CENT)
    target = (
        rate * (policy.lead_time_days + policy.review_period_days + policy.safety_stock_days)
    ).quantize(CENT)
    suggested = round_to_case_pack(target - stock, policy.case_pack)
    status, reason = _status(rate, fulfillable, stock, cover, reorder_point, policy)
    rates = ", ".join(f"{sold.get(d, 0)} in {d} d" for d, _ in WINDOWS)
    why = (
        f"{reason} Sells {rate} units/day (weighted 0.5/0.3/0.2 over units sold: {rates}). "
        f"Stock {fulfillable} available + {inbound} inbound = {stock}"
        + (
            f", {cover} days of cover (stockout around {stockout.isoformat()})."
            if cover is not None and stockout
            else ", no sales to cover."
        )
        + f" Reorder point {reorder_point} = {rate} x ({policy.lead_time_days} lead + "
        f"{policy.safety_stock_days} safety days); target {target} adds a "
        f"{policy.review_period_days}-day review period; suggest {suggested} "
        f"(target - stock, rounded up to a case pack of {policy.case_pack})."
    )
    return Plan(
        rate, fulfillable, inbound, cover, stockout, reorder_point, target, suggested, status, why
    )


def _status(
    rate: Decimal,
    fulfillable: int,
    stock: int,
    cover: Decimal | None,
    reorder_point: Decimal,
    policy: Policy,
) -> tuple[Status, str]:
    if fulfillable <= 0:
        return Status.out_of_stock, "Out of stock: nothing available to sell now."
    if rate <= 0:
        return Status.overstocked, "Overstocked: stock on hand but no units sold in 90 days."
    assert cover is not None
    if stock <= reorder_point:
        return Status.reorder_now, (
            f"Reorder now: stock {stock} is at or below the reorder point {reorder_point}."
        )
    horizon = policy.lead_time_days + policy.safety_stock_days + policy.reorder_soon_days
    if cover <= horizon:
        return Status.reorder_soon, (
            f"Reorder soon: {cover} days of cover is within {horizon} days "
            f"(lead + safety + {policy.reorder_soon_days})."
        )
    if cover > policy.overstock_days:
        return Status.overstocked, (
            f"Overstocked: {cover} days of cover exceeds {policy.overstock_days} days."
        )
    return Status.healthy, "Healthy: cover lasts beyond the reorder horizon."
