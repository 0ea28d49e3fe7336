from __future__ import annotations

import hmac
import ipaddress

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from minthub_api import __version__
from minthub_api.core.errors import Forbidden, NotAuthenticated
from minthub_api.core.settings import Settings
from minthub_api.health import readiness
from minthub_api.health.metrics import Metrics, refresh_from_database

router = APIRouter(tags=["health"])
metrics_router = APIRouter(include_in_schema=False)


class Health(BaseModel):
    status: str
    version: str


@router.get("/health", response_model=Health)
async def get_health() -> Health:
    """Liveness: the process is up and serving requests."""
    return Health(status="ok", version=__version__)


@router.get(
    "/ready",
    response_model=readiness.Readiness,
    responses={503: {"model": readiness.Readiness, "description": "not ready"}},
)
async def get_readiness(request: Request) -> JSONResponse:
    """Readiness: database reachable, migrations at head, key provider usable, LWA credentials
    valid. 503 with the failing checks when not ready."""
    state = request.app.state
    settings: Settings = state.settings
    database, migrations = await readiness.check_database(state.engine)
    checks = {
        "database": database,
        "migrations": migrations,
        "key_provider": readiness.check_key_provider(state.amazon.key_provider),
        "lwa_credentials": await state.lwa_check.check(
            state.amazon.http,
            settings,
            state.amazon.lwa.client_secret_for_checks(),
            state.amazon.lwa.credential_slot,
        ),
    }
    ok = all(c.ok for c in checks.values())
    body = readiness.Readiness(status="ready" if ok else "not_ready", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)


def _loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@metrics_router.get("/metrics")
async def get_metrics(request: Request) -> Response:
    """Prometheus metrics. With MINTHUB_METRICS_TOKEN set, `Authorization: Bearer <token>` is
    required; without it only loopback clients are answered."""
    settings: Settings = request.app.state.settings
    expected = settings.metrics_token.get_secret_value()
    if expected:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
            raise NotAuthenticated("Metrics need `Authorization: Bearer <MINTHUB_METRICS_TOKEN>`")
    elif not _loopback(request):
        raise Forbidden("Metrics are answered on loopback only unless MINTHUB_METRICS_TOKEN is set")
    metrics: Metrics = request.app.state.metrics
    await refresh_from_database(metrics, request.app.state.sessionmaker)
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
