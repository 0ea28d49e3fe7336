"""`minthub-api keys status|rotate`, run as an operator runs them, against the test database
while the app keeps running: every wrapped data key moves, and nothing is left on the old KEK."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
from fastapi import FastAPI

from minthub_api.core.settings import Settings
from tests.conftest import connect_store, signed_in_client

BIN = Path(sys.executable).parent / "minthub-api"


def keys(settings: Settings, *args: str, kek: str, kek_id: str, previous: str = "") -> str:
    env = {
        **os.environ,
        "MINTHUB_DATABASE_URL": settings.database_url or "",
        "MINTHUB_TOKEN_KEK": kek,
        "MINTHUB_TOKEN_KEK_ID": kek_id,
        "MINTHUB_TOKEN_KEK_PREVIOUS": previous,
        "MINTHUB_LOG_FORMAT": "json",
    }
    result = subprocess.run(
        [str(BIN), "keys", *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert kek not in result.stdout + result.stderr
    return result.stdout


async def test_keys_rotate_moves_every_data_key_and_status_shows_it(
    app: FastAPI, settings: Settings, sim_http: httpx.AsyncClient
) -> None:
    old = settings.token_kek.get_secret_value()
    new = base64.b64encode(os.urandom(32)).decode()
    async with signed_in_client(app) as owner:
        await connect_store(owner, sim_http)
        status = keys(settings, "status", kek=old, kek_id="local-1")
        assert "current key: local-1" in status and "no data key uses a retired KEK" in status
        try:
            out = keys(settings, "rotate", kek=new, kek_id="local-2", previous=f"local-1={old}")
            found = re.search(r"re-wrapped (\d+) store data keys and (\d+) two-factor", out)
            assert found and int(found[1]) >= 1 and int(found[2]) >= 1, out
            assert "under local-2" in out and "nothing uses a retired KEK" in out
            status = keys(settings, "status", kek=new, kek_id="local-2", previous=f"local-1={old}")
            assert "local-2:" in status and "local-1: " not in status.split("audit")[0]
            # The running app (still on local-1 as current, local-2 unknown to it) would fail to
            # open these now: the next deploy must carry local-2. Put local-1 back in charge.
        finally:
            out = keys(settings, "rotate", kek=old, kek_id="local-1", previous=f"local-2={new}")
        assert "under local-1" in out
