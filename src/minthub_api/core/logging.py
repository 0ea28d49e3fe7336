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
# Secrets inside free text: `name=value` pairs (URLs, form bodies, "key: value" headers) whose
# name is sensitive, bearer credentials, and e-mail addresses (personal data).
SECRET_PAIR = re.compile(
    r"(?P<name>[A-Za-z0-9_\-]*(?:token|secret|password|passwd|code|state|authorization|cookie)"
    r"[A-Za-z0-9_\-]*)(?P<sep>\"?\s*[=:]\s*\"?)(?P<value>[^\s&\"',;}]+)",
    re.I,
)
BEARER = re.compile(r"(Bearer|Basic)\s+[A-Za-z0-9\-_.~+/=]+", re.I)
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# Exact values we know are secret (LWA client secret, KEK, ...): masked wherever they appear.
_known_secrets: set[str] = set()


def register_secret(value: str) -> None:
    """Mask `value` in every log line from now on (values under 8 characters are ignored)."""
    if len(value) >= 8:
        _known_secrets.add(value)


def scrub_text(value: str) -> str:
    """Mask tokens, `secret=...` pairs, bearer credentials, e-mails and known secrets."""
    for secret in _known_secrets:
        if secret in value:
            value = value.replace(secret, "[redacted]")
    value = TOKEN_PATTERN.sub("Atz*|[redacted]", value)
    value = BEARER.sub(r"\1 [redacted]", value)
    value = SECRET_PAIR.sub(
        lambda m: (
            m.group(0)
            if m.group("name").lower() in SAFE_KEYS
            else f"{m.group('name')}{m.group('sep')}[redacted]"
        ),
        value,
    )
    return EMAIL.sub("[email]", value)


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return redact_mapping(value)
    if isinstance(value, list | tuple):
        return [_redact_value(v) for v in value]
    return value


def redact_mapping(data: MutableMapping[str, Any]) -> dict[str, Any]:
    """A copy of `data` with values of sensitive keys dropped and secrets masked in the rest."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in SAFE_KEYS and SENSITIVE_KEYS.search(str(key)):
            out[key] = "[redacted]"
        else:
            out[key] = _redact_value(value)
    return out


def redact(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event_dict):
        if key.startswith("_") or key == "exc_info":
            continue  # structlog/stdlib internals (`_record`), rendered later and redacted again
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
    for secret in (settings.lwa_client_secret, settings.token_kek):
        register_secret(secret.get_secret_value())
    # Redact again after tracebacks are rendered: exception messages can quote secrets.
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, redact, renderer],
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
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                redact,
                renderer,
            ],
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
