from __future__ import annotations

from fastapi import APIRouter, Request, status

from minthub_api.auth.dependencies import CurrentUser
from minthub_api.core.db import SessionDep
from minthub_api.core.errors import NotAuthenticated, StoreNotFound, StoreRevoked, error_responses
from minthub_api.stores.dependencies import CurrentStore
from minthub_api.sync import status as sync_status
from minthub_api.sync.dependencies import NowDep, QueueDep, SettingsDep
from minthub_api.sync.schemas import StoreHealth, SyncRequest, SyncStatus

router = APIRouter(tags=["sync"])
store_router = APIRouter(tags=["sync"])


@store_router.post(
    "/sync",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SyncStatus,
    responses=error_responses(StoreNotFound, StoreRevoked, sync_status.UnknownDataset),
)
async def request_sync(
    store: CurrentStore,
    session: SessionDep,
    queue: QueueDep,
    settings: SettingsDep,
    now: NowDep,
    body: SyncRequest | None = None,
) -> SyncStatus:
    """Ask for a refresh now (inventory, orders and listings unless `datasets` says otherwise).

    Runs on the job queue; follow progress with `GET .../sync`."""
    return await sync_status.request_sync(
        session, store, body or SyncRequest(), settings=settings, queue=queue, now=now
    )


@store_router.get("/sync", response_model=SyncStatus, responses=error_responses(StoreNotFound))
async def get_sync(
    store: CurrentStore, session: SessionDep, settings: SettingsDep, now: NowDep
) -> SyncStatus:
    """Each dataset's state, counts, requests, errors, last success and next scheduled sync."""
    return await sync_status.sync_status(session, store.store, settings=settings, now=now)


@router.get(
    "/store-health",
    response_model=list[StoreHealth],
    responses=error_responses(NotAuthenticated),
)
async def get_store_health(
    request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep, now: NowDep
) -> list[StoreHealth]:
    """The store health grid: per store you belong to and per dataset (inventory, orders,
    listings, reports): last success, last error, next scheduled sync; and per operation behind
    them the usage plan and the requests left in it now (shared across processes)."""
    amazon = getattr(request.app.state, "amazon", None)
    limiter = amazon.client.rate_limiter if amazon is not None else None
    return await sync_status.health_grid(
        session,
        user.id,
        settings=settings,
        now=now,
        time_scale=float(getattr(limiter, "time_scale", 1.0)),
    )
