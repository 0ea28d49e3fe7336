from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from minthub_api.core.csv_export import CSV_RESPONSE, OutputFormat, csv_response
from minthub_api.core.db import SessionDep
from minthub_api.core.errors import StoreNotFound, error_responses
from minthub_api.listings import service as listings_service
from minthub_api.listings.schemas import AttentionPage
from minthub_api.stores.dependencies import CurrentStore
from minthub_api.sync.dependencies import NowDep, QueueDep, SettingsDep

router = APIRouter(tags=["listings"])


class _Row(BaseModel):
    sku: str
    asin: str | None
    marketplace_id: str
    severity: str
    kind: str
    reason_severity: str
    detail: str
    source: str
    # Added: the reason's inputs (when its source was synced; price_changed: both prices).
    synced_at: datetime | None = None
    price: Decimal | None = None
    previous_price: Decimal | None = None
    currency: str | None = None


@router.get(
    "/listings/attention",
    response_model=AttentionPage,
    responses=CSV_RESPONSE | error_responses(StoreNotFound),
)
async def list_listings_attention(
    store: CurrentStore,
    session: SessionDep,
    queue: QueueDep,
    settings: SettingsDep,
    now: NowDep,
    format: Annotated[OutputFormat, Query()] = OutputFormat.json,
) -> AttentionPage | Response:
    """SKUs that need restock (low cover) or listing attention (issues by severity, inactive or
    suppressed, price changed since the last sync, no fulfillment availability), each with its
    reasons. Listing reasons appear once the listings dataset is synced."""
    page = await listings_service.list_attention(
        session,
        store,
        settings=settings,
        queue=queue,
        now=now,
        export=format == OutputFormat.csv,
    )
    if format == OutputFormat.csv:
        rows = [
            _Row(
                sku=i.sku,
                asin=i.asin,
                marketplace_id=i.marketplace_id,
                severity=i.severity,
                kind=r.kind,
                reason_severity=r.severity,
                detail=r.detail,
                source=r.source,
                synced_at=r.synced_at,
                price=r.price,
                previous_price=r.previous_price,
                currency=r.currency,
            )
            for i in page.items
            for r in i.reasons
        ]
        return csv_response(rows, list(_Row.model_fields), "listings-attention.csv")
    return page
