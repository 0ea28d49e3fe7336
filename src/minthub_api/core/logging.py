"""Structured logging with structlog: console output in development, JSON in production.

Every line carries the request id bound by `RequestIdMiddleware`. A redaction processor drops
values of sensitive keys and masks token-shaped strings, so a careless `log.info(..., token=t)`
cannot leak a secret.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from collections.abc import MutableMapping
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from minthub_api.core.settings import Environment, LogFormat, Settings

SENSITIVE_KEYS = re.compile(
    r"(token|secret|password|passwd|code|authorization|cookie|kek|credential|state)", re.I
)
# LWA tokens start with Atza| (access) and Atzr| (refresh); mask them wherever they appear.
TOKEN_PATTERN = re.compile(r"Atz[ar]\|[A-Za-z0-9\-_.~+/=|]+")
SAFE_KEYS = {"status_code", "error_code", "code_name", "request_id", "amazon_request_id"}


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return TOKEN_PATTERN.sub("Atz*|[redacted]", value)
    return value


def redact(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event_dict):
        if key in ("event", "level", "timestamp", "logger") or key in SAFE_KEYS:
            event_dict[key] = _redact_value(event_dict[key])
            continue
        if SENSITIVE_KEYS.search(key):
            event_dict[key] = "[redacted]"
        else:
            event_dict[key] = _redact_value(event_dict[key])
    return event_dict


def configure_logging(settings: Settings) -> None:
    use_json = settings.log_format == LogFormat.json or (
        settings.log_format == LogFormat.auto and settings.environment == Environment.production
    )
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if use_json
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact,
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(settings.log_level.upper(), logging.INFO)
        ),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    # Route stdlib loggers (uvicorn, sqlalchemy) through the same redaction and format.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(settings.log_level.upper())
    # httpx logs full URLs at INFO; URLs can carry OAuth codes, so keep it quiet.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    # Access logs print query strings (state, spapi_oauth_code): we log requests ourselves.
    logging.getLogger("uvicorn.access").disabled = True


class RequestIdMiddleware:
    """Pure ASGI middleware: bind a request id to the log context and echo it as X-Request-ID."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log = structlog.get_logger("minthub.http")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if re.fullmatch(r"[A-Za-z0-9\-_.]{8,64}", incoming) else None
        request_id = request_id or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.bind_contextvars(request_id=request_id)
        status_holder: dict[str, int] = {}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            # Path only, never the query string: it can hold OAuth codes and state.
            self.log.info(
                "http.request",
                method=scope.get("method"),
                path=scope.get("path"),
                status_code=status_holder.get("status"),
            )
            structlog.contextvars.unbind_contextvars("request_id")
