"""Real processes over real HTTP: `minthub-api simulate-amazon` and `minthub-api serve` as
subprocesses on loopback ports, against a database migrated by `minthub-api migrate`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import app_role_url
from tests.support.db import temporary_database
from tests.support.servers import free_port

BIN = Path(sys.executable).parent / "minthub-api"
DEMO_EMAIL = "demo@minthub.example"
DEMO_PASSWORD = "mint-walkthrough-2026"


def wait_until_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120  # a loaded CI machine starts slowly
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def stack_env(
    db_url: str, sim_port: int, api_port: int, api_tmp: Path, logs: Path
) -> dict[str, str]:
    """The environment every process of the stack runs with."""
    return {
        **os.environ,
        # Two roles, as in production: the API under row-level security, migrations as owner.
        "MINTHUB_DATABASE_URL": app_role_url(db_url),
        "MINTHUB_MIGRATION_DATABASE_URL": db_url,
        # As in `minthub-api demo` (README): password-only sign-in for the walkthrough.
        "MINTHUB_REQUIRE_MFA": "false",
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
        # The simulator runs 20x faster: poll its reports 20x more often too (default 30 s).
        "MINTHUB_REPORT_POLL_SECONDS": "1.5",
        "MINTHUB_DATA_DIR": str(api_tmp / "data"),
        # Invitation mails land here as .eml files: the browser tests open their links.
        "MINTHUB_MAIL_OUTBOX_DIR": str(logs / "outbox"),
    }


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    sim_port, api_port, api2_port = free_port(), free_port(), free_port()
    logs = tmp_path_factory.mktemp("e2e-logs")
    api_tmp = tmp_path_factory.mktemp("e2e-api-tmp")
    with (
        temporary_database("minthub_e2e") as db_url,
        (logs / "simulator.log").open("wb") as sim_log,
        (logs / "api.log").open("wb") as api_log,
        (logs / "api2.log").open("wb") as api2_log,
        (logs / "worker.log").open("wb") as worker_log,
        (logs / "worker2.log").open("wb") as worker2_log,
    ):
        env = stack_env(db_url, sim_port, api_port, api_tmp, logs)
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
                env={**env, "TMPDIR": str(api_tmp)},  # its temp files get scanned too
                stdout=api_log,
                stderr=subprocess.STDOUT,
            ),
            # A second API process on the same database: what one process decides (a
            # revocation), the other must honour at once.
            subprocess.Popen(
                [str(BIN), "serve", "--port", str(api2_port)],
                env={**env, "TMPDIR": str(api_tmp)},
                stdout=api2_log,
                stderr=subprocess.STDOUT,
            ),
            # Two workers on the same queue: jobs of one store must still run one at a time.
            subprocess.Popen(
                [str(BIN), "worker"],
                env={**env, "TMPDIR": str(api_tmp)},
                stdout=worker_log,
                stderr=subprocess.STDOUT,
            ),
            subprocess.Popen(
                [str(BIN), "worker"],
                env={**env, "TMPDIR": str(api_tmp)},
                stdout=worker2_log,
                stderr=subprocess.STDOUT,
            ),
        ]
        try:
            wait_until_up(f"http://127.0.0.1:{sim_port}/_sim/calls", procs[0])
            wait_until_up(f"http://127.0.0.1:{api_port}/api/v1/health", procs[1])
            wait_until_up(f"http://127.0.0.1:{api2_port}/api/v1/health", procs[2])
            yield {
                "api": f"http://127.0.0.1:{api_port}",
                "sim": f"http://127.0.0.1:{sim_port}",
                "api2": f"http://127.0.0.1:{api2_port}",
                "api_log": str(logs / "api.log"),
                "api2_log": str(logs / "api2.log"),
                "worker_log": str(logs / "worker.log"),
                "worker2_log": str(logs / "worker2.log"),
                "api_tmp": str(api_tmp),
                "outbox": str(logs / "outbox"),
                "database_url": db_url,  # the owner's: pg_dump reads everything
                "logs": str(logs),
                "sim_port": str(sim_port),
                "api_port": str(api_port),
            }
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(timeout=20)
