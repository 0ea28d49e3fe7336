"""Readiness checks: database, migrations at head, key provider, LWA credentials.

The LWA check asks LWA for a grantless (client_credentials) token at most every
`LWA_CHECK_INTERVAL`, so probes don't hammer Amazon; between checks the last answer stands.
`invalid_client` (our app credentials wrong or expired, SPAPI-NOTES §3.4) makes us not ready;
LWA being unreachable does not (that is Amazon's outage, not a broken instance).
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import httpx
from alembic.script import ScriptDirectory
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from minthub_api.core.migrations import alembic_config
from minthub_api.core.settings import Settings
from minthub_api.crypto.envelope import KeyProvider

LWA_CHECK_INTERVAL = 600.0
GRANTLESS_SCOPE = "sellingpartnerapi::notifications"


class Check(BaseModel):
    ok: bool
    detail: str | None = None


class Readiness(BaseModel):
    status: str  # "ready" | "not_ready"
    checks: dict[str, Check]


@cache
def migration_head() -> str | None:
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


@dataclass
class LwaCredentialCheck:
    """Cached result of the last grantless token request."""

    checked_at: float = 0.0
    result: Check = field(default_factory=lambda: Check(ok=True, detail="not checked yet"))
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def check(
        self, http: httpx.AsyncClient, settings: Settings, client_secret: str, slot: str
    ) -> Check:
        async with self.lock:
            if time.monotonic() - self.checked_at < LWA_CHECK_INTERVAL and self.checked_at:
                return self.result
            self.result = await self._ask(http, settings, client_secret)
            self.result.detail = f"{self.result.detail} (using the {slot} client secret)"
            self.checked_at = time.monotonic()
            return self.result

    @staticmethod
    async def _ask(http: httpx.AsyncClient, settings: Settings, client_secret: str) -> Check:
        form = {
            "grant_type": "client_credentials",
            "scope": GRANTLESS_SCOPE,
            "client_id": settings.lwa_client_id,
            "client_secret": client_secret,
        }
        try:
            resp = await http.post(settings.lwa_token_url, data=form, timeout=5.0)
        except httpx.HTTPError as exc:
            return Check(ok=True, detail=f"LWA unreachable ({type(exc).__name__}); not judged")
        error = _lwa_error(resp)
        if resp.status_code == 200:
            return Check(ok=True, detail="LWA accepted the client credentials")
        if error in ("invalid_client", "unauthorized_client"):
            return Check(ok=False, detail=f"LWA rejected the client credentials ({error})")
        return Check(ok=True, detail=f"LWA answered {resp.status_code} {error or ''}".strip())


def _lwa_error(resp: httpx.Response) -> str | None:
    try:
        body: Any = resp.json()
    except ValueError:
        return None
    return str(body.get("error")) if isinstance(body, dict) and body.get("error") else None


async def check_database(engine: AsyncEngine) -> tuple[Check, Check]:
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            current = await conn.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception as exc:  # any driver error means "not reachable" to a probe
        failed = Check(ok=False, detail=f"database unreachable ({type(exc).__name__})")
        return failed, Check(ok=False, detail="unknown: database unreachable")
    head = migration_head()
    migrations = Check(ok=current == head, detail=f"current {current}, head {head}")
    return Check(ok=True), migrations


def check_key_provider(provider: KeyProvider) -> Check:
    probe = os.urandom(32)
    try:
        key_id, wrapped = provider.wrap(probe)
        ok = provider.unwrap(key_id, wrapped) == probe
    except Exception as exc:  # a broken provider must show as not ready, whatever it raised
        return Check(ok=False, detail=f"key provider failed ({type(exc).__name__})")
    return Check(ok=ok, detail=f"current key {provider.current_key_id}")
