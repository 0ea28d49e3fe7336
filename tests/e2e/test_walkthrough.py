"""The README walkthrough, run as written, against real processes over real HTTP.

`minthub-api simulate-amazon` and `minthub-api serve` run as subprocesses on loopback ports
against a database migrated by `minthub-api migrate`; the demo user is made with
`minthub-api users create`. The shell block between the walkthrough markers in README.md is
extracted and run with bash, so the README cannot drift from what the product does.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.db import temporary_database
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent / "minthub-api"
DEMO_EMAIL = "demo@minthub.example"
DEMO_PASSWORD = "mint-walkthrough-2026"

pytestmark = pytest.mark.e2e


def readme_walkthrough() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(
        r"<!-- walkthrough:start -->\s*```bash\n(.*?)```\s*<!-- walkthrough:end -->", text, re.S
    )
    assert match, "README.md lost its walkthrough block"
    return match.group(1)


def wait_until_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    sim_port, api_port = free_port(), free_port()
    logs = tmp_path_factory.mktemp("e2e-logs")
    with (
        temporary_database("minthub_e2e") as db_url,
        (logs / "simulator.log").open("wb") as sim_log,
        (logs / "api.log").open("wb") as api_log,
        (logs / "worker.log").open("wb") as worker_log,
    ):
        env = {
            **os.environ,
            "MINTHUB_DATABASE_URL": db_url,
            "MINTHUB_PUBLIC_URL": f"http://127.0.0.1:{api_port}",
            "MINTHUB_LWA_CLIENT_ID": "amzn1.application-oa2-client.minthubdemo",
            "MINTHUB_LWA_CLIENT_SECRET": "minthub-demo-secret",
            "MINTHUB_SPAPI_APPLICATION_ID": "amzn1.sp.solution.minthub-demo",
            "MINTHUB_SPAPI_APP_DRAFT": "true",
            "MINTHUB_LWA_TOKEN_URL": f"http://127.0.0.1:{sim_port}/auth/o2/token",
            "MINTHUB_SELLER_CENTRAL_URL": f"http://127.0.0.1:{sim_port}",
            "MINTHUB_SPAPI_ENDPOINT": f"http://127.0.0.1:{sim_port}",
            "MINTHUB_TOKEN_KEK": "cXVpdGUtcmFuZG9tLTMyLWJ5dGVzLWZvci10ZXN0cyE=",
            "MINTHUB_LOG_FORMAT": "json",
            "MINTHUB_SIM_TIME_SCALE": "20",
        }
        subprocess.run([str(BIN), "migrate"], env=env, check=True, capture_output=True)
        subprocess.run(
            [str(BIN), "users", "create", "--email", DEMO_EMAIL, "--password", DEMO_PASSWORD],
            env=env,
            check=True,
            capture_output=True,
        )
        procs = [
            subprocess.Popen(
                [str(BIN), "simulate-amazon", "--port", str(sim_port)],
                env=env,
                stdout=sim_log,
                stderr=subprocess.STDOUT,
            ),
            subprocess.Popen(
                [str(BIN), "serve", "--port", str(api_port)],
                env=env,
                stdout=api_log,
                stderr=subprocess.STDOUT,
            ),
            subprocess.Popen(
                [str(BIN), "worker"], env=env, stdout=worker_log, stderr=subprocess.STDOUT
            ),
        ]
        try:
            wait_until_up(f"http://127.0.0.1:{sim_port}/_sim/calls", procs[0])
            wait_until_up(f"http://127.0.0.1:{api_port}/api/v1/health", procs[1])
            yield {
                "api": f"http://127.0.0.1:{api_port}",
                "sim": f"http://127.0.0.1:{sim_port}",
                "api_log": str(logs / "api.log"),
            }
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(timeout=20)


def test_readme_walkthrough(stack: dict[str, str]) -> None:
    script = readme_walkthrough()
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env={**os.environ, "API": stack["api"]},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    # What a person sees: signed in, a connected store, SKUs with stock, orders with status.
    assert f'"email": "{DEMO_EMAIL}"' in out
    assert '"status": "connected"' in out
    assert '"sku":' in out and '"fulfillable":' in out and '"stale": false' in out
    assert '"time_zone": "America/Los_Angeles"' in out and '"status_counts":' in out
    assert '"order_id":' in out and '"status":' in out
    assert '"operation": "searchOrders"' in out
    # The walkthrough's calls went through the simulator: a real LWA exchange and refresh.
    calls = httpx.get(f"{stack['sim']}/_sim/calls").json()
    text = json.dumps(calls)
    assert "authorization_code" in text and "refresh_token" in text
    assert "getInventorySummaries" in text and "searchOrders" in text
