"""Append-only: the application role may only INSERT and SELECT; the trigger stops everyone
else's UPDATE, DELETE and TRUNCATE; only `audit_apply_retention` deletes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import asyncpg
import pytest

from tests.audit.support import migrated_database
from tests.conftest import APP_LOGIN_ROLE, app_role_url


@pytest.fixture(scope="module")
def db() -> Iterator[str]:
    yield from migrated_database()


def _dsn(url: str, user: str | None = None) -> str:
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    if user:
        dsn = dsn.replace("postgres@", f"{user}@", 1)
    return dsn


@pytest.fixture
def app_role(db: str) -> str:
    """The application's real login role (a member of `minthub_app`, owner of nothing): the
    privileges under test are the ones the migrations gave the role the app runs as."""
    app_role_url(db)  # creates the login role (cluster-wide) when missing
    return APP_LOGIN_ROLE


async def _connect_as_app(db: str, role: str, store: uuid.UUID) -> asyncpg.Connection:
    """Connect as the app role acting for `store`, as the app does in each transaction, so
    row-level security lets its rows through and the privileges are what is tested."""
    conn = await asyncpg.connect(_dsn(db, role))
    await conn.execute("SELECT set_config('minthub.store_ids', $1, false)", str(store))
    return conn


INSERT = (
    "INSERT INTO audit_events (occurred_at, actor_type, store_id, action, reason, details)"
    " VALUES (now(), 'system', $1, 'store_data_read', 'user_view', '{}') RETURNING seq"
)


async def test_app_role_can_insert_and_read_only(db: str, app_role: str) -> None:
    store = uuid.uuid4()
    conn = await _connect_as_app(db, app_role, store)
    try:
        assert await conn.fetchval(INSERT, store) == 1
        assert await conn.fetchval(INSERT, store) == 2
        assert await conn.fetchval("SELECT count(*) FROM audit_events WHERE store_id = $1", store)
        for sql in (
            "UPDATE audit_events SET reason = 'export' WHERE store_id = $1",
            "DELETE FROM audit_events WHERE store_id = $1",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
                await conn.execute(sql, store)
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
            await conn.execute("TRUNCATE audit_events")
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
            await conn.fetchval("SELECT audit_apply_retention($1, 1)", store)
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
            await conn.execute("UPDATE audit_checkpoints SET seq = 0")
    finally:
        await conn.close()


async def test_the_app_cannot_choose_its_place_in_the_chain(db: str, app_role: str) -> None:
    store = uuid.uuid4()
    conn = await _connect_as_app(db, app_role, store)
    try:
        seq = await conn.fetchval(
            "INSERT INTO audit_events (occurred_at, actor_type, store_id, action, reason,"
            " details, seq, prev_hash, hash) VALUES (now(), 'system', $1, 'store_data_read',"
            " 'user_view', '{}', 99, '\\x01', '\\x02') RETURNING seq",
            store,
        )
    finally:
        await conn.close()
    assert seq == 1


async def test_even_the_owner_cannot_update_delete_or_truncate(db: str) -> None:
    store = uuid.uuid4()
    conn = await asyncpg.connect(_dsn(db))
    try:
        await conn.fetchval(INSERT, store)
        for sql in (
            "UPDATE audit_events SET reason = 'export' WHERE store_id = $1",
            "DELETE FROM audit_events WHERE store_id = $1",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
                await conn.execute(sql, store)
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
            await conn.execute("TRUNCATE audit_events")
        # Setting the retention flag by hand does not allow an UPDATE either.
        async with conn.transaction():
            await conn.execute("SET LOCAL minthub.audit_retention = 'on'")
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
                await conn.execute("UPDATE audit_events SET reason = 'export'")
    finally:
        await conn.close()


async def test_retention_function_refuses_without_a_checkpoint_or_young_events(db: str) -> None:
    store = uuid.uuid4()
    conn = await asyncpg.connect(_dsn(db))
    try:
        await conn.fetchval(INSERT, store)
        with pytest.raises(asyncpg.RaiseError, match="no audit checkpoint"):
            await conn.fetchval("SELECT audit_apply_retention($1, 1)", store)
        await conn.execute(
            "INSERT INTO audit_checkpoints (store_id, seq, hash, last_occurred_at, created_at,"
            " key_id, signature) SELECT store_id, seq, hash, occurred_at, now(), 'k', '\\x00'"
            " FROM audit_events WHERE store_id = $1",
            store,
        )
        with pytest.raises(asyncpg.RaiseError, match="younger than 12 months"):
            await conn.fetchval("SELECT audit_apply_retention($1, 1)", store)
    finally:
        await conn.close()


async def test_writing_events_outside_read_committed_is_refused(db: str) -> None:
    conn = await asyncpg.connect(_dsn(db))
    try:
        async with conn.transaction(isolation="repeatable_read"):
            with pytest.raises(asyncpg.FeatureNotSupportedError, match="READ COMMITTED"):
                await conn.fetchval(INSERT, uuid.uuid4())
    finally:
        await conn.close()
