"""Hygiene: known secrets fed through every log path never come out, nor land in events.

Log paths: structlog (keyword values, the event text, exceptions), stdlib loggers (message
arguments, exceptions), uvicorn's logger, and a real OAuth connect + SP-API reads through the
app, whose log lines and audit events are checked for the code, the state and LWA tokens.
"""

from __future__ import annotations

import io
import logging
import re
import sys
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import structlog
from fastapi import FastAPI
from sqlalchemy import Text, cast, select

from minthub_api.audit.models import AuditEvent
from minthub_api.core.logging import configure_logging
from minthub_api.core.settings import Settings
from tests.conftest import OwnerDb, approve_consent, new_selling_partner_id

REFRESH = "Atzr|IwEBIJ" + "q" * 60
ACCESS = "Atza|IwEBIA" + "z" * 60
CODE = "ANxyzOauthCode0123456789"
STATE = "st4te-Value-0123456789abcdef"
PASSWORD = "hunter2-but-longer-9876"
EMAIL = "ceo.private@seller-example.com"
BEARER = "eyJhbGciOiJIUzI1NiJ9.payload.signature"


@pytest.fixture
def logs(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Iterator[io.StringIO]:
    """Everything the configured logging writes, captured (JSON lines)."""
    buffer = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buffer)
    configure_logging(settings)
    yield buffer
    monkeypatch.undo()
    configure_logging(settings)


def secrets_for(settings: Settings) -> list[str]:
    return [
        REFRESH,
        ACCESS,
        CODE,
        STATE,
        PASSWORD,
        EMAIL,
        BEARER,
        settings.lwa_client_secret.get_secret_value(),
        settings.token_kek.get_secret_value(),
    ]


def assert_clean(text: str, settings: Settings) -> None:
    for secret in secrets_for(settings):
        assert secret not in text, f"leaked: {secret[:12]}..."
    assert not re.search(r"Atz[ar]\|[A-Za-z0-9]", text)


def test_structlog_paths(logs: io.StringIO, settings: Settings) -> None:
    log = structlog.get_logger("minthub.test")
    client_secret = settings.lwa_client_secret.get_secret_value()
    log.info("amazon.lwa.refreshed", refresh_token=REFRESH, access_token=ACCESS)
    log.info("oauth.callback", url=f"/cb?spapi_oauth_code={CODE}&state={STATE}&x=1")
    log.info(f"login attempt password={PASSWORD} for {EMAIL}")
    log.info(
        "header", sent=f"Authorization: Bearer {BEARER}", note=f"client secret {client_secret}"
    )
    log.info("nested", payload={"token": ACCESS, "list": [f"refresh {REFRESH}"], "ok": 1})
    try:
        raise RuntimeError(f"LWA said no to {REFRESH} with code={CODE}")
    except RuntimeError:
        log.exception("amazon.lwa.failed")
    text = logs.getvalue()
    assert "amazon.lwa.refreshed" in text and "amazon.lwa.failed" in text
    assert "RuntimeError" in text and "Traceback" in text  # the exception is still there
    assert '"ok": 1' in text
    assert_clean(text, settings)


@pytest.mark.parametrize("name", ["minthub_api.amazon.client", "uvicorn.error", "sqlalchemy"])
def test_stdlib_and_uvicorn_paths(logs: io.StringIO, settings: Settings, name: str) -> None:
    logger = logging.getLogger(name)
    kek = settings.token_kek.get_secret_value()
    logger.warning("request failed: %s", f"https://x/?code={CODE}&state={STATE}")
    logger.error("token %s and %s; kek %s; user %s", REFRESH, ACCESS, kek, EMAIL)
    try:
        raise ValueError(f"client_secret={settings.lwa_client_secret.get_secret_value()}")
    except ValueError:
        logger.exception("boom password=%s", PASSWORD)
    text = logs.getvalue()
    assert "request failed" in text and "ValueError" in text
    assert_clean(text, settings)


async def test_a_real_connect_and_reads_leave_no_secret_in_logs_or_events(
    owner_db: OwnerDb,
    logs: io.StringIO,
    settings: Settings,
    user_client: httpx.AsyncClient,
    sim_http: httpx.AsyncClient,
) -> None:
    r = await user_client.get("/api/v1/stores/connect?region=na&format=json")
    url = r.json()["authorization_url"]
    state = parse_qs(urlsplit(url).query)["state"][0]
    params = await approve_consent(sim_http, url, new_selling_partner_id())
    code = params["spapi_oauth_code"]
    cb = await user_client.get("/api/v1/oauth/amazon/callback", params=params)
    assert cb.status_code == 302
    store_id = cb.headers["location"].rsplit("/", 1)[1]
    # The code is single-use: replaying it fails and is logged/audited without the code.
    replay = await user_client.get("/api/v1/oauth/amazon/callback", params=params)
    assert replay.status_code >= 400
    for path in ("inventory", "orders", "audit-events"):
        r = await user_client.get(f"/api/v1/stores/{store_id}/{path}")
        assert r.status_code == 200, r.text
    text = logs.getvalue()
    assert "http.request" in text
    assert code not in text and state not in text
    assert_clean(text, settings)
    # As the tables' owner: under RLS the app role would see none of the store's events.
    async with owner_db() as session:
        stored = (
            await session.scalars(
                select(cast(AuditEvent.details, Text)).where(
                    (AuditEvent.store_id == uuid.UUID(store_id))
                    | (AuditEvent.store_id.is_(None) & (AuditEvent.id > 0))
                )
            )
        ).all()
    everything = "\n".join(stored)
    assert code not in everything and state not in everything
    assert_clean(everything, settings)


async def test_event_details_are_scrubbed_on_record(app: FastAPI, settings: Settings) -> None:
    from minthub_api.audit import service as audit
    from minthub_api.audit.actions import AuditAction, AuditReason
    from minthub_api.core.rls import act_for_store

    store_id = uuid.uuid4()
    async with app.state.sessionmaker() as session, session.begin():
        # As the app's background work does: act for the one store the event belongs to.
        await act_for_store(session, store_id, "test.audit_hygiene")
        event = audit.record(
            session,
            audit.SYSTEM,
            AuditAction.store_data_read,
            reason=AuditReason.user_view,
            store_id=store_id,
            details={"refresh_token": REFRESH, "note": f"mail {EMAIL} code={CODE}", "rows": 3},
        )
        assert event.store_id == store_id
        await session.flush()
        stored = await session.scalar(
            select(cast(AuditEvent.details, Text)).where(AuditEvent.store_id == store_id)
        )
        with pytest.raises(ValueError):
            audit.record(
                session,
                audit.SYSTEM,
                AuditAction.store_data_read,
                reason="because I felt like it",  # type: ignore[arg-type]
            )
    assert stored is not None and '"rows": 3' in stored and '"[redacted]"' in stored
    assert_clean(stored, settings)
