from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from minthub_api.core.csv_export import CSV_RESPONSE, OutputFormat, csv_response
from minthub_api.core.db import SessionDep
from minthub_api.core.errors import InvalidCursor, NotAuthenticated, StoreNotFound, error_responses
from minthub_api.inventory import service as inventory_service
from minthub_api.inventory.schemas import InventoryItem, InventoryPage, InventorySort, StockFilter
from minthub_api.stores.dependencies import CurrentStore
from minthub_api.sync.dependencies import NowDep, QueueDep, SettingsDep

router = APIRouter(tags=["inventory"])

CSV_COLUMNS = list(InventoryItem.model_fields)


@router.get(
    "/inventory",
    response_model=InventoryPage,
    responses=CSV_RESPONSE
    | error_responses(
        NotAuthenticated, StoreNotFound, InvalidCursor, inventory_service.MarketplaceNotInStore
    ),
)
async def list_inventory(
    store: CurrentStore,
    session: SessionDep,
    queue: QueueDep,
    settings: SettingsDep,
    now: NowDep,
    marketplace_id: Annotated[str | None, Query(max_length=32)] = None,
    q: Annotated[str | None, Query(max_length=200, description="SKU/ASIN/FNSKU/name")] = None,
    stock: Annotated[StockFilter | None, Query()] = None,
    sort: Annotated[InventorySort, Query()] = InventorySort.sku,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=4096)] = None,
    format: Annotated[OutputFormat, Query()] = OutputFormat.json,
) -> InventoryPage | Response:
    """The store's FBA inventory per SKU and marketplace, from the last sync, with totals.

    `stale: true` means the snapshot is older than its freshness window; a refresh has been
    queued (see `sync`). `?format=csv` exports every matching row."""
    page = await inventory_service.list_inventory(
        session,
        store,
        query=inventory_service.InventoryQuery(
            marketplace_id=marketplace_id, search=q, stock=stock, sort=sort, limit=limit
        ),
        cursor=cursor,
        settings=settings,
        queue=queue,
        now=now,
        export=format == OutputFormat.csv,
    )
    if format == OutputFormat.csv:
        return csv_response(page.items, CSV_COLUMNS, "inventory.csv")
    return page
