"""What a worker adds around every job, and the worker's own /metrics.

- `job_middleware`: binds `job_id`, the task and the request id the job was deferred under
  (`request_id` task argument, set by `ProcrastinateQueue.enqueue` during a request) to every
  log line of the job; records queue wait (queued, or due for a retry, → started, from
  procrastinate's event table), run time and outcome.
- `metrics_server`: `minthub-api worker --metrics-port` / MINTHUB_WORKER_METRICS_PORT serves
  `/metrics` with the API's rule (bearer MINTHUB_METRICS_TOKEN, else loopback clients only).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import procrastinate
import structlog
import uvicorn
from fastapi import FastAPI
from procrastinate.middleware import AsyncCallNext, WorkerMiddleware
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from minthub_api.core.errors import install_error_handlers
from minthub_api.core.settings import Settings
from minthub_api.health import endpoints as health_endpoints
from minthub_api.health.metrics import Metrics
from minthub_api.sync.service import SyncRetryable

log = structlog.get_logger("minthub.jobs")

# Seconds between the job becoming runnable (deferred, or due after a retry's backoff) and
# its start; both ends are PostgreSQL timestamps, so clocks of other machines don't matter.
_WAIT_SQL = """
SELECT greatest(0, extract(epoch FROM s.at - greatest(q.at, coalesce(j.scheduled_at, q.at))))
       AS wait
  FROM procrastinate_jobs j
  CROSS JOIN LATERAL (SELECT max(at) AS at FROM procrastinate_events
                       WHERE job_id = j.id AND type = 'started') s
  CROSS JOIN LATERAL (SELECT max(at) AS at FROM procrastinate_events
                       WHERE job_id = j.id
                         AND type IN ('deferred', 'deferred_for_retry', 'retried')) q
 WHERE j.id = %(job_id)s
"""


async def _queue_wait(context: procrastinate.JobContext) -> float | None:
    try:
        row = await context.app.connector.execute_query_one_async(_WAIT_SQL, job_id=context.job.id)
    except Exception:  # metrics must never fail a job
        log.warning("job.wait_unknown", exc_info=True)
        return None
    return float(row["wait"]) if row and row["wait"] is not None else None


def job_middleware(metrics: Metrics | None) -> WorkerMiddleware:
    async def middleware(
        call_next: AsyncCallNext, context: procrastinate.JobContext, worker: Any
    ) -> Any:
        job = context.job
        bound: dict[str, Any] = {"job_id": job.id, "task": job.task_name}
        request_id = job.task_kwargs.get("request_id")
        if isinstance(request_id, str) and request_id:
            bound["request_id"] = request_id
        with structlog.contextvars.bound_contextvars(**bound):
            wait = await _queue_wait(context)
            if metrics is not None and wait is not None:
                metrics.job_wait.labels(task=job.task_name).observe(wait)
            log.info("job.started", attempt=job.attempts + 1, wait_seconds=wait)
            started = time.perf_counter()
            status = "failed"
            try:
                result = await call_next()
                status = "succeeded"
                return result
            except SyncRetryable:
                status = "retry"
                raise
            except asyncio.CancelledError:
                status = "aborted"
                raise
            finally:
                seconds = time.perf_counter() - started
                if metrics is not None:
                    metrics.job_run.labels(task=job.task_name).observe(seconds)
                    metrics.jobs.labels(task=job.task_name, status=status).inc()
                log.info("job.finished", status=status, seconds=round(seconds, 3))

    return middleware


def metrics_app(
    settings: Settings, metrics: Metrics, sessionmaker: async_sessionmaker[AsyncSession]
) -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.sessionmaker = sessionmaker
    install_error_handlers(app)
    app.include_router(health_endpoints.metrics_router)
    return app


class _NoSignalServer(uvicorn.Server):
    """Leaves SIGTERM/SIGINT to procrastinate's worker, which drains jobs first."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def metrics_server(
    settings: Settings,
    metrics: Metrics,
    sessionmaker: async_sessionmaker[AsyncSession],
    port: int | None,
) -> AsyncIterator[None]:
    """Serve /metrics on `port` (None: nothing) while the block runs."""
    if port is None:
        yield
        return
    config = uvicorn.Config(
        metrics_app(settings, metrics, sessionmaker),
        host=settings.worker_metrics_host,
        port=port,
        log_config=None,
        access_log=False,
        lifespan="off",
    )
    server = _NoSignalServer(config)
    task = asyncio.create_task(server.serve())
    while not server.started and not task.done():  # noqa: ASYNC110 - uvicorn has no event
        await asyncio.sleep(0.05)
    if task.done():
        task.result()  # the port is taken: say so at start-up
        raise RuntimeError(f"worker metrics server on port {port} stopped at start-up")
    log.info("worker.metrics_listening", host=settings.worker_metrics_host, port=port)
    try:
        yield
    finally:
        server.should_exit = True
        await task
