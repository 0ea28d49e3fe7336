"""The decision journal: every suggestion with its inputs, and what happened afterwards.

After each successful sync, `record_today` stores today's suggestion per SKU and marketplace
(the day's last one wins). Each later entry of the same SKU is an observation, so outcomes need
no extra data (README "Decision journal"):

    horizon         = the decision's lead_time_days + review_period_days
    observed_days   = later entries within the horizon
    inbound_sent    = max(0, highest inbound in the horizon - inbound at the decision)
    stockout_days   = observed entries with available == 0
    overstock_days  = observed entries whose status was overstocked
    followed        = the decision suggested units and inbound_sent > 0
    accuracy (SKU)  = 1 - (stockout_days + overstock_days) / observed_days, over the SKU's
                      entries after its first one
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.core.settings import Settings
from minthub_api.replenishment import calc
from minthub_api.replenishment.models import ReplenishmentDecision
from minthub_api.replenishment.repository import ReplenishmentRepository
from minthub_api.replenishment.schemas import (
    CalibrationRow,
    DecisionJournal,
    DecisionOutcome,
    SkuAccuracy,
)
from minthub_api.replenishment.service import compute_plans

CENT = Decimal("0.01")


async def record_today(
    session: AsyncSession, store_id: uuid.UUID, settings: Settings, *, now: datetime
) -> int:
    """Store today's suggestions (one per SKU, marketplace and local day). Returns the count."""
    items = await compute_plans(session, store_id, now)
    rows = [
        {
            "sku": i.sku,
            "marketplace_id": i.marketplace_id,
            "day": i.inputs.today,
            "made_at": now,
            "status": i.status,
            "units_per_day": i.units_per_day,
            "available": i.available,
            "inbound": i.inbound,
            "suggested_quantity": i.suggested_quantity,
            "why": i.why,
            "inputs": {
                **i.inputs.model_dump(mode="json"),
                **i.units_per_day_basis.model_dump(mode="json"),
                "days_of_cover": str(i.days_of_cover) if i.days_of_cover is not None else None,
                "reorder_point": str(i.reorder_point),
                "target_stock": str(i.target_stock),
                # Amazon's suggestion beside ours, with the report it came from.
                "amazon_recommendation": (
                    i.amazon_recommendation.model_dump(mode="json")
                    if i.amazon_recommendation
                    else None
                ),
            },
        }
        for i in items
    ]
    await ReplenishmentRepository(session, store_id).record_decisions(rows)
    return len(rows)


def _outcome(d: ReplenishmentDecision, later: list[ReplenishmentDecision]) -> DecisionOutcome:
    horizon = int(d.inputs.get("lead_time_days", 0)) + int(d.inputs.get("review_period_days", 0))
    window = [e for e in later if d.day < e.day <= d.day + timedelta(days=horizon)]
    top = max((e.inbound for e in window), default=d.inbound)
    return DecisionOutcome(
        sku=d.sku,
        marketplace_id=d.marketplace_id,
        day=d.day,
        status=d.status,
        suggested_quantity=d.suggested_quantity,
        units_per_day=d.units_per_day,
        available=d.available,
        inbound=d.inbound,
        why=d.why,
        observed_days=len(window),
        inbound_sent=max(0, top - d.inbound),
        amazon_recommended_quantity=(d.inputs.get("amazon_recommendation") or {}).get(
            "recommended_quantity"
        ),
        stockout_days=sum(1 for e in window if e.available == 0),
        overstock_days=sum(1 for e in window if e.status == calc.Status.overstocked),
    )


def _avg(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


async def journal(
    session: AsyncSession, store_id: uuid.UUID, *, since: date | None = None
) -> DecisionJournal:
    entries = await ReplenishmentRepository(session, store_id).decisions(since)
    by_sku: dict[tuple[str, str], list[ReplenishmentDecision]] = defaultdict(list)
    for e in entries:
        by_sku[(e.marketplace_id, e.sku)].append(e)
    outcomes: list[DecisionOutcome] = []
    skus: list[SkuAccuracy] = []
    for (marketplace_id, sku), rows in by_sku.items():
        outcomes.extend(_outcome(d, rows[i + 1 :]) for i, d in enumerate(rows))
        after = rows[1:]
        stockout = sum(1 for e in after if e.available == 0)
        overstock = sum(1 for e in after if e.status == calc.Status.overstocked)
        accuracy = (
            (Decimal(len(after) - stockout - overstock) / len(after)).quantize(CENT)
            if after
            else None
        )
        skus.append(
            SkuAccuracy(
                sku=sku,
                marketplace_id=marketplace_id,
                decisions=len(rows),
                observed_days=len(after),
                stockout_days=stockout,
                overstock_days=overstock,
                accuracy=accuracy,
            )
        )
    calibration = []
    for status in calc.Status:
        mine = [o for o in outcomes if o.status == status]
        observed = [o for o in mine if o.observed_days]
        calibration.append(
            CalibrationRow(
                status=status,
                decisions=len(mine),
                suggested_reorder=sum(1 for o in mine if o.suggested_quantity > 0),
                followed=sum(1 for o in mine if o.suggested_quantity > 0 and o.inbound_sent > 0),
                stockout_days_avg=_avg([o.stockout_days for o in observed]),
                overstock_days_avg=_avg([o.overstock_days for o in observed]),
            )
        )
    return DecisionJournal(decisions=outcomes, skus=skus, calibration=calibration)
