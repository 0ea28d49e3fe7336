"""Prometheus metrics: one registry per app instance (tests build many apps in one process).

Exposed at `/metrics`; see `health/endpoints.py` for who may read them.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from minthub_api.core.rls import system_context
from minthub_api.stores.models import Store, StoreStatus


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.http_latency = Histogram(
            "minthub_http_request_duration_seconds",
            "API request latency by route template, method and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.spapi_calls = Counter(
            "minthub_spapi_calls_total",
            "HTTP attempts to SP-API by operation and status (429s included).",
            ["operation", "status"],
            registry=self.registry,
        )
        self.spapi_throttled = Counter(
            "minthub_spapi_throttled_total",
            "SP-API 429 answers by operation.",
            ["operation"],
            registry=self.registry,
        )
        self.token_refreshes = Counter(
            "minthub_lwa_token_refreshes_total",
            "LWA access-token refreshes by outcome.",
            ["outcome"],
            registry=self.registry,
        )
        self.revoked_stores = Gauge(
            "minthub_revoked_stores",
            "Stores whose authorization is revoked (read at scrape time).",
            registry=self.registry,
        )
        self.lwa_credentials_valid = Gauge(
            "minthub_lwa_credentials_valid",
            "1 when LWA last accepted our client credentials, 0 after invalid_client.",
            registry=self.registry,
        )
        self.lwa_credentials_valid.set(1)
        # The job queue (procrastinate). Depth is read from its table at scrape time.
        self.queue_jobs = Gauge(
            "minthub_queue_jobs",
            "Jobs waiting (todo) or running (doing) per queue (read at scrape time).",
            ["queue", "status"],
            registry=self.registry,
        )
        self.queue_oldest = Gauge(
            "minthub_queue_oldest_job_age_seconds",
            "Age of the oldest runnable job waiting per queue (0: none); read at scrape time,"
            " so the API shows how far behind the workers are.",
            ["queue"],
            registry=self.registry,
        )
        self.job_wait = Histogram(
            "minthub_job_wait_seconds",
            "Time from queued (or due, for a retry) to started, by task.",
            ["task"],
            buckets=JOB_BUCKETS,
            registry=self.registry,
        )
        self.job_run = Histogram(
            "minthub_job_run_seconds",
            "Job run time by task.",
            ["task"],
            buckets=JOB_BUCKETS,
            registry=self.registry,
        )
        self.jobs = Counter(
            "minthub_jobs_total",
            "Job runs by task and outcome (succeeded, retry, failed, aborted).",
            ["task", "status"],
            registry=self.registry,
        )


JOB_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, float("inf"))
QUEUES = ("sync",)

_QUEUE_DEPTH_SQL = text(
    "SELECT queue_name, status::text, count(*) FROM procrastinate.procrastinate_jobs"
    " WHERE status IN ('todo', 'doing') GROUP BY queue_name, status"
)

# A runnable job (due now) has waited since it was deferred, or since it became due (retry).
_QUEUE_OLDEST_SQL = text(
    "SELECT j.queue_name,"
    "       max(extract(epoch FROM now() - greatest(coalesce(j.scheduled_at, e.at), e.at)))"
    "  FROM procrastinate.procrastinate_jobs j"
    "  CROSS JOIN LATERAL (SELECT min(at) AS at FROM procrastinate.procrastinate_events"
    "                       WHERE job_id = j.id AND type = 'deferred') e"
    " WHERE j.status = 'todo' AND (j.scheduled_at IS NULL OR j.scheduled_at <= now())"
    " GROUP BY j.queue_name"
)


async def refresh_from_database(
    metrics: Metrics, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Scrape-time gauges: revoked stores, queue depth and the oldest waiting job."""
    async with sessionmaker() as session, system_context(session, "metrics.scrape"):
        revoked = await session.scalar(
            select(func.count()).select_from(Store).where(Store.status == StoreStatus.revoked)
        )
        depth = (await session.execute(_QUEUE_DEPTH_SQL)).all()
        oldest = (await session.execute(_QUEUE_OLDEST_SQL)).all()
    metrics.revoked_stores.set(revoked or 0)
    metrics.queue_jobs.clear()
    metrics.queue_oldest.clear()
    for queue in QUEUES:  # zero series for the known queues, so dashboards see 0, not gaps
        for status in ("todo", "doing"):
            metrics.queue_jobs.labels(queue=queue, status=status).set(0)
        metrics.queue_oldest.labels(queue=queue).set(0)
    for queue, status, count in depth:
        metrics.queue_jobs.labels(queue=queue, status=status).set(count)
    for queue, age in oldest:
        metrics.queue_oldest.labels(queue=queue).set(max(0.0, float(age or 0)))


class HttpMetricsMiddleware:
    """Pure ASGI: request latency labelled by the matched route template, never the raw path."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            self.metrics.http_latency.labels(
                method=scope.get("method", ""),
                route=route_template(scope),
                status=str(status["code"]),
            ).observe(time.perf_counter() - started)


def route_template(scope: Scope) -> str:
    """`/api/v1/stores/{store_id}/inventory` for `/api/v1/stores/3f2…/inventory`.

    Rebuilt from the path and its path parameters: with nested routers the matched route only
    knows its own part of the path. Unmatched paths share one label, so label cardinality
    stays bounded whatever clients request.
    """
    if scope.get("route") is None:
        return "unmatched"
    params = {str(v): k for k, v in (scope.get("path_params") or {}).items()}
    segments = str(scope.get("path", "")).split("/")
    return "/".join("{" + params[seg] + "}" if seg in params else seg for seg in segments)
