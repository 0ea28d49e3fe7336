"""Fetch a store's datasets from Amazon into snapshots: full or incremental, resumable.

`run_sync` is what a worker job and `minthub-api sync` both call. It takes a PostgreSQL advisory
lock per store (so a foreground sync and a worker never sync one store at the same time), writes
progress after every page (so `GET .../sync` shows it), and records why it stopped.

Paths and their request cost (README "Sync"):
- orders: `searchOrders` with `lastUpdatedAfter = high-water mark - 2 min` (incremental), or
  `createdAfter = now - MINTHUB_SYNC_ORDERS_INITIAL_DAYS` on the first or a `--full` sync;
- inventory: `getInventorySummaries` per marketplace; with `startDateTime` (changes only) when the
  last full pull of that store was under 24 h ago and needed more than one page per marketplace,
  otherwise a full pull, which also drops SKUs Amazon no longer lists;
- listings: `searchListingsItems` per marketplace, a full pull every time (`listings/sync.py`);
- restock: Amazon's GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT per marketplace through the
  report ledger (`replenishment/restock.py`).
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from minthub_api.amazon.client import SpApiCall, StoreApi
from minthub_api.amazon.inventory import iter_inventory_summaries
from minthub_api.amazon.orders import iter_orders
from minthub_api.amazon.schemas.inventory import InventorySummary
from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditReason
from minthub_api.core.db import utcnow
from minthub_api.core.errors import AppError, StoreRevoked
from minthub_api.core.rls import store_work_session
from minthub_api.core.settings import Settings
from minthub_api.listings.repository import ListingRepository
from minthub_api.listings.sync import sync_listings
from minthub_api.mail.sender import MailSender
from minthub_api.stores.lifecycle import ensure_still_connected
from minthub_api.stores.models import Store, StoreStatus
from minthub_api.stores.spapi import AmazonServices, store_api, translate_amazon_errors
from minthub_api.sync.models import (
    SYNCABLE,
    Dataset,
    SyncDataset,
    SyncSource,
    SyncState,
)
from minthub_api.sync.report_path import (
    ReportPathFailed,
    choose_path,
    fetch_report,
    inventory_row_from_report,
    orders_from_report,
    report_rows,
)
from minthub_api.sync.repository import InventoryRepository, OrderRepository, SyncStateRepository
from minthub_api.sync.schedule import schedule_minutes

log = structlog.get_logger("minthub.sync")

INVENTORY_REPORT = "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA"
ORDERS_REPORT = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"
ORDERS_OVERLAP = timedelta(minutes=2)
INVENTORY_OVERLAP = timedelta(minutes=5)
FULL_INVENTORY_EVERY = timedelta(hours=24)
INVENTORY_PAGE_SIZE = 50  # getInventorySummaries returns at most 50 summaries a page
SYNC_PURPOSE = "store_sync"  # the principal of sync transactions: `system:store_sync`


@dataclass
class SyncRuntime:
    """What a sync needs, passed explicitly (worker, CLI, tests): no globals."""

    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    amazon: AmazonServices
    settings: Settings
    clock: Callable[[], datetime] = utcnow
    mail: MailSender | None = None  # renewal warnings; None: built from the settings


@dataclass
class DatasetOutcome:
    dataset: str
    state: str
    rows: int = 0
    pages: int = 0
    requests: int = 0
    error: str | None = None
    incremental: bool = False
    source: str | None = None
    path_why: str | None = None  # why this path (report vs paging): the cost estimate


@dataclass
class SyncOutcome:
    store_id: uuid.UUID
    datasets: list[DatasetOutcome] = field(default_factory=list)

    @property
    def retryable(self) -> bool:
        return any(d.state == SyncState.failed for d in self.datasets)


ProgressHook = Callable[[str, int, int], None]  # dataset, pages so far, rows so far


class SyncRetryable(Exception):
    """A dataset failed for a reason that may pass (throttling, outage): retry with backoff."""


def _lock_key(store_id: uuid.UUID) -> int:
    return zlib.crc32(f"minthub-sync:{store_id}".encode()) - 2**31


async def run_sync(
    rt: SyncRuntime,
    store_id: uuid.UUID,
    *,
    datasets: Sequence[str] = SYNCABLE,
    full: bool = False,
    reason: AuditReason = AuditReason.scheduled_sync,
    progress: ProgressHook | None = None,
) -> SyncOutcome:
    """Sync the given datasets of one store; never raises for Amazon errors.

    Each dataset's state ends `succeeded`, `failed` (error kept) or `stopped` (store revoked;
    LWA `invalid_grant` revokes it here, as a request would). Audits every SP-API call with the
    system actor. After a success the replenishment journal gets today's entries.
    """
    outcome = SyncOutcome(store_id=store_id)
    async with rt.engine.connect() as lock_conn:
        # Session-level advisory lock on its own connection: held across our many commits.
        await lock_conn.execute(select(func.pg_advisory_lock(_lock_key(store_id))))
        await lock_conn.commit()
        try:
            for dataset in datasets:
                outcome.datasets.append(
                    await _sync_dataset(rt, store_id, Dataset(dataset), full, reason, progress)
                )
            if any(d.state == SyncState.succeeded for d in outcome.datasets):
                from minthub_api.replenishment import journal

                async with (
                    store_work_session(rt.sessionmaker, store_id, SYNC_PURPOSE) as session,
                    session.begin(),
                ):
                    await journal.record_today(session, store_id, rt.settings, now=rt.clock())
        finally:
            await lock_conn.execute(select(func.pg_advisory_unlock(_lock_key(store_id))))
            await lock_conn.commit()
    return outcome


async def _sync_dataset(
    rt: SyncRuntime,
    store_id: uuid.UUID,
    dataset: Dataset,
    full: bool,
    reason: AuditReason,
    progress: ProgressHook | None,
) -> DatasetOutcome:
    result = DatasetOutcome(dataset=dataset, state=SyncState.running)
    partial_error: str | None = None  # a part that failed while the rest succeeded (restock)
    async with store_work_session(rt.sessionmaker, store_id, SYNC_PURPOSE) as session:
        store = await session.get(Store, store_id)
        if store is None:
            # Not committed yet (a job queued while connecting) or deleted: retried, then dropped.
            return DatasetOutcome(dataset=dataset, state=SyncState.failed, error="no such store")
        state = await SyncStateRepository(session, store_id).get_or_create(dataset)
        now = rt.clock()
        if store.status != StoreStatus.connected:
            state.state = SyncState.stopped
            state.last_error = "The store is not connected (revoked); nothing was fetched."
            await session.commit()
            return DatasetOutcome(dataset=dataset, state=SyncState.stopped, error=state.last_error)
        state.state = SyncState.running
        state.started_at = now
        state.finished_at = None
        state.full = full
        state.attempts += 1
        state.rows_seen = state.pages = state.requests = 0
        await session.commit()

        def observe(call: SpApiCall) -> None:
            state.requests += 1
            result.requests += 1

        api = store_api(rt.amazon, session, store, audit.SYSTEM, reason, observe=observe)
        try:
            async with translate_amazon_errors(session, rt.amazon, store, audit.SYSTEM, reason):
                source = SyncSource.api_paging
                if dataset in (Dataset.inventory, Dataset.orders):
                    choice = await choose_path(
                        session, store, dataset, state, full=full, now=now, settings=rt.settings
                    )
                    result.path_why = choice.why
                    if choice.path == SyncSource.report:
                        try:
                            result.incremental = await _sync_from_report(
                                rt, session, api, store, state, dataset, full, now, progress
                            )
                            source = SyncSource.report
                        except ReportPathFailed as exc:
                            result.path_why = f"{choice.why}; report failed ({exc}): paging"
                            log.info("sync.report_fallback", dataset=dataset, error=str(exc))
                if source == SyncSource.report:
                    pass
                elif dataset == Dataset.inventory:
                    result.incremental = await _sync_inventory(
                        session, api, store, state, full, now, progress
                    )
                elif dataset == Dataset.orders:
                    result.incremental = await _sync_orders(
                        session, api, store, state, full, now, rt.settings, progress
                    )
                elif dataset == Dataset.listings:

                    async def page_done(rows: int) -> None:
                        await _page_done(session, state, rows, progress)

                    result.incremental = await sync_listings(session, api, store, now, page_done)
                    state.high_water_mark = state.last_full_at = now
                elif dataset == Dataset.restock:
                    from minthub_api.replenishment.restock import sync_restock

                    async def restock_done(rows: int) -> None:
                        await _page_done(session, state, rows, progress)

                    partial_error = await sync_restock(
                        session,
                        api,
                        store,
                        settings=rt.settings,
                        clock=rt.clock,
                        now=now,
                        page_done=restock_done,
                    )
                    source = SyncSource.report
                    state.high_water_mark = state.last_full_at = now
                else:
                    raise NotImplementedError(f"{dataset} needs the Reports operations")
        except Exception as exc:
            await _keep_work(session)
            stopped = isinstance(exc, StoreRevoked)
            state.state = SyncState.stopped if stopped else SyncState.failed
            state.last_error = _describe(exc)
            state.last_error_at = state.finished_at = rt.clock()
            await session.commit()
            log.warning(
                "sync.failed", store_id=str(store_id), dataset=dataset, error=state.last_error
            )
            result.state, result.error = state.state, state.last_error
            result.rows, result.pages = state.rows_seen, state.pages
            if not isinstance(exc, AppError | NotImplementedError):
                raise  # a bug or a database problem: let the job queue see it
            return result
        state.state = SyncState.succeeded
        state.source = source
        state.last_success_at = state.finished_at = rt.clock()
        state.next_sync_at = state.last_success_at + timedelta(
            minutes=schedule_minutes(rt.settings, dataset)
        )
        state.last_error = None
        if partial_error is not None:
            # Kept where the health grid shows it; the rows it would have replaced are kept.
            state.last_error, state.last_error_at = partial_error, state.finished_at
            result.error = partial_error
        state.rows_total = await _count_rows(session, store_id, dataset)
        await session.commit()
        log.info(
            "sync.done",
            store_id=str(store_id),
            dataset=dataset,
            rows=state.rows_seen,
            requests=state.requests,
            incremental=result.incremental,
        )
        result.state = SyncState.succeeded
        result.source = source
        result.rows, result.pages = state.rows_seen, state.pages
        return result


async def _count_rows(session: AsyncSession, store_id: uuid.UUID, dataset: Dataset) -> int:
    if dataset == Dataset.inventory:
        return await InventoryRepository(session, store_id).count()
    if dataset == Dataset.listings:
        return await ListingRepository(session, store_id).count()
    if dataset == Dataset.restock:
        from minthub_api.replenishment.repository import RestockRepository

        return await RestockRepository(session, store_id).count()
    return await OrderRepository(session, store_id).count()


async def _keep_work(session: AsyncSession) -> None:
    """Commit what the failed attempt legitimately did (audit events, a revocation)."""
    try:
        await session.commit()
    except Exception:
        await session.rollback()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, AppError):
        return f"{exc.code}: {exc.detail or exc.title}"
    return str(exc)


async def _page_done(
    session: AsyncSession, state: SyncDataset, rows: int, progress: ProgressHook | None
) -> None:
    state.pages += 1
    state.rows_seen += rows
    await session.commit()
    if progress is not None:
        progress(state.dataset, state.pages, state.rows_seen)
    # Another process (an owner's disconnect, the health check, an operator) may have revoked
    # the store meanwhile: read its status before the next request, never from a cache.
    await ensure_still_connected(session, state.store_id)


async def _sync_inventory(
    session: AsyncSession,
    api: StoreApi,
    store: Store,
    state: SyncDataset,
    full: bool,
    now: datetime,
    progress: ProgressHook | None,
) -> bool:
    repo = InventoryRepository(session, store.id)
    # startDateTime saves requests only when a full pull needs more than one page per
    # marketplace; it also misses removed SKUs, so a full pull happens at least daily.
    multi_page = state.rows_total > INVENTORY_PAGE_SIZE * len(store.marketplace_ids)
    incremental = (
        not full
        and state.high_water_mark is not None
        and state.last_full_at is not None
        and now - state.last_full_at < FULL_INVENTORY_EVERY
        and multi_page
    )
    start = None
    if incremental and state.high_water_mark is not None:
        start = state.high_water_mark - INVENTORY_OVERLAP
    for marketplace_id in store.marketplace_ids:
        async for page in iter_inventory_summaries(
            api, marketplace_id=marketplace_id, details=True, start_date_time=start
        ):
            await repo.upsert([inventory_row(s, marketplace_id, now) for s in page.items])
            await _page_done(session, state, len(page.items), progress)
        if not incremental:
            await repo.delete_not_seen(marketplace_id, now)
    state.high_water_mark = now
    if not incremental:
        state.last_full_at = now
    return incremental


def inventory_row(
    summary: InventorySummary, marketplace_id: str, now: datetime
) -> dict[str, object]:
    details = summary.inventory_details
    return {
        "marketplace_id": marketplace_id,
        "sku": summary.seller_sku or "",
        "asin": summary.asin,
        "fnsku": summary.fn_sku,
        "product_name": summary.product_name,
        "condition": summary.condition,
        "fulfillable": (details.fulfillable_quantity or 0) if details else 0,
        "inbound_working": (details.inbound_working_quantity or 0) if details else 0,
        "inbound_shipped": (details.inbound_shipped_quantity or 0) if details else 0,
        "inbound_receiving": (details.inbound_receiving_quantity or 0) if details else 0,
        "reserved": details.reserved_total if details else 0,
        "unfulfillable": details.unfulfillable_total if details else 0,
        "researching": details.researching_total if details else 0,
        "total": summary.total_quantity or 0,
        "amazon_updated_at": summary.last_updated_time,
        "synced_at": now,
    }


async def _sync_from_report(
    rt: SyncRuntime,
    session: AsyncSession,
    api: StoreApi,
    store: Store,
    state: SyncDataset,
    dataset: Dataset,
    full: bool,
    now: datetime,
    progress: ProgressHook | None,
) -> bool:
    """Inventory (one report per marketplace, always a full picture) or orders (one report
    from the high-water mark, or from MINTHUB_SYNC_ORDERS_INITIAL_DAYS ago) through the ledger;
    rows go into the same snapshots as paging. Returns whether it was incremental."""
    if dataset == Dataset.inventory:
        repo = InventoryRepository(session, store.id)
        for marketplace_id in store.marketplace_ids:
            report = await fetch_report(
                session,
                api,
                store,
                report_type=INVENTORY_REPORT,
                marketplace_ids=[marketplace_id],
                data_start=None,
                settings=rt.settings,
                clock=rt.clock,
            )
            rows = [
                inventory_row_from_report(r, marketplace_id, now)
                for r in await report_rows(session, report)
            ]
            for at in range(0, len(rows), 500):
                await repo.upsert(rows[at : at + 500])
            await repo.delete_not_seen(marketplace_id, now)
            await _page_done(session, state, len(rows), progress)
        state.high_water_mark = state.last_full_at = now
        return False
    mark = None if full else state.high_water_mark
    start = (
        mark - ORDERS_OVERLAP
        if mark is not None
        else now - timedelta(days=rt.settings.sync_orders_initial_days)
    ).replace(microsecond=0)
    report = await fetch_report(
        session,
        api,
        store,
        report_type=ORDERS_REPORT,
        marketplace_ids=store.marketplace_ids,
        data_start=start,
        settings=rt.settings,
        clock=rt.clock,
    )
    orders = orders_from_report(await report_rows(session, report), store.marketplace_ids)
    order_repo = OrderRepository(session, store.id)
    for begin in range(0, len(orders), 100):
        await order_repo.upsert(orders[begin : begin + 100], now, keep_ship_by=True)
    newest = max((o.last_update_date for o in orders), default=mark)
    state.high_water_mark = newest if newest is not None else mark
    await _page_done(session, state, len(orders), progress)
    return mark is not None


async def _sync_orders(
    session: AsyncSession,
    api: StoreApi,
    store: Store,
    state: SyncDataset,
    full: bool,
    now: datetime,
    settings: Settings,
    progress: ProgressHook | None,
) -> bool:
    repo = OrderRepository(session, store.id)
    mark = None if full else state.high_water_mark
    if mark is not None:
        pages = iter_orders(
            api, marketplace_ids=store.marketplace_ids, last_updated_after=mark - ORDERS_OVERLAP
        )
    else:
        start = (now - timedelta(days=settings.sync_orders_initial_days)).replace(microsecond=0)
        pages = iter_orders(api, marketplace_ids=store.marketplace_ids, created_after=start)
    newest = mark
    async for page in pages:
        await repo.upsert(page.items, now)
        for order in page.items:
            if newest is None or order.last_update_date > newest:
                newest = order.last_update_date
        state.high_water_mark = newest
        await _page_done(session, state, len(page.items), progress)
    return mark is not None
