"""The application factory."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import structlog
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncEngine

from minthub_api import __version__
from minthub_api.amazon.auth import AccessTokenCache
from minthub_api.amazon.client import SpApiClient
from minthub_api.amazon.encoding import build_user_agent
from minthub_api.amazon.throttle import InMemoryRateLimiter, RateLimiter
from minthub_api.amazon.throttle_pg import PostgresRateLimiter
from minthub_api.api import api_router
from minthub_api.core.db import create_engine, create_sessionmaker
from minthub_api.core.errors import PROBLEM_JSON, Problem, install_error_handlers
from minthub_api.core.http import outbound_client
from minthub_api.core.logging import RequestIdMiddleware, configure_logging
from minthub_api.core.rls import rls_in_force
from minthub_api.core.settings import ConfigurationError, Settings, check_settings, get_settings
from minthub_api.crypto.providers import build_key_provider
from minthub_api.health import endpoints as health_endpoints
from minthub_api.health.metrics import HttpMetricsMiddleware, Metrics
from minthub_api.health.readiness import LwaCredentialCheck
from minthub_api.mail.sender import build_mail_sender
from minthub_api.stores.lwa import AppLwaClient
from minthub_api.stores.spapi import AmazonServices
from minthub_api.sync.jobs import ProcrastinateQueue, create_job_app
from minthub_api.web import pages, spa


def _operation_id(route: APIRoute) -> str:
    # "{tag}-{handler}" gives readable SDK names (StoresService.connectStore).
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def _problem_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """Document validation errors (422) as the problem documents we actually send."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, summary=app.summary, routes=app.routes
        )
        ref = {"$ref": "#/components/schemas/Problem"}
        for ops in schema.get("paths", {}).values():
            for op in ops.values():
                responses = op.get("responses", {})
                if "422" in responses:
                    responses["422"] = {
                        "description": "validation_error",
                        "content": {PROBLEM_JSON: {"schema": ref}},
                    }
                if "requestBody" in op and "400" not in responses:
                    # A body that is not decodable JSON is refused before validation.
                    responses["400"] = {
                        "description": "bad_request (unreadable body)",
                        "content": {PROBLEM_JSON: {"schema": ref}},
                    }
        components = schema.get("components", {}).get("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        if "Problem" not in components:
            components["Problem"] = Problem.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
        app.openapi_schema = schema
        return schema

    return openapi


def build_amazon(
    settings: Settings,
    http: httpx.AsyncClient,
    engine: AsyncEngine | None = None,
    metrics: Metrics | None = None,
) -> AmazonServices:
    """With `engine`, usage-plan buckets live in PostgreSQL, shared by every process."""
    try:
        settings.kek_bytes()
    except ValueError as exc:
        raise ConfigurationError(f"{exc} (generate one: `minthub-api keys generate`)") from exc
    lwa = AppLwaClient(
        http,
        token_url=settings.lwa_token_url,
        client_id=settings.lwa_client_id,
        client_secret=settings.lwa_client_secret.get_secret_value(),
        next_client_secret=settings.lwa_client_secret_next.get_secret_value() or None,
    )
    token_cache = AccessTokenCache()
    limiter: RateLimiter = (
        PostgresRateLimiter(engine) if engine is not None else InMemoryRateLimiter()
    )
    lwa.metrics = metrics
    try:
        client = SpApiClient(
            http,
            lwa,
            token_cache=token_cache,
            rate_limiter=limiter,
            user_agent=build_user_agent("MintHubOperations", __version__),
            endpoint_override=settings.spapi_endpoint,
            sandbox=settings.spapi_sandbox,
            roles=settings.spapi_roles,
        )
    except ValueError as exc:  # an unknown role in MINTHUB_SPAPI_ROLES
        raise ConfigurationError(f"MINTHUB_SPAPI_ROLES: {exc}") from exc
    try:
        provider = build_key_provider(settings)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from exc
    return AmazonServices(
        http=http,
        lwa=lwa,
        token_cache=token_cache,
        client=client,
        key_provider=provider,
        metrics=metrics,
    )


async def check_row_level_security(engine: AsyncEngine, settings: Settings) -> None:
    """Warn (refuse, in production) when the app's database role bypasses row-level security:
    MINTHUB_DATABASE_URL must be the app role, not the tables' owner (README, two roles)."""
    async with engine.connect() as conn:
        in_force = await rls_in_force(conn)
    if in_force:
        return
    message = (
        "MINTHUB_DATABASE_URL connects as a role that bypasses row-level security (superuser,"
        " BYPASSRLS or the tables' owner); use a member of minthub_app"
    )
    if settings.is_production:
        raise ConfigurationError(message)
    structlog.get_logger("minthub.db").warning("db.rls_not_in_force", detail=message)


def create_app(
    settings: Settings | None = None,
    *,
    engine: AsyncEngine | None = None,
    freeze_gc: bool = False,
) -> FastAPI:
    """The ASGI app. `freeze_gc`: for a server process (`minthub-api serve`), not tests, which
    build many apps in one process."""
    settings = settings or get_settings()
    check_settings(settings)
    configure_logging(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_engine = engine is None
        if engine is None:
            if not settings.database_url:
                raise ConfigurationError("MINTHUB_DATABASE_URL is not set")
            db_engine = create_engine(settings.database_url, settings)
        else:
            db_engine = engine
        app.state.engine = db_engine
        app.state.sessionmaker = create_sessionmaker(db_engine)
        await check_row_level_security(db_engine, settings)
        async with outbound_client(settings) as http:
            app.state.amazon = build_amazon(settings, http, db_engine, app.state.metrics)
            app.state.lwa_check = LwaCredentialCheck()
            # The job queue (procrastinate): the API only enqueues; `minthub-api worker` runs.
            job_app = create_job_app(
                str(db_engine.url.render_as_string(hide_password=False)), max_size=2
            )
            await job_app.open_async()
            app.state.sync_queue = ProcrastinateQueue(job_app)
            if freeze_gc:
                # Long-lived start-up objects (models, routes, SQL) out of the cyclic GC's
                # reach: a full collection otherwise walks them all, mid-request (measured:
                # half the CPU of a 90-day order summary).
                gc.freeze()
            try:
                yield
            finally:
                await job_app.close_async()
                app.state.amazon.token_cache.clear()
                if own_engine:
                    await db_engine.dispose()

    app = FastAPI(
        title="Mint Hub Operations API",
        version=__version__,
        summary="Operations workspace for Amazon sellers: stores, inventory, orders, audit.",
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    app.state.mail = build_mail_sender(settings)
    install_error_handlers(app)
    app.include_router(api_router)
    app.include_router(health_endpoints.metrics_router)
    app.state.metrics = Metrics()
    app.add_middleware(HttpMetricsMiddleware, metrics=app.state.metrics)
    # The built web app when there is one (frontend/dist), else the placeholder pages. Last:
    # its fallback serves index.html for paths no route above claims, the e-mailed invitation
    # link (/invitations/accept#token=...) included: the web app accepts it.
    if not spa.mount(app, settings.frontend_dist):
        app.include_router(pages.invitation_router)
        app.include_router(pages.router)
    app.add_middleware(RequestIdMiddleware)
    app.openapi = _problem_openapi(app)  # type: ignore[method-assign]
    return app
