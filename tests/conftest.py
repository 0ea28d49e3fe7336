"""Shared fixtures: a real PostgreSQL migrated from empty, the simulated Amazon on a real
loopback port, and the real ASGI app wired to both."""

from __future__ import annotations

import asyncio
import base64
import re
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx
import pyotp
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from minthub_api.core import migrations
from minthub_api.core.db import create_engine, create_sessionmaker
from minthub_api.core.rls import ensure_app_login_role
from minthub_api.core.settings import Environment, Settings
from minthub_api.main import create_app
from minthub_api.simulator import SimulatorConfig, create_simulator_app
from tests.support.db import ADMIN_DSN, temporary_database
from tests.support.servers import free_port, run_in_thread

TEST_PASSWORD = "correct-horse-battery-staple"
# The application's login role in tests: a member of `minthub_app` (created by the migrations),
# owner of nothing, so row-level security applies to the app exactly as in production.
APP_LOGIN_ROLE = "minthub_test_app"
BASE_URL = "https://testserver"  # https: session cookies are `Secure` outside development


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """The owner's URL (migrations, test assertions): bypasses row-level security."""
    with temporary_database() as url:
        migrations.upgrade(url)
        yield url


async def _ensure_app_role() -> None:
    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        await ensure_app_login_role(conn, APP_LOGIN_ROLE)
    finally:
        await conn.close()


def app_role_url(owner_url: str) -> str:
    """The same database as the app role (roles are cluster-wide; created idempotently)."""
    asyncio.run(_ensure_app_role())
    return owner_url.replace("://postgres@", f"://{APP_LOGIN_ROLE}@", 1)


@pytest.fixture(scope="session")
def app_database_url(database_url: str) -> str:
    return app_role_url(database_url)


OwnerDb = async_sessionmaker[AsyncSession]


@pytest.fixture(scope="session")
async def owner_db(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions as the tables' owner, for assertions about what was stored."""
    engine = create_engine(database_url)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


@dataclass
class RunningSimulator:
    url: str
    config: SimulatorConfig


@pytest.fixture(scope="session")
def simulator() -> Iterator[RunningSimulator]:
    port = free_port()
    config = SimulatorConfig(
        base_url=f"http://127.0.0.1:{port}",
        skus_per_seller=120,
        orders_per_seller=300,
        time_scale=50.0,
        redirect_uris=["http://testserver/api/v1/oauth/amazon/callback"],
    )
    with run_in_thread(create_simulator_app(config), port) as url:
        yield RunningSimulator(url=url, config=config)


def make_settings(database_url: str, sim: RunningSimulator, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": Environment.test,
        "database_url": database_url,
        "public_url": "http://testserver",
        "lwa_client_id": sim.config.client_id,
        "lwa_client_secret": sim.config.client_secret,
        "spapi_application_id": sim.config.application_id,
        "spapi_app_draft": sim.config.draft_app,
        "lwa_token_url": f"{sim.url}/auth/o2/token",
        "seller_central_url": sim.url,
        "spapi_endpoint": sim.url,
        "token_kek": base64.b64encode(secrets.token_bytes(32)).decode(),
        "log_format": "json",
        # Explicit, whatever the defaults: the tests exercise MFA and the beta gate.
        "require_mfa": True,
        "beta_gate": True,
        # Every in-process test client shares one address; its own test lowers this.
        "login_max_failures_per_address": 10_000,
        "beta_requests_per_address_per_hour": 10_000,
        # The simulator runs 50x faster (time_scale): poll its reports 50x more often too.
        "report_poll_seconds": 0.6,
    }
    values |= overrides
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def settings(database_url: str, app_database_url: str, simulator: RunningSimulator) -> Settings:
    return make_settings(app_database_url, simulator, migration_database_url=database_url)


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as c:
        yield c


@pytest.fixture
async def sim_http(simulator: RunningSimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=simulator.url) as c:
        yield c


async def create_user(
    app: FastAPI, email: str | None = None, *, admin: bool = False, beta_access: bool = True
) -> str:
    from minthub_api.auth import service as auth_service

    email = email or f"user-{uuid.uuid4().hex[:10]}@example.com"
    async with app.state.sessionmaker() as session, session.begin():
        await auth_service.create_user(
            session, email=email, password=TEST_PASSWORD, is_admin=admin, beta_access=beta_access
        )
    return email


def anonymous_client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)


