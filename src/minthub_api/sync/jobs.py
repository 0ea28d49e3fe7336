"""Background work on procrastinate (PostgreSQL-backed job queue).

- `minthub-api worker` runs `run_worker()`; any number of workers on any number of machines
  share the one database (procrastinate fetches jobs with `FOR UPDATE SKIP LOCKED`).
- Jobs of one store are serialised: every store job carries `lock="store:<id>"`, and procrastinate
  never runs two jobs with the same lock at once. `run_sync` also takes a PostgreSQL advisory lock
  per store, which covers a foreground `minthub-api sync` running beside the workers.
- A job whose dataset failed for a passing reason (throttling, outage) raises `SyncRetryable` and is
  retried with exponential backoff; a revoked store's job ends without fetching anything.
- `schedule_syncs` runs every 5 minutes on one worker (procrastinate's periodic tasks are
  deferred once cluster-wide) and queues a sync for each connected store somebody read in the
  last MINTHUB_SYNC_ACTIVE_DAYS days whose data is older than MINTHUB_SYNC_SCHEDULE_MINUTES, or
  than the dataset's freshness window when that is longer (listings: 360 minutes).

- The authorization lifecycle (`stores/lifecycle.py`) runs here too: `renewal_warnings`
  (hourly: mail owners 30/7/1 days before the 365-day authorization ends),
  `schedule_auth_checks` (every 15 minutes: defers one `check_authorization` job per store due,
  spread over the tick, each with the store's lock) and `purge_revoked_data` (hourly).

The queue's tables live in the PostgreSQL schema `procrastinate` (see the migration).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import procrastinate
import structlog
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.types import JSONValue
from sqlalchemy import select

from minthub_api.audit.actions import AuditReason
from minthub_api.core.db import utcnow
from minthub_api.core.rls import system_context
from minthub_api.stores import lifecycle
from minthub_api.stores.models import Store, StoreStatus
from minthub_api.sync.models import SYNCABLE, SyncDataset
from minthub_api.sync.schedule import schedule_minutes
from minthub_api.sync.service import SyncRetryable, SyncRuntime, run_sync

log = structlog.get_logger("minthub.jobs")

QUEUE = "sync"
SYNC_TASK = "minthub:sync_store"
SCHEDULE_TASK = "minthub:schedule_syncs"
REPORT_TASK = "minthub:poll_report"
RENEWAL_TASK = "minthub:renewal_warnings"
AUTH_SCHEDULE_TASK = "minthub:schedule_auth_checks"
AUTH_CHECK_TASK = "minthub:check_authorization"
RETENTION_TASK = "minthub:purge_revoked_data"
RETRY = procrastinate.RetryStrategy(
    max_attempts=6, wait=5, exponential_wait=3, retry_exceptions={SyncRetryable}
)


def libpq_dsn(database_url: str) -> str:
    """SQLAlchemy's `postgresql+asyncpg://` URL as a libpq one for psycopg."""
    scheme, _, rest = database_url.partition("://")
    return f"postgresql://{rest}" if scheme.startswith("postgresql") else database_url


def create_job_app(database_url: str, *, max_size: int = 4) -> procrastinate.App:
    connector = procrastinate.PsycopgConnector(
        conninfo=libpq_dsn(database_url),
        kwargs={"options": "-c search_path=procrastinate,public"},
        min_size=1,
        max_size=max_size,
    )
    app = procrastinate.App(connector=connector)
    # Tasks are registered per App (not through a shared Blueprint): a task keeps a link to
    # the app it was added to, and the API, workers and tests each have their own.
    app.task(name=SYNC_TASK, pass_context=True, retry=RETRY, queue=QUEUE)(sync_store)
    app.task(name=REPORT_TASK, pass_context=True, queue=QUEUE)(poll_report)
    scheduler = app.task(name=SCHEDULE_TASK, pass_context=True, queue=QUEUE)(schedule_syncs)
    app.periodic(cron="*/5 * * * *")(scheduler)
    app.task(name=AUTH_CHECK_TASK, pass_context=True, queue=QUEUE)(check_authorization)
    for name, cron, fn in (
        (RENEWAL_TASK, "7 * * * *", renewal_warnings),
        (AUTH_SCHEDULE_TASK, "*/15 * * * *", schedule_auth_checks),
        (RETENTION_TASK, "37 * * * *", purge_revoked_data),
    ):
        app.periodic(cron=cron)(app.task(name=name, pass_context=True, queue=QUEUE)(fn))
    return app


