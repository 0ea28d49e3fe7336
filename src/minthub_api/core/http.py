"""The outbound HTTP client (Amazon, LWA): one per process, sized and timed by settings."""

from __future__ import annotations

import httpx

from minthub_api.core.settings import Settings


def outbound_client(settings: Settings) -> httpx.AsyncClient:
    """Timeouts on every phase and a bounded pool (MINTHUB_HTTP_*), no redirects followed."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(
            settings.http_timeout_seconds, connect=settings.http_connect_timeout_seconds
        ),
        limits=httpx.Limits(
            max_connections=settings.http_max_connections,
            max_keepalive_connections=settings.http_max_keepalive_connections,
        ),
        follow_redirects=False,
    )