def use_csrf(c: httpx.AsyncClient) -> None:
    """Echo the readable CSRF cookie in the header, as the web app does."""
    c.headers["X-CSRF-Token"] = c.cookies["minthub_csrf"]


async def login(c: httpx.AsyncClient, email: str, password: str = TEST_PASSWORD) -> httpx.Response:
    r = await c.post("/api/v1/auth/login", json={"email": email, "password": password})
    if r.status_code == 200:
        use_csrf(c)
    return r


async def enroll_mfa(c: httpx.AsyncClient) -> tuple[str, list[str]]:
    """Enrol TOTP over the API; returns the secret and the recovery codes."""
    setup = await c.post("/api/v1/auth/mfa/totp/setup")
    assert setup.status_code == 200, setup.text
    secret = setup.json()["secret"]
    confirm = await c.post("/api/v1/auth/mfa/totp/confirm", json={"code": totp_now(secret)})
    assert confirm.status_code == 200, confirm.text
    return secret, confirm.json()["recovery_codes"]


def totp_now(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


@asynccontextmanager
async def signed_in_client(
    app: FastAPI, email: str | None = None, *, admin: bool = False, beta_access: bool = True
) -> AsyncIterator[httpx.AsyncClient]:
    """A client with a fresh user's session: password, TOTP enrolled, CSRF header set.

    `c.email` and `c.totp_secret` (attributes) tell who it is."""
    email = await create_user(app, email, admin=admin, beta_access=beta_access)
    async with anonymous_client(app) as c:
        r = await login(c, email)
        assert r.status_code == 200, r.text
        secret, _ = await enroll_mfa(c)
        c.email = email  # type: ignore[attr-defined]
        c.totp_secret = secret  # type: ignore[attr-defined]
        yield c


@pytest.fixture
async def user_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with signed_in_client(app) as c:
        yield c


def new_selling_partner_id() -> str:
    return "A" + secrets.token_hex(6).upper()


async def approve_consent(
    sim_http: httpx.AsyncClient,
    authorization_url: str,
    selling_partner_id: str,
    decision: str = "approve",
) -> dict[str, str]:
    """Act as the seller on the simulated consent page; return the callback's query params."""
    page = await sim_http.get(authorization_url)
    assert page.status_code == 200, page.text
    form = dict(parse_qs(urlsplit(authorization_url).query))
    fields = {k: v[0] for k, v in form.items()}
    fields |= {"selling_partner_id": selling_partner_id, "decision": decision}
    action = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    target = action.group(1) if action else "/apps/authorize/consent"
    answer = await sim_http.post(target, data=fields)
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def connect_store(
    client: httpx.AsyncClient,
    sim_http: httpx.AsyncClient,
    selling_partner_id: str | None = None,
    region: str = "na",
) -> dict[str, object]:
    """Run the whole website authorization flow for the signed-in client; return the store."""
    spid = selling_partner_id or new_selling_partner_id()
    r = await client.get(f"/api/v1/stores/connect?region={region}&format=json")
    assert r.status_code == 200, r.text
    params = await approve_consent(sim_http, r.json()["authorization_url"], spid)
    cb = await client.get("/api/v1/oauth/amazon/callback", params=params)
    assert cb.status_code == 302, cb.text
    store_id = cb.headers["location"].rsplit("/", 1)[1]
    store = await client.get(f"/api/v1/stores/{store_id}")
    assert store.status_code == 200, store.text
    result: dict[str, object] = store.json()
    return result
