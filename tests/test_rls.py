"""The second wall: row-level security as the application's own database role.

Raw queries run over a plain asyncpg connection as the app role (a member of `minthub_app`),
outside the application's code, with and without the per-transaction settings.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from minthub_api.core.rls import act_for_store, system_context
from tests.conftest import connect_store

# Every table holding store data, and the column naming the store.
STORE_TABLES = {
    "stores": "id",
    "store_memberships": "store_id",
    "store_credentials": "store_id",
    "audit_events": "store_id",
    "invitations": "store_id",
}


def dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture
async def as_app(app_database_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(dsn(app_database_url))
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def as_owner(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(dsn(database_url))
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def connected_store(
    user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> dict[str, object]:
    store = await connect_store(user_client, sim_http)
    r = await user_client.post(
        f"/api/v1/stores/{store['id']}/invitations", json={"email": "mate@example.com"}
    )
    assert r.status_code == 201, r.text
    return store


class TestAppRole:
    async def test_app_role_owns_nothing_and_cannot_bypass(
        self, as_app: asyncpg.Connection
    ) -> None:
        row = await as_app.fetchrow(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        assert row is not None and not row["rolsuper"] and not row["rolbypassrls"]
        owned = await as_app.fetchval(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            " AND pg_has_role(current_user, tableowner, 'USAGE')"
        )
        assert owned == 0

    async def test_raw_queries_without_the_setting_return_nothing(
        self,
        as_app: asyncpg.Connection,
        as_owner: asyncpg.Connection,
        connected_store: dict[str, object],
    ) -> None:
        for table in STORE_TABLES:
            assert await as_owner.fetchval(f"SELECT count(*) FROM {table}") > 0, table  # noqa: S608
            seen = await as_app.fetchval(f"SELECT count(*) FROM {table}")  # noqa: S608
            if table == "audit_events":
                # Events of no store (sign-ins, accounts) are not store data.
                seen = await as_app.fetchval(
                    "SELECT count(*) FROM audit_events WHERE store_id IS NOT NULL"
                )
            assert seen == 0, table

    async def test_the_setting_shows_exactly_the_allowed_store(
        self,
        app: FastAPI,
        as_app: asyncpg.Connection,
        connected_store: dict[str, object],
        sim_http: httpx.AsyncClient,
    ) -> None:
        store_id = str(connected_store["id"])
        async with as_app.transaction():
            await as_app.execute("SELECT set_config('minthub.store_ids', $1, true)", store_id)
            ids = {str(r["id"]) for r in await as_app.fetch("SELECT id FROM stores")}
            creds = await as_app.fetchval("SELECT count(*) FROM store_credentials")
            foreign = await as_app.fetchval(
                "SELECT count(*) FROM audit_events WHERE store_id <> $1::uuid", store_id
            )
        assert ids == {store_id}
        assert creds == 1
        assert foreign == 0
        # The setting is transaction-local: gone after the transaction.
        assert await as_app.fetchval("SELECT count(*) FROM stores") == 0

    async def test_writes_to_another_store_are_refused(
        self, as_app: asyncpg.Connection, connected_store: dict[str, object]
    ) -> None:
        other = uuid.uuid4()
        async with as_app.transaction():
            await as_app.execute(
                "SELECT set_config('minthub.store_ids', $1, true)", str(connected_store["id"])
            )
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await as_app.execute(
                    "INSERT INTO audit_events (occurred_at, actor_type, store_id, action,"
                    " reason, details) VALUES (now(), 'system', $1, 'spapi_call', 'export', '{}')",
                    other,
                )

    async def test_audit_trail_is_append_only(
        self, as_app: asyncpg.Connection, connected_store: dict[str, object]
    ) -> None:
        async with as_app.transaction():
            await as_app.execute(
                "SELECT set_config('minthub.store_ids', $1, true)", str(connected_store["id"])
            )
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await as_app.execute("DELETE FROM audit_events")

    async def test_system_context_is_explicit_and_ends_with_the_block(
        self, app: FastAPI, connected_store: dict[str, object]
    ) -> None:
        async with app.state.sessionmaker() as session, session.begin():
            assert await session.scalar(text("SELECT count(*) FROM stores")) == 0
            async with system_context(session, "test.count_stores"):
                assert (await session.scalar(text("SELECT count(*) FROM stores")) or 0) >= 1
            assert await session.scalar(text("SELECT count(*) FROM stores")) == 0


async def test_background_work_sees_only_its_store(
    app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    first = await connect_store(user_client, sim_http)
    second = await connect_store(user_client, sim_http)
    async with app.state.sessionmaker() as session, session.begin():
        await act_for_store(session, uuid.UUID(str(first["id"])), "test.job")
        ids = (await session.scalars(text("SELECT id::text FROM stores"))).all()
        principal = await session.scalar(text("SELECT current_setting('minthub.principal')"))
    assert ids == [first["id"]] and second["id"] not in ids
    assert principal == "system:test.job"


async def test_every_table_with_a_store_column_has_row_level_security(
    as_owner: asyncpg.Connection,
) -> None:
    """Fails for a new table holding store data without a policy: in its migration, run
    `minthub_api.core.rls.enable_store_rls_sql(table)` (see README, row-level security)."""
    rows = await as_owner.fetch(
        """
        SELECT c.relname, c.relrowsecurity,
               (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r'
          AND (c.relname = 'stores' OR EXISTS (
                SELECT 1 FROM pg_attribute a
                WHERE a.attrelid = c.oid AND a.attname = 'store_id' AND NOT a.attisdropped))
        """
    )
    tables = {r["relname"]: (r["relrowsecurity"], r["policies"]) for r in rows}
    assert set(STORE_TABLES) <= set(tables)
    unprotected = sorted(name for name, (on, policies) in tables.items() if not on or not policies)
    assert not unprotected, f"tables with store data but no row-level security: {unprotected}"


async def test_every_store_policy_reads_its_settings_once_per_statement(
    as_owner: asyncpg.Connection, as_app: asyncpg.Connection, app: FastAPI
) -> None:
    """A policy calling `minthub_store_allowed(col)` parses the store ids for every row (35 ms
    per 10,000 rows); the InitPlan shape reads them once. New tables: pass
    `enable_store_rls_sql(table, per_statement=True)`."""
    rows = await as_owner.fetch(
        "SELECT tablename, qual, with_check FROM pg_policies"
        " WHERE schemaname = 'public' AND policyname = 'store_isolation'"
    )
    assert len(rows) >= len(STORE_TABLES)
    slow = sorted(
        r["tablename"]
        for r in rows
        if "minthub_allowed_store_ids" not in r["qual"]
        or "minthub_allowed_store_ids" not in r["with_check"]
    )
    assert not slow, f"policies evaluated per row: {slow}"
    # And the plan says so: the settings are InitPlans, not a per-row filter expression.
    async with as_app.transaction():
        await as_app.execute("SELECT set_config('minthub.store_ids', $1, true)", str(uuid.uuid4()))
        plan = "\n".join(
            r[0] for r in await as_app.fetch("EXPLAIN SELECT count(*) FROM inventory_snapshots")
        )
    assert "InitPlan" in plan and "string_to_array" not in plan, plan
