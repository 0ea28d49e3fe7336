"""`minthub-api users create|list|disable|reset-mfa` and `beta list|approve|reject`, run as the
operator runs them (subprocesses) against the test database as the app role."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import uuid
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

from fastapi import FastAPI

from minthub_api.core.settings import Settings
from tests.conftest import TEST_PASSWORD, anonymous_client, login, signed_in_client

BIN = Path(sys.executable).parent / "minthub-api"


def cli(settings: Settings, *args: str, outbox: Path | None = None) -> str:
    env = {
        **os.environ,
        "MINTHUB_DATABASE_URL": settings.database_url or "",
        "MINTHUB_PUBLIC_URL": settings.public_url,
        "MINTHUB_LOG_FORMAT": "json",
    }
    if outbox is not None:
        env["MINTHUB_MAIL_OUTBOX_DIR"] = str(outbox)
    result = subprocess.run(
        [str(BIN), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_users_create_list_disable(settings: Settings) -> None:
    email = f"ops-{uuid.uuid4().hex[:8]}@example.com"
    cli(settings, "users", "create", "--email", email, "--password", TEST_PASSWORD, "--admin")
    listed = cli(settings, "users", "list")
    line = next(x for x in listed.splitlines() if email in x)
    assert "active=True" in line and "admin=True" in line and "mfa=off" in line
    out = cli(settings, "users", "disable", email)
    assert "disabled" in out
    assert "active=False" in next(
        x for x in cli(settings, "users", "list").splitlines() if email in x
    )


def test_users_create_refuses_a_weak_password(settings: Settings) -> None:
    env = {**os.environ, "MINTHUB_DATABASE_URL": settings.database_url or ""}
    result = subprocess.run(
        [str(BIN), "users", "create", "--email", "w@example.com", "--password", "password1234"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and "weak_password" in result.stderr


async def test_reset_mfa_lets_the_user_enrol_again(app: FastAPI, settings: Settings) -> None:
    async with signed_in_client(app) as c:
        email = c.email  # type: ignore[attr-defined]
    out = cli(settings, "users", "reset-mfa", email)
    assert "reset" in out
    async with anonymous_client(app) as again:
        body = (await login(again, email)).json()
    assert body["mfa_enabled"] is False and body["next_step"] == "mfa_enroll"


def read_outbox(folder: Path) -> list[str]:
    """The bodies of the .eml files the outbox sender wrote."""
    return [
        message_from_bytes(p.read_bytes(), policy=default_policy).get_body().get_content()  # type: ignore[union-attr]
        for p in sorted(folder.glob("*.eml"))
    ]


BETA_FORM = {"marketplaces": ["A1PA6795UKMFR9"], "monthly_order_volume": "0-1k"}


async def test_beta_approve_and_reject(app: FastAPI, settings: Settings, tmp_path: Path) -> None:
    yes = f"cli-beta-{uuid.uuid4().hex[:8]}@example.com"
    no = f"cli-reject-{uuid.uuid4().hex[:8]}@example.com"
    async with anonymous_client(app) as c:
        for email in (yes, no):
            body = {"company_name": "Oak & Ash", "contact_email": email, **BETA_FORM}
            assert (await c.post("/api/v1/beta-requests", json=body)).status_code == 202
    listed = cli(settings, "beta", "list", "--status", "pending").splitlines()
    approve_id = next(x for x in listed if yes in x).split()[0]
    reject_id = next(x for x in listed if no in x).split()[0]
    out = cli(settings, "beta", "approve", approve_id, outbox=tmp_path)
    assert f"invitation sent to {yes}" in out
    assert "rejected" in cli(settings, "beta", "reject", reject_id)
    bodies = await asyncio.to_thread(read_outbox, tmp_path)
    assert len(bodies) == 1
    token = re.search(r"#token=([A-Za-z0-9_-]+)", bodies[0])
    assert token is not None
    async with anonymous_client(app) as c:
        r = await c.post(
            "/api/v1/invitations/accept",
            json={"token": token.group(1), "password": TEST_PASSWORD},
        )
    assert r.status_code == 200 and r.json()["kind"] == "beta"