def current_request_id() -> str | None:
    """The request id bound to this context's log lines: the API request deferring a job, or
    (inside a worker) the request the running job came from. Passed as the job's `request_id`
    argument; the worker's job middleware binds it to every line the job logs."""
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    return str(request_id) if request_id else None


class ProcrastinateQueue:
    """`SyncQueue` on procrastinate; the app must be open (`async with app.open_async()`)."""

    def __init__(self, app: procrastinate.App) -> None:
        self.app = app

    async def enqueue(
        self,
        store_id: uuid.UUID,
        datasets: Sequence[str],
        *,
        full: bool = False,
        reason: AuditReason = AuditReason.scheduled_sync,
    ) -> bool:
        names: list[JSONValue] = [str(d) for d in sorted(set(datasets))]
        try:
            await self.app.configure_task(
                SYNC_TASK,
                lock=f"store:{store_id}",
                queueing_lock=f"sync:{store_id}:{','.join(map(str, names))}:{int(full)}",
                queue=QUEUE,
            ).defer_async(
                store_id=str(store_id),
                datasets=names,
                full=full,
                reason=str(reason),
                request_id=current_request_id(),
            )
        except AlreadyEnqueued:
            return False
        return True

    async def enqueue_report_poll(
        self, store_id: uuid.UUID, report_id: uuid.UUID, *, delay_seconds: float = 0
    ) -> bool:
        """Queue one poll of a ledger report (idempotent while one waits)."""
        return await defer_report_poll(self.app, str(store_id), str(report_id), delay_seconds)


async def defer_report_poll(
    app: procrastinate.App, store_id: str, report_id: str, delay_seconds: float
) -> bool:
    try:
        await app.configure_task(
            REPORT_TASK,
            queueing_lock=f"report:{report_id}",
            queue=QUEUE,
            schedule_in={"seconds": max(0, round(delay_seconds))},
        ).defer_async(store_id=store_id, report_id=report_id, request_id=current_request_id())
    except AlreadyEnqueued:
        return False
    return True


async def poll_report(
    context: procrastinate.JobContext,
    store_id: str,
    report_id: str,
    request_id: str | None = None,  # bound to the job's log lines (sync/observability.py)
) -> str:
    """One step of a ledger report; re-defers itself while the report is pending.

    The queueing lock is released when this job starts running, so the re-deferral below is not
    refused as a duplicate of itself."""
    from minthub_api.reports.work import poll_once

    rt: SyncRuntime = context.additional_context["runtime"]
    status = await poll_once(rt, uuid.UUID(store_id), uuid.UUID(report_id))
    if status is not None and status.pending:
        await defer_report_poll(context.app, store_id, report_id, rt.settings.report_poll_seconds)
    return str(status)


async def sync_store(
    context: procrastinate.JobContext,
    store_id: str,
    datasets: list[str],
    full: bool = False,
    reason: str = AuditReason.scheduled_sync,
    request_id: str | None = None,  # bound to the job's log lines (sync/observability.py)
) -> dict[str, Any]:
    rt: SyncRuntime = context.additional_context["runtime"]
    outcome = await run_sync(
        rt, uuid.UUID(store_id), datasets=datasets, full=full, reason=AuditReason(reason)
    )
    summary = {d.dataset: d.state for d in outcome.datasets}
    if outcome.retryable:
        raise SyncRetryable(f"store {store_id}: {summary}")
    return summary


