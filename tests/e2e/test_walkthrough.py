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
from pathlib import Path

import httpx
import pytest

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
