"""Every command the container image runs works from a clean virtual environment.

No Docker engine runs on our machines, so this builds the image's Python environment the way
the Dockerfile does (`uv sync --frozen --no-dev --extra kms --no-editable` into a fresh venv,
migrations from MINTHUB_MIGRATIONS_DIR, production mode) and runs the image's commands from it:
`migrate`, `serve` (answering its HEALTHCHECK URL), `keys generate`, and the refusal to start
without secrets.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import app_role_url
from tests.support.db import temporary_database
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def test_image_commands_from_a_clean_venv(tmp_path: Path) -> None:
    # A copy of what the Dockerfile COPYs, so nothing from this checkout's venv leaks in.
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    for name in ("pyproject.toml", "uv.lock", "README.md", "alembic.ini"):
        shutil.copy(ROOT / name, app_dir / name)
    for name in ("src", "migrations"):
        shutil.copytree(ROOT / name, app_dir / name, ignore=shutil.ignore_patterns("__pycache__"))
    venv = tmp_path / "venv"
    env = {
        **os.environ,
        "UV_PROJECT_ENVIRONMENT": str(venv),
        "UV_PYTHON_DOWNLOADS": "never",
        "VIRTUAL_ENV": "",
    }
    # `uv run` exports UV (the uv binary it runs under); `make` installs uv with pip otherwise.
    uv = os.environ.get("UV") or shutil.which("uv") or "uv"
    subprocess.run(
        [uv, "sync", "--frozen", "--no-dev", "--extra", "kms", "--no-editable", "--quiet"],
        cwd=app_dir,
        env=env,
        check=True,
        timeout=600,
    )
    cli = venv / "bin" / "minthub-api"
    assert not (venv / "bin" / "pytest").exists()  # no dev dependencies in the image
    # The kms extra is in the image: MINTHUB_KEY_PROVIDER=aws-kms works without a rebuild.
    subprocess.run([str(venv / "bin" / "python"), "-c", "import boto3"], check=True, timeout=60)

    run_dir = tmp_path / "run"  # not the source tree: the image runs from its venv only
    run_dir.mkdir()
    kek = base64.b64encode(os.urandom(32)).decode()
    port = free_port()
    with temporary_database("minthub_image") as db_url:
        image_env = {
            "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
            "HOME": str(tmp_path),
            "MINTHUB_ENVIRONMENT": "production",
            "MINTHUB_MIGRATIONS_DIR": str(app_dir / "migrations"),
            # Production refuses a role that bypasses row-level security: the app role.
            "MINTHUB_DATABASE_URL": app_role_url(db_url),
            "MINTHUB_MIGRATION_DATABASE_URL": db_url,
            "MINTHUB_PUBLIC_URL": "https://ops.example.com",
            "MINTHUB_LWA_CLIENT_ID": "amzn1.application-oa2-client.image",
            "MINTHUB_LWA_CLIENT_SECRET": "amzn1.oa2-cs.v1.imagetestsecret",
            "MINTHUB_SPAPI_APPLICATION_ID": "amzn1.sp.solution.image",
            "MINTHUB_LWA_TOKEN_URL": "http://127.0.0.1:9/auth/o2/token",
            "MINTHUB_TOKEN_KEK": kek,
        }
        keys = subprocess.run(
            [str(cli), "keys", "generate"],
            env=image_env,
            cwd=run_dir,
            capture_output=True,
            text=True,
            check=True,
        )
        assert len(base64.b64decode(keys.stdout.strip())) == 32
        migrated = subprocess.run(
            [str(cli), "migrate"],
            env=image_env,
            cwd=run_dir,
            capture_output=True,
            text=True,
        )
        assert migrated.returncode == 0, migrated.stderr

        refused = subprocess.run(
            [str(cli), "serve", "--port", str(port)],
            env={**image_env, "MINTHUB_LWA_CLIENT_SECRET": "changethis"},
            cwd=run_dir,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert refused.returncode != 0
        assert "MINTHUB_LWA_CLIENT_SECRET still holds a placeholder" in refused.stderr

        server = subprocess.Popen(
            [str(cli), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=image_env,
            cwd=run_dir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                try:
                    health = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "serve did not come up"
                    time.sleep(0.2)
            assert health.status_code == 200
            ready = httpx.get(f"http://127.0.0.1:{port}/api/v1/ready", timeout=10).json()
            assert ready["checks"]["migrations"]["ok"] is True
            assert ready["checks"]["database"]["ok"] is True
        finally:
            server.terminate()
            server.wait(timeout=30)
            if server.stderr:
                server.stderr.close()
