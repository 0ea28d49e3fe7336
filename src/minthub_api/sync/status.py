"""Reading a dataset: freshness, `stale`, and the refresh a stale read enqueues.

Only reads by people mark a store as used (`last_viewed_at`); scheduled syncs skip stores
nobody read in MINTHUB_SYNC_ACTIVE_DAYS, so nothing is fetched for a store nobody uses.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.amazon.regions import Region
from minthub_api.amazon.throttle import usage_plan
from minthub_api.amazon.throttle_pg import bucket_levels
from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.core.errors import AppError, StoreRevoked
from minthub_api.core.settings import Settings
from minthub_api.stores.dependencies import StoreContext
from minthub_api.stores.models import Store, StoreStatus
from minthub_api.stores.repository import StoreRepository
from minthub_api.sync.models import SYNCABLE, Dataset, SyncDataset, SyncState
from minthub_api.sync.queue import SyncQueue
from minthub_api.sync.repository import SyncStateRepository
from minthub_api.sync.schedule import next_scheduled_sync
from minthub_api.sync.schemas import (
    DataFreshness,
    DatasetStatus,
    StoreHealth,
    SyncRequest,
    SyncStatus,
    UsagePlanInfo,
)

BUSY = (SyncState.queued, SyncState.running)
OPERATIONS = {
    Dataset.inventory: "getInventorySummaries",
    Dataset.orders: "searchOrders",
    Dataset.listings: "searchListingsItems",
    Dataset.restock: "createReport",
}


def is_stale(state: SyncDataset | None, settings: Settings, now: datetime) -> bool:
    if state is None or state.last_success_at is None:
        return True
    window = timedelta(minutes=settings.freshness_minutes(state.dataset))
    return now - state.last_success_at > window


def to_status(
    state: SyncDataset, settings: Settings, now: datetime, store: Store | None = None
) -> DatasetStatus:
    status = DatasetStatus.model_validate(state)
    status.stale = is_stale(state, settings, now)
    status.freshness_minutes = settings.freshness_minutes(state.dataset)
    if store is not None:
        status.next_sync_at = next_sync_at(state, store, settings, now)
    return status


def next_sync_at(
    state: SyncDataset, store: Store, settings: Settings, now: datetime
) -> datetime | None:
    """The next sync the scheduler will queue (README "Store health grid"): now when one is
    queued or running; None for a store that is not connected, a dataset the scheduler does not
    sync, or a store nobody will have read in MINTHUB_SYNC_ACTIVE_DAYS by then."""
    if store.status != StoreStatus.connected or state.dataset not in SYNCABLE:
        return None
    if state.state in BUSY:
        return now
    return next_scheduled_sync(
        settings=settings,
        dataset=state.dataset,
        last_success_at=state.last_success_at,
        last_viewed_at=state.last_viewed_at,
        now=now,
    )


def never_synced(dataset: str, settings: Settings) -> DatasetStatus:
    return DatasetStatus(
        dataset=dataset,
        state=SyncState.never,
        source=None,
        stale=True,
        freshness_minutes=settings.freshness_minutes(dataset),
    )


async def mark_queued(
    session: AsyncSession,
    queue: SyncQueue,
    store: Store,
    datasets: Sequence[str],
    now: datetime,
    *,
    full: bool = False,
    reason: AuditReason,
) -> list[SyncDataset]:
    """Record the request on each dataset and enqueue one job for them."""
    repo = SyncStateRepository(session, store.id)
    states = []
    for dataset in datasets:
        state = await repo.get_or_create(dataset)
        if state.state not in BUSY:
            state.state = SyncState.queued
        state.requested_at = now
        states.append(state)
    await session.flush()
    await queue.enqueue(store.id, datasets, full=full, reason=reason)
    return states


VIEWED_GRANULARITY = timedelta(minutes=1)


async def read_datasets(
    session: AsyncSession,
    store: Store,
    datasets: Sequence[str],
    *,
    settings: Settings,
    queue: SyncQueue,
    now: datetime,
) -> DataFreshness:
    """Mark the datasets as viewed; queue a refresh of the stale ones not already syncing.

    A read takes no lock on the dataset's row: it writes `last_viewed_at` at most once a
    minute (`VIEWED_GRANULARITY`; the scheduler counts days) and the state only when it
    queues a refresh. Locking the row on every read made all reads of a store wait for
    each other, to the end of each one's transaction (bench/api_load.py found it)."""
    repo = SyncStateRepository(session, store.id)
    states: dict[str, SyncDataset] = {}
    to_refresh: list[str] = []
    for dataset in datasets:
        state = await repo.get(dataset) or await repo.get_or_create(dataset)
        states[dataset] = state
        if state.last_viewed_at is None or now - state.last_viewed_at >= VIEWED_GRANULARITY:
            state.last_viewed_at = now
        if (
            dataset in SYNCABLE
            and is_stale(state, settings, now)
            and state.state not in BUSY
            and store.status == StoreStatus.connected
        ):
            to_refresh.append(dataset)
    if to_refresh:
        await mark_queued(session, queue, store, to_refresh, now, reason=AuditReason.user_view)
    await session.flush()
    # The same objects `mark_queued` updated (one identity map): no second read.
    statuses = [to_status(states[d], settings, now, store) for d in datasets]
    return DataFreshness(stale=any(s.stale for s in statuses), sync=statuses)


