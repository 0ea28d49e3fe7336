"""Proof that no secret reaches disk or logs in clear, and that revocation stops all calls.

A store lives its whole life against real processes (connect, read, a forced access-token
refresh, renewal, owner disconnect; a second store revoked by the seller on Amazon's side).
Then a `pg_dump` of the database, every line the API process logged, and its temp and data
folders are scanned for every authorization code, access token, refresh token and client
secret the simulator issued or accepted.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.e2e.conftest import DEMO_EMAIL, DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def connect(api: httpx.Client, sim: httpx.Client, spid: str) -> str:
    url = api.get("/api/v1/stores/connect?region=na&format=json").json()["authorization_url"]
    q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    answer = sim.post(
        "/apps/authorize/consent", data=q | {"selling_partner_id": spid, "decision": "approve"}
    )
    callback = answer.headers["location"]
    done = api.get(callback.replace(str(api.base_url).rstrip("/"), ""))
    assert done.status_code == 302, done.text
    return done.headers["location"].rsplit("/", 1)[1]


def sim_calls(sim: httpx.Client, spid: str) -> int:
    per_op = sim.get("/_sim/calls").json()["spapi"].get(spid, {})
    return sum(op["calls"] for op in per_op.values())


def wait_until_synced(api: httpx.Client, store: str, limit_s: float = 120) -> None:
    """Until no dataset of the store is queued or running (the workers are done with it)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        states = [d["state"] for d in api.get(f"/api/v1/stores/{store}/sync").json()["datasets"]]
        if not {"queued", "running"} & set(states):
            return
        time.sleep(0.5)
    raise AssertionError(f"store {store} still syncing after {limit_s} s: {states}")


def test_full_life_leaves_no_secret_in_clear(stack: dict[str, str]) -> None:
    with (
        httpx.Client(base_url=stack["api"]) as api,
        httpx.Client(base_url=stack["api2"]) as api2,
        httpx.Client(base_url=stack["sim"]) as sim,
    ):
        assert (
            api.post(
                "/api/v1/auth/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
            ).status_code
            == 200
        )
        # Cookie-authenticated writes echo the CSRF cookie, as the web app does.
        api.headers["X-CSRF-Token"] = api.cookies["minthub_csrf"]
        # Connect, read, force a refresh, renew, disconnect.
        store = connect(api, sim, "A1SCANSELLER01")
        assert api.get(f"/api/v1/stores/{store}/inventory").status_code == 200
        sim.post(
            "/_sim/faults",
            json={
                "operation": "searchOrders",
                "kind": "expired_token",
                "count": 1,
                "selling_partner_id": "A1SCANSELLER01",
            },
        )
        assert api.get(f"/api/v1/stores/{store}/orders?days=30").status_code == 200
        assert connect(api, sim, "A1SCANSELLER01") == store  # renewal: same store
        assert api.get(f"/api/v1/stores/{store}/inventory").status_code == 200
        # The second API process has served this store too, so it holds an access token.
        api2.cookies = api.cookies
        api2.headers["X-CSRF-Token"] = api.cookies["minthub_csrf"]
        assert api2.get(f"/api/v1/stores/{store}/inventory").status_code == 200
        # The workers synced it too (connecting queued the first sync): let them finish.
        wait_until_synced(api, store)
        before = sim_calls(sim, "A1SCANSELLER01")
        assert api.delete(f"/api/v1/stores/{store}/authorization").status_code == 200
        for client in (api, api2):
            for refused in (
                client.get(f"/api/v1/stores/{store}/orders"),
                client.post(f"/api/v1/stores/{store}/sync"),
            ):
                assert refused.status_code == 409, (client.base_url, refused.url)
            # Synced data stays readable (until the retention window), never refreshed.
            assert client.get(f"/api/v1/stores/{store}/inventory").status_code == 200
        assert sim_calls(sim, "A1SCANSELLER01") == before  # zero calls from any process

        # A second store that the seller revokes on Amazon's side.
        other = connect(api, sim, "A1SCANSELLER02")
        assert api.get(f"/api/v1/stores/{other}/inventory").status_code == 200
        wait_until_synced(api, other)
        sim.post("/_sim/sellers/A1SCANSELLER02/revoke")
        gone = api.get(f"/api/v1/stores/{other}/orders")
        assert gone.status_code == 409 and gone.json()["code"] == "store_revoked"
        after = sim_calls(sim, "A1SCANSELLER02")
        assert api.get(f"/api/v1/stores/{other}/orders").status_code == 409
        assert api2.post(f"/api/v1/stores/{other}/sync").status_code == 409
        assert sim_calls(sim, "A1SCANSELLER02") == after

        issued = sim.get("/_sim/issued-secrets").json()

    secrets = [s for values in issued.values() for s in values]
    assert len(issued["refresh_tokens"]) >= 3 and len(issued["access_tokens"]) >= 4
    assert len(issued["authorization_codes"]) >= 3

    dump = subprocess.run(
        [
            "pg_dump",
            "--no-owner",
            stack["database_url"].replace("postgresql+asyncpg", "postgresql"),
        ],
        capture_output=True,
        check=True,
    ).stdout
    haystacks: dict[str, bytes] = {
        "pg_dump": dump,
        "api.log": Path(stack["api_log"]).read_bytes(),
        "api2.log": Path(stack["api2_log"]).read_bytes(),
        "worker.log": Path(stack["worker_log"]).read_bytes(),
        "worker2.log": Path(stack["worker2_log"]).read_bytes(),
    }
    for file in Path(stack["api_tmp"]).rglob("*"):
        if file.is_file():
            haystacks[str(file)] = file.read_bytes()
    scanned = sum(len(h) for h in haystacks.values())
    hits = [
        (name, secret[:6] + "…")
        for secret in secrets
        for name, blob in haystacks.items()
        if secret.encode() in blob
    ]
    print(
        f"secret scan: {scanned} bytes in {len(haystacks)} places, {len(secrets)} secrets, "
        f"hits: {len(hits)}"
    )
    assert len(dump) > 10_000 and b"store_credentials" in dump
    assert hits == []