async def schedule_syncs(context: procrastinate.JobContext, timestamp: int) -> int:
    rt: SyncRuntime = context.additional_context["runtime"]
    await resume_reports(rt, ProcrastinateQueue(context.app))
    return await queue_due_syncs(rt, ProcrastinateQueue(context.app))


async def resume_reports(rt: SyncRuntime, queue: ProcrastinateQueue) -> int:
    """Re-queue polls of pending reports whose job was lost (restart, killed worker)."""
    from minthub_api.reports.work import overdue_reports

    queued = 0
    for store_id, report_id in await overdue_reports(rt, rt.clock()):
        queued += await queue.enqueue_report_poll(store_id, report_id)
    if queued:
        log.info("reports.resumed", reports=queued)
    return queued


async def queue_due_syncs(rt: SyncRuntime, queue: ProcrastinateQueue) -> int:
    """Queue a sync for every used, connected store whose data is due. Returns how many."""
    now = rt.clock()
    active_since = now - timedelta(days=rt.settings.sync_active_days)
    async with rt.sessionmaker() as session, system_context(session, "sync.schedule"):
        rows = (
            await session.execute(
                select(SyncDataset.store_id, SyncDataset.dataset, SyncDataset.last_success_at)
                .join(Store, Store.id == SyncDataset.store_id)
                .where(
                    Store.status == StoreStatus.connected,
                    SyncDataset.dataset.in_([str(d) for d in SYNCABLE]),
                    SyncDataset.last_viewed_at >= active_since,
                )
            )
        ).all()
    due = [
        (store_id, dataset)
        for store_id, dataset, last_success in rows
        if last_success is None
        or last_success < now - timedelta(minutes=schedule_minutes(rt.settings, dataset))
    ]
    by_store: dict[uuid.UUID, list[str]] = {}
    for store_id, dataset in due:
        by_store.setdefault(store_id, []).append(dataset)
    queued = 0
    for store_id, datasets in by_store.items():
        queued += await queue.enqueue(store_id, datasets, reason=AuditReason.scheduled_sync)
    log.info("sync.scheduled", stores=queued, at=utcnow().isoformat())
    return queued


async def renewal_warnings(context: procrastinate.JobContext, timestamp: int) -> int:
    rt: SyncRuntime = context.additional_context["runtime"]
    return await lifecycle.send_renewal_warnings(rt)


async def purge_revoked_data(context: procrastinate.JobContext, timestamp: int) -> int:
    rt: SyncRuntime = context.additional_context["runtime"]
    return await lifecycle.purge_revoked_data(rt)


async def schedule_auth_checks(context: procrastinate.JobContext, timestamp: int) -> int:
    rt: SyncRuntime = context.additional_context["runtime"]
    return await queue_auth_checks(rt, context.app)


async def queue_auth_checks(rt: SyncRuntime, app: procrastinate.App) -> int:
    """Defer one health check per due store, spread evenly over the scheduler's tick, each
    under the store's lock (never beside its sync). Returns how many were deferred."""
    due = await lifecycle.due_health_checks(rt)
    step = lifecycle.HEALTH_CHECK_TICK.total_seconds() / max(1, len(due))
    queued = 0
    for n, store_id in enumerate(due):
        try:
            await app.configure_task(
                AUTH_CHECK_TASK,
                lock=f"store:{store_id}",
                queueing_lock=f"authcheck:{store_id}",
                queue=QUEUE,
                schedule_in={"seconds": int(n * step)},
            ).defer_async(store_id=str(store_id))
        except AlreadyEnqueued:
            continue
        queued += 1
    log.info("auth_health.scheduled", stores=queued)
    return queued


async def check_authorization(context: procrastinate.JobContext, store_id: str) -> str:
    rt: SyncRuntime = context.additional_context["runtime"]
    return await lifecycle.check_store_authorization(rt, uuid.UUID(store_id))