async def usage_plans(
    session: AsyncSession, store: Store, *, time_scale: float = 1.0
) -> list[UsagePlanInfo]:
    """The usage plans behind the store's datasets, with the requests left in each bucket now.

    Read from the shared buckets (`spapi_rate_buckets`, per selling partner, region and
    operation) without taking a token: level = min(burst, tokens + elapsed * rate); a bucket
    with no row yet is full (burst)."""
    ops = list(dict.fromkeys(OPERATIONS.values()))
    plans = [
        ((store.selling_partner_id, Region(store.region).value, op), *usage_plan(op)) for op in ops
    ]
    levels = await bucket_levels(session, plans, time_scale=time_scale)
    out = []
    for key, _rate, burst in plans:
        level = levels[key]
        out.append(
            UsagePlanInfo(
                operation=key[2],
                rate_per_second=level.rate,
                burst=burst,
                requests_left=level.requests_left,
            )
        )
    return out


async def on_store_connected(
    session: AsyncSession, queue: SyncQueue, store: Store, *, settings: Settings, now: datetime
) -> None:
    """MINTHUB_SYNC_ON_CONNECT: queue the first sync of a newly (re)connected store."""
    if settings.sync_on_connect and store.status == StoreStatus.connected:
        await mark_queued(
            session, queue, store, list(SYNCABLE), now, reason=AuditReason.scheduled_sync
        )


class UnknownDataset(AppError):
    status_code = 422
    code = "unknown_dataset"
    title = "Unknown dataset"


async def sync_status(
    session: AsyncSession, store: Store, *, settings: Settings, now: datetime
) -> SyncStatus:
    """Every dataset's state, counts and last error (datasets never synced included)."""
    found = {s.dataset: s for s in await SyncStateRepository(session, store.id).list()}
    statuses = [
        to_status(found[d], settings, now, store) if d in found else never_synced(d, settings)
        for d in Dataset
    ]
    return SyncStatus(
        store_id=store.id,
        done=not any(s.state in BUSY for s in statuses),
        datasets=statuses,
    )


async def request_sync(
    session: AsyncSession,
    ctx: StoreContext,
    body: SyncRequest,
    *,
    settings: Settings,
    queue: SyncQueue,
    now: datetime,
) -> SyncStatus:
    """Queue a refresh now. Raises `UnknownDataset`, `StoreRevoked` (nothing can be fetched).

    Audits the request (`sync_requested`)."""
    datasets = body.datasets or [str(d) for d in SYNCABLE]
    unknown = [d for d in datasets if d not in {str(x) for x in SYNCABLE}]
    if unknown:
        raise UnknownDataset(
            f"Can sync: {', '.join(SYNCABLE)}; not {', '.join(unknown)}"
            " (report requests go to POST .../reports)"
        )
    if ctx.store.status != StoreStatus.connected:
        raise StoreRevoked()
    await mark_queued(
        session, queue, ctx.store, datasets, now, full=body.full, reason=AuditReason.manual_refresh
    )
    audit.record(
        session,
        ctx.actor,
        AuditAction.sync_requested,
        reason=AuditReason.manual_refresh,
        store_id=ctx.store.id,
        details={"datasets": datasets, "full": body.full},
    )
    return await sync_status(session, ctx.store, settings=settings, now=now)


async def health_grid(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    settings: Settings,
    now: datetime,
    time_scale: float = 1.0,
) -> list[StoreHealth]:
    """Per store the user belongs to and per dataset: last success, last error, next scheduled
    sync; per operation behind them: the usage plan and the requests left in it now."""
    out = []
    for store, _membership in await StoreRepository(session).list_for_user(user_id):
        status = await sync_status(session, store, settings=settings, now=now)
        out.append(
            StoreHealth(
                store_id=store.id,
                store_name=store.name,
                store_status=store.status,
                datasets=status.datasets,
                usage_plans=await usage_plans(session, store, time_scale=time_scale),
            )
        )
    return out
