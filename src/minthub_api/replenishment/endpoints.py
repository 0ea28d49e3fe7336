from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from minthub_api.core.csv_export import CSV_RESPONSE, OutputFormat, csv_response
from minthub_api.core.db import SessionDep
from minthub_api.core.errors import Forbidden, StoreNotFound, error_responses
from minthub_api.replenishment import calc, journal
from minthub_api.replenishment import service as replenishment_service
from minthub_api.replenishment.schemas import (
    DecisionJournal,
    ReplenishmentItem,
    ReplenishmentPage,
    ReplenishmentSettingsRead,
)
from minthub_api.stores.dependencies import CurrentStore
from minthub_api.sync.dependencies import NowDep, QueueDep, SettingsDep

router = APIRouter(tags=["replenishment"])

CSV_COLUMNS = [
    c for c in ReplenishmentItem.model_fields if c not in ("units_per_day_basis", "inputs")
]


class _CsvRow(BaseModel):
    """A flat CSV row: the item plus its basis and main inputs."""

    model_config = {"extra": "allow"}


def _amazon_columns(item: ReplenishmentItem) -> dict[str, object]:
    rec = item.amazon_recommendation
    if rec is None:
        return {}
    return {
        "amazon_recommended_ship_date": rec.recommended_ship_date,
        "amazon_alert": rec.alert,
        "amazon_days_of_supply_total": rec.days_of_supply_total,
        "amazon_days_of_supply_at_amazon": rec.days_of_supply_at_amazon,
        "amazon_units_sold_last_30_days": rec.units_sold_last_30_days,
        "amazon_report_id": rec.report_id,
        "amazon_generated_at": rec.generated_at,
    }


@router.get(
    "/replenishment",
    response_model=ReplenishmentPage,
    responses=CSV_RESPONSE | error_responses(StoreNotFound),
)
async def list_replenishment(
    store: CurrentStore,
    session: SessionDep,
    queue: QueueDep,
    settings: SettingsDep,
    now: NowDep,
    status: Annotated[calc.Status | None, Query()] = None,
    marketplace_id: Annotated[str | None, Query(max_length=32)] = None,
    format: Annotated[OutputFormat, Query()] = OutputFormat.json,
) -> ReplenishmentPage | Response:
    """Per SKU and marketplace: units per day (with its basis), days of cover, stockout date,
    reorder point, suggested quantity, status and why, most urgent first."""
    page = await replenishment_service.list_replenishment(
        session,
        store,
        status=status,
        marketplace_id=marketplace_id,
        settings=settings,
        queue=queue,
        now=now,
        export=format == OutputFormat.csv,
    )
    if format == OutputFormat.csv:
        extra = [
            "units_7d",
            "units_30d",
            "units_90d",
            "lead_time_days",
            "safety_stock_days",
            "review_period_days",
            "case_pack",
            "inventory_synced_at",
            "orders_synced_at",
            "restock_synced_at",
        ]
        amazon = [
            "amazon_recommended_ship_date",
            "amazon_alert",
            "amazon_days_of_supply_total",
            "amazon_days_of_supply_at_amazon",
            "amazon_units_sold_last_30_days",
            "amazon_report_id",
            "amazon_generated_at",
        ]
        rows = [
            _CsvRow(
                **i.model_dump(exclude={"units_per_day_basis", "inputs", "amazon_recommendation"}),
                # The column keeps its name: Amazon's recommended quantity (empty: none).
                amazon_recommendation=(
                    i.amazon_recommendation.recommended_quantity
                    if i.amazon_recommendation
                    else None
                ),
                **i.units_per_day_basis.model_dump(exclude={"formula"}),
                **i.inputs.model_dump(include=set(extra)),
                **_amazon_columns(i),
            )
            for i in page.items
        ]
        return csv_response(rows, CSV_COLUMNS + extra + amazon, "replenishment.csv")
    return page


@router.get(
    "/replenishment/journal",
    response_model=DecisionJournal,
    responses=error_responses(StoreNotFound),
)
async def get_decision_journal(
    store: CurrentStore,
    session: SessionDep,
    since: Annotated[date | None, Query()] = None,
) -> DecisionJournal:
    """Every stored suggestion with what happened after it, per-SKU accuracy and calibration."""
    return await journal.journal(session, store.store.id, since=since)


@router.get(
    "/settings/replenishment",
    response_model=ReplenishmentSettingsRead,
    responses=error_responses(StoreNotFound),
)
async def get_replenishment_settings(
    store: CurrentStore, session: SessionDep
) -> ReplenishmentSettingsRead:
    """Lead time, safety stock, review period, thresholds, case pack and per-SKU overrides."""
    return await replenishment_service.load_settings(session, store.store.id)


@router.put(
    "/settings/replenishment",
    response_model=ReplenishmentSettingsRead,
    responses=error_responses(StoreNotFound, Forbidden),
)
async def update_replenishment_settings(
    store: CurrentStore, session: SessionDep, body: ReplenishmentSettingsRead | None = None
) -> ReplenishmentSettingsRead:
    """Replace the settings (owners only); overrides replace the whole list. An empty body
    restores the defaults."""
    return await replenishment_service.save_settings(
        session, store, body or ReplenishmentSettingsRead()
    )
