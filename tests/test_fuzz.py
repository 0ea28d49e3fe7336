"""Schemathesis against the committed OpenAPI document, every check on, bounded and seeded.

The app runs on a real loopback port (uvicorn in a thread) against the test database and the
simulated Amazon; requests carry a signed-in user's session cookie so routes are exercised past
the sign-in check. Failures: any 5xx, an undocumented status or content type, a response that
does not match its schema, bad input accepted, valid input rejected.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from minthub_api.auth import service as auth_service
from minthub_api.core.db import create_engine, create_sessionmaker
from minthub_api.main import create_app
from tests.conftest import TEST_PASSWORD, RunningSimulator, make_settings
from tests.support.servers import free_port, run_in_thread

OPENAPI = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"
OPAQUE_PARAMETERS = {
    "cursor": {"invalid_cursor"},
    "state": {"invalid_state", "amazon_authorization_denied", "oauth_error"},
    # The Appstore login URI's parameters come from Amazon and are checked against it.
    "amazon_callback_uri": {"invalid_state"},
    "amazon_state": {"invalid_state"},
}
schema = schemathesis.openapi.from_dict(json.loads(OPENAPI.read_text(encoding="utf-8")))


async def _make_user(url: str, email: str) -> None:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            await auth_service.create_user(session, email=email, password=TEST_PASSWORD)
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def live_api(database_url: str, simulator: RunningSimulator) -> Iterator[dict[str, Any]]:
    port = free_port()
    app = create_app(make_settings(database_url, simulator, public_url=f"http://127.0.0.1:{port}"))
    email = "fuzz-user@example.com"
    asyncio.run(_make_user(database_url, email))
    with run_in_thread(app, port) as base:
        login = httpx.post(
            f"{base}/api/v1/auth/login", json={"email": email, "password": TEST_PASSWORD}
        )
        assert login.status_code == 200, login.text
        yield {
            "base_url": base,
            "cookie": f"minthub_session={login.cookies['minthub_session']}",
            "login": {"email": email, "password": TEST_PASSWORD},
        }


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi(
    case: schemathesis.Case[Any], live_api: dict[str, Any]
) -> None:
    headers = {"cookie": live_api["cookie"]}
    if case.path == "/api/v1/auth/logout":
        # Signing out revokes the session: give it one of its own, keep the shared one alive.
        login = httpx.post(f"{live_api['base_url']}/api/v1/auth/login", json=live_api["login"])
        headers = {"cookie": f"minthub_session={login.cookies['minthub_session']}"}
    response = case.call(base_url=live_api["base_url"], headers=headers)
    excluded = []
    opaque = [name for name in OPAQUE_PARAMETERS if (case.query or {}).get(name) is not None]
    if opaque:
        # Cursors and OAuth states are opaque: any string is schema-valid, but only ones we
        # issued are accepted. Refusing another is the documented 400 with its own code.
        excluded.append(positive_data_acceptance)
        if response.status_code == 400:
            allowed = set().union(*(OPAQUE_PARAMETERS[name] for name in opaque))
            assert response.json()["code"] in allowed, response.text
    case.validate_response(response, excluded_checks=excluded, headers=headers)
