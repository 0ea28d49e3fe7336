"""The application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncEngine

from minthub_api import __version__
from minthub_api.amazon.auth import AccessTokenCache
from minthub_api.amazon.client import SpApiClient
from minthub_api.amazon.encoding import build_user_agent
from minthub_api.amazon.lwa import LwaClient
from minthub_api.amazon.throttle import InMemoryRateLimiter
from minthub_api.api import api_router
from minthub_api.core.db import create_engine, create_sessionmaker
from minthub_api.core.errors import PROBLEM_JSON, Problem, install_error_handlers
from minthub_api.core.logging import RequestIdMiddleware, configure_logging
from minthub_api.core.settings import ConfigurationError, Settings, check_settings, get_settings
from minthub_api.crypto.envelope import LocalKeyProvider
from minthub_api.stores.spapi import AmazonServices
from minthub_api.sync.jobs import ProcrastinateQueue, create_job_app
from minthub_api.web import pages


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
                if "422" in op.get("responses", {}):
                    op["responses"]["422"] = {
                        "description": "validation_error",
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


def build_amazon(settings: Settings, http: httpx.AsyncClient) -> AmazonServices:
    try:
        kek = settings.kek_bytes()
    except ValueError as exc:
        raise ConfigurationError(f"{exc} (generate one: `minthub-api keys generate`)") from exc
    lwa = LwaClient(
        http,
        token_url=settings.lwa_token_url,
        client_id=settings.lwa_client_id,
        client_secret=settings.lwa_client_secret.get_secret_value(),
    )
    token_cache = AccessTokenCache()
    client = SpApiClient(
        http,
        lwa,
        token_cache=token_cache,
        rate_limiter=InMemoryRateLimiter(),
        user_agent=build_user_agent("MintHubOperations", __version__),
        endpoint_override=settings.spapi_endpoint,
        sandbox=settings.spapi_sandbox,
    )
    provider = LocalKeyProvider({settings.token_kek_id: kek}, settings.token_kek_id)
    return AmazonServices(
        http=http, lwa=lwa, token_cache=token_cache, client=client, key_provider=provider
    )


def create_app(settings: Settings | None = None, *, engine: AsyncEngine | None = None) -> FastAPI:
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
        timeout = httpx.Timeout(settings.http_timeout_seconds, connect=10.0)
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as http:
            app.state.amazon = build_amazon(settings, http)
            # The job queue (procrastinate): the API only enqueues; `minthub-api worker` runs.
            job_app = create_job_app(str(db_engine.url.render_as_string(hide_password=False)),
                                     max_size=2)
            await job_app.open_async()
            app.state.sync_queue = ProcrastinateQueue(job_app)
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
    install_error_handlers(app)
    app.include_router(api_router)
    app.include_router(pages.router)
    app.add_middleware(RequestIdMiddleware)
    app.openapi = _problem_openapi(app)  # type: ignore[method-assign]
    return app
