"""The replenishment formulas on hand-computed cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from minthub_api.replenishment import calc

POLICY = calc.Policy(
    lead_time_days=30,
    safety_stock_days=14,
    review_period_days=14,
    case_pack=12,
    reorder_soon_days=14,
    overstock_days=120,
)
TODAY = date(2026, 12, 3)


class TestUnitsPerDay:
    def test_weights_recent_demand(self) -> None:
        # 0.5*14/7 + 0.3*30/30 + 0.2*90/90 = 1 + 0.3 + 0.2
        assert calc.units_per_day({7: 14, 30: 30, 90: 90}) == Decimal("1.50")

    def test_rounds_half_up_to_cents(self) -> None:
        # 0.5*1/7 = 0.0714..., 0.3*1/30 = 0.01, 0.2*1/90 = 0.0022...: 0.0836... -> 0.08
        assert calc.units_per_day({7: 1, 30: 1, 90: 1}) == Decimal("0.08")


class TestPlan:
    def test_reorder_now_rounds_to_case_pack(self) -> None:
        p = calc.plan(
            sold={7: 14, 30: 60, 90: 180}, fulfillable=40, inbound=10, policy=POLICY, today=TODAY
        )
        # rate = 1 + 0.6 + 0.4 = 2.00; cover = 50/2 = 25.0; reorder point 2*44 = 88
        assert p.units_per_day == Decimal("2.00") and p.days_of_cover == Decimal("25.0")
        assert p.stockout_date == date(2026, 12, 28)
        assert p.reorder_point == Decimal("88.00") and p.target_stock == Decimal("116.00")
        assert p.suggested_quantity == 72  # 66 rounded up to 12s
        assert p.status == calc.Status.reorder_now
        assert "reorder point 88.00" in p.why.lower()

    def test_reorder_soon_healthy_overstocked(self) -> None:
        sold = {7: 7, 30: 30, 90: 90}  # 1.00 a day
        # reorder point 44; reorder-soon horizon 30 + 14 + 14 = 58 days; overstock > 120 days
        assert (
            calc.plan(sold=sold, fulfillable=44, inbound=0, policy=POLICY, today=TODAY).status
            == calc.Status.reorder_now
        )
        assert (
            calc.plan(sold=sold, fulfillable=50, inbound=8, policy=POLICY, today=TODAY).status
            == calc.Status.reorder_soon
        )
        assert (
            calc.plan(sold=sold, fulfillable=100, inbound=20, policy=POLICY, today=TODAY).status
            == calc.Status.healthy
        )
        assert (
            calc.plan(sold=sold, fulfillable=121, inbound=0, policy=POLICY, today=TODAY).status
            == calc.Status.overstocked
        )

    def test_out_of_stock_and_no_sales(self) -> None:
        p = calc.plan(sold={}, fulfillable=0, inbound=30, policy=POLICY, today=TODAY)
        assert p.status == calc.Status.out_of_stock and p.days_of_cover is None
        assert p.suggested_quantity == 0
        q = calc.plan(sold={}, fulfillable=5, inbound=0, policy=POLICY, today=TODAY)
        assert q.status == calc.Status.overstocked and q.stockout_date is None
