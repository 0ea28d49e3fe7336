"""What `minthub-api worker` and `minthub-api sync` run (the CLI stays a thin shell)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlalchemy import select

from minthub_api.audit.actions import AuditReason
from minthub_api.core.db import create_engine, create_sessionmaker
from minthub_api.core.http import outbound_client
from minthub_api.core.rls import system_context
from minthub_api.core.settings import Settings
from minthub_api.health.metrics import Metrics
from minthub_api.mail.sender import build_mail_sender
from minthub_api.stores.models import Store, StoreStatus
from minthub_api.sync import jobs
from minthub_api.sync.observability import job_middleware, metrics_server
from minthub_api.sync.service import ProgressHook, SyncOutcome, SyncRuntime, run_sync


@asynccontextmanager
async def sync_runtime(
    settings: Settings, metrics: Metrics | None = None
) -> AsyncIterator[SyncRuntime]:
    """Engine, sessions and the SP-API client for a worker or a foreground sync."""
    from minthub_api.main import build_amazon

    assert settings.database_url
    engine = create_engine(settings.database_url, settings)
    try:
        async with outbound_client(settings) as http:
            yield SyncRuntime(
                engine=engine,
                sessionmaker=create_sessionmaker(engine),
                # The usage-plan buckets in PostgreSQL: workers and API share Amazon's plans.
                amazon=build_amazon(settings, http, engine, metrics),
                settings=settings,
                mail=build_mail_sender(settings),
            )
    finally:
        await engine.dispose()


async def worker(
    settings: Settings,
    *,
    concurrency: int,
    install_signal_handlers: bool = True,
    metrics_port: int | None = None,
) -> None:
    """Run jobs until SIGTERM/SIGINT: then stop fetching, let running jobs finish (at most
    MINTHUB_WORKER_SHUTDOWN_TIMEOUT_SECONDS) and return."""
    assert settings.database_url
    metrics = Metrics()
    async with sync_runtime(settings, metrics) as rt:
        app = jobs.create_job_app(settings.database_url, max_size=concurrency + 2)
        async with (
            app.open_async(),
            metrics_server(settings, metrics, rt.sessionmaker, metrics_port),
        ):
            await app.run_worker_async(
                queues=[jobs.QUEUE],
                concurrency=concurrency,
                additional_context={"runtime": rt},
                delete_jobs="successful",
                install_signal_handlers=install_signal_handlers,
                shutdown_graceful_timeout=settings.worker_shutdown_timeout_seconds,
                worker_middleware=[job_middleware(metrics)],
            )


async def store_ids(settings: Settings, store: uuid.UUID | None) -> list[uuid.UUID]:
    """The one store asked for, or every connected store (`--all`)."""
    async with (
        sync_runtime(settings) as rt,
        rt.sessionmaker() as session,
        system_context(session, "operator.sync"),
    ):
        stmt = select(Store.id).where(Store.status == StoreStatus.connected)
        if store is not None:
            stmt = select(Store.id).where(Store.id == store)
        return list((await session.execute(stmt)).scalars().all())


async def sync_now(
    settings: Settings,
    stores: list[uuid.UUID],
    *,
    full: bool,
    progress: Callable[[uuid.UUID], ProgressHook],
) -> list[SyncOutcome]:
    out = []
    async with sync_runtime(settings) as rt:
        for store_id in stores:
            out.append(
                await run_sync(
                    rt,
                    store_id,
                    full=full,
                    reason=AuditReason.operator_action,
                    progress=progress(store_id),
                )
            )
    return out
