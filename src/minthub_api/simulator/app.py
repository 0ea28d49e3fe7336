"""Factory of the simulated Amazon: LWA, Seller Central consent and the SP-API operations we use.

One FastAPI app serves all three hosts of the real thing (api.amazon.com,
sellercentral.amazon.*, sellingpartnerapi-*.amazon.com) on its own ``base_url``. State is in
memory (``app.state.sim``, a ``SimState``); seller data is generated deterministically.
"""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import consent, hooks, inventory, lwa, orders, sellers
from .config import SimulatorConfig
from .errors import RawResponse, SpApiError
from .state import SimState
from .usage_plans import PLANS


class AmazonHeadersMiddleware:
    """Adds ``x-amzn-RequestId`` everywhere and ``x-amzn-RateLimit-Limit`` where Amazon does.

    Amazon documents the rate-limit header for 2xx/400/404 only: never on 403 or 429
    (SPAPI-NOTES §6, §9.4). Also counts SP-API calls by final status for ``/_sim/calls``.
    """

    def __init__(self, app: ASGIApp, state: SimState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Share one dict with request.state so handlers can tell us the operation and seller.
        request_state = scope.setdefault("state", {})

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status: int = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-amzn-requestid", str(uuid.uuid4()).encode()))
                operation = request_state.get("sim_operation")
                if operation is not None:
                    if 200 <= status < 300 or status in (400, 404):
                        headers.append((b"x-amzn-ratelimit-limit",
                                        PLANS[operation].header_value.encode()))
                    seller = request_state.get("sim_seller", "_anonymous")
                    self.state.count_call(seller, operation, status)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _spapi_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SpApiError)
    headers = {"x-amzn-ErrorType": exc.error_type} if exc.error_type else None
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)


def _raw_response(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RawResponse)
    return exc.response


def create_simulator_app(config: SimulatorConfig) -> FastAPI:
    """Build a fresh simulator; each app has its own state (tokens, buckets, counters)."""
    app = FastAPI(title="Mint Hub simulated Amazon (LWA + SP-API)", version="1",
                  docs_url="/_sim/docs", redoc_url=None, openapi_url="/_sim/openapi.json")
    state = SimState(config)
    app.state.sim = state
    for module in (lwa, consent, inventory, orders, sellers, hooks):
        app.include_router(module.router)
    app.add_exception_handler(SpApiError, _spapi_error)
    app.add_exception_handler(RawResponse, _raw_response)
    app.add_middleware(AmazonHeadersMiddleware, state=state)
    return app
