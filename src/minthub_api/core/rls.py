"""Row-level security: the second wall of store isolation.

The application connects as a role that is a member of `minthub_app` and owns no table, so
PostgreSQL applies the policies below to every statement it runs. Each transaction says who is
acting and which stores that principal may see (`set_principal`); a table holding store data
only shows (and only accepts) rows whose store is in that list. A query that forgets its
`WHERE store_id = ...` therefore returns the caller's rows or nothing, never another store's.

Background work on one store (the job worker) calls `act_for_store(session, store_id, purpose)`
at the start of each transaction: it sees that store and nothing else.
Work that legitimately spans stores (the OAuth callback looking up a seller that may already be
connected, accepting an invitation, operator commands) opens `system_context(session, purpose)`
for the few statements that need it. Grep for `system_context(` to review every such place.

What this wall is for: bugs (a missing filter, a wrong join). It is not a defence against SQL
injection: any role may call `set_config`, so code that runs arbitrary SQL could widen its own
scope. Parameterised queries are the defence there.

Migrations of other domains add their tables with `enable_store_rls_sql(table)`;
`tests/test_rls.py` fails when a table with a `store_id` column has no policy.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import asyncpg
import structlog
from sqlalchemy import ARRAY, Connection, Uuid, bindparam, event, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, SessionTransaction

log = structlog.get_logger("minthub.rls")

# The group role the application's login role belongs to (created by migration i3_0001).
APP_ROLE = "minthub_app"

PRINCIPAL_SETTING = "minthub.principal"  # "user:<id>", "api_token:<id>", "anonymous"
USER_SETTING = "minthub.user_id"
STORE_IDS_SETTING = "minthub.store_ids"  # comma-separated store ids
SYSTEM_SETTING = "minthub.system"  # the purpose of an open system context, else ''

LOGIN_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")

# The SQL side, created once by migration i3_0001 and referenced by every policy.
FUNCTIONS_SQL = [
    """
CREATE OR REPLACE FUNCTION minthub_store_allowed(store uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('minthub.system', true), '') <> ''
      OR store = ANY (
           string_to_array(nullif(current_setting('minthub.store_ids', true), ''), ',')::uuid[]
         )
$$
""",
    """
CREATE OR REPLACE FUNCTION minthub_current_user() RETURNS uuid
LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('minthub.user_id', true), '')::uuid
$$
""",
]

# Added by migration perf_0001: the two halves of `minthub_store_allowed`, so that a policy can
# call each inside a scalar sub-select, which PostgreSQL evaluates once per statement (an
# InitPlan) instead of once per row.
ALLOWED_STORE_FUNCTIONS_SQL = [
    """
CREATE OR REPLACE FUNCTION minthub_in_system_context() RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('minthub.system', true), '') <> ''
$$
""",
    """
CREATE OR REPLACE FUNCTION minthub_allowed_store_ids() RETURNS uuid[]
LANGUAGE sql STABLE AS $$
  SELECT string_to_array(nullif(current_setting('minthub.store_ids', true), ''), ',')::uuid[]
$$
""",
]

DROP_ALLOWED_STORE_FUNCTIONS_SQL = [
    "DROP FUNCTION IF EXISTS minthub_allowed_store_ids()",
    "DROP FUNCTION IF EXISTS minthub_in_system_context()",
]


def store_policy_expression(column: str) -> str:
    """`minthub_store_allowed(column)`, shaped so the settings are read once per statement."""
    return (
        f"(SELECT minthub_in_system_context())"
        f" OR {column} = ANY ((SELECT minthub_allowed_store_ids())::uuid[])"
    )


DROP_FUNCTIONS_SQL = [
    "DROP FUNCTION IF EXISTS minthub_store_allowed(uuid)",
    "DROP FUNCTION IF EXISTS minthub_current_user()",
]

# Roles are cluster-wide and several databases may be migrated at once: create it only when
# missing, and treat a concurrent creation as success. An operator whose migration role may not
# create roles creates `minthub_app` beforehand (see README, "The two database roles").
ENSURE_APP_ROLE_SQL = f"""
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
    BEGIN
      CREATE ROLE {APP_ROLE} NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
END $$;
"""  # noqa: S608 - a constant role name


def enable_store_rls_sql(
    table: str,
    column: str = "store_id",
    *,
    rows_without_store: bool = False,
    per_statement: bool = False,
) -> list[str]:
    """Statements that put `table` under store isolation (for `op.execute` in migrations).

    Rows are visible and writable only when `column` is one of the transaction's allowed store
    ids (or inside a system context). `rows_without_store=True` also allows rows whose store
    column is NULL: they belong to no store (e.g. audit events of sign-ins), so they hold no
    store data. (INSERT ... RETURNING needs the new row to be visible, hence USING as well.)
    """
    # Migrations from perf_0001 on pass per_statement=True (tests/test_rls.py checks every
    # policy at head has that shape); earlier ones ran before its functions existed.
    expr = store_policy_expression(column) if per_statement else f"minthub_store_allowed({column})"
    statements = [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY store_isolation ON {table} USING ({expr}) WITH CHECK ({expr})",
    ]
    if rows_without_store:
        statements.append(
            f"CREATE POLICY rows_without_store ON {table} "
            f"USING ({column} IS NULL) WITH CHECK ({column} IS NULL)"
        )
    return statements


def disable_store_rls_sql(table: str) -> list[str]:
    return [
        f"DROP POLICY IF EXISTS rows_without_store ON {table}",
        f"DROP POLICY IF EXISTS store_isolation ON {table}",
        f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
    ]


def _ids(store_ids: Iterable[uuid.UUID]) -> str:
    return ",".join(sorted(str(s) for s in store_ids))


async def set_principal(
    session: AsyncSession,
    principal: str,
    *,
    user_id: uuid.UUID | None,
    store_ids: Iterable[uuid.UUID] = (),
) -> None:
    """Say, for the rest of this transaction, who acts and which stores they may see."""
    await session.execute(
        text(
            "SELECT set_config(:p, :principal, true), set_config(:u, :user_id, true),"
            " set_config(:s, :store_ids, true), set_config(:sys, '', true)"
        ),
        {
            "p": PRINCIPAL_SETTING,
            "principal": principal,
            "u": USER_SETTING,
            "user_id": str(user_id) if user_id else "",
            "s": STORE_IDS_SETTING,
            "store_ids": _ids(store_ids),
            "sys": SYSTEM_SETTING,
        },
    )


# The caller's memberships (under the `own_memberships` policy) become the transaction's
# allowed stores in the same statement: the aggregate reads every row before set_config runs.
_SCOPE_FROM_MEMBERSHIPS = text(
    "SELECT set_config(:s, coalesce(string_agg(store_id::text, ',' ORDER BY store_id::text),"
    " ''), true) FROM store_memberships WHERE user_id = :u"
    " AND (CAST(:limited AS boolean) IS NOT TRUE OR store_id = ANY (:limit_to))"
).bindparams(bindparam("limit_to", type_=ARRAY(Uuid)))


async def set_principal_for_user(
    session: AsyncSession,
    principal: str,
    *,
    user_id: uuid.UUID,
    limit_to: Iterable[uuid.UUID] | None = None,
) -> frozenset[uuid.UUID]:
    """`set_principal` for a user: the allowed stores are the user's memberships (met with
    `limit_to`, an API token's scope, when given). Returns them. Two statements, not three."""
    await set_principal(session, principal, user_id=user_id)
    limit = None if limit_to is None else list(limit_to)
    ids = await session.scalar(
        _SCOPE_FROM_MEMBERSHIPS,
        {
            "s": STORE_IDS_SETTING,
            "u": user_id,
            "limited": limit is not None,
            "limit_to": limit or [],
        },
    )
    return frozenset(uuid.UUID(v) for v in (ids or "").split(",") if v)


async def allow_store(session: AsyncSession, store_id: uuid.UUID) -> None:
    """Add one store to this transaction's allowed stores (right after membership is granted)."""
    current = await session.scalar(
        text("SELECT current_setting(:s, true)"), {"s": STORE_IDS_SETTING}
    )
    ids = {uuid.UUID(v) for v in (current or "").split(",") if v}
    ids.add(store_id)
    await session.execute(
        text("SELECT set_config(:s, :v, true)"), {"s": STORE_IDS_SETTING, "v": _ids(ids)}
    )


async def act_for_store(session: AsyncSession, store_id: uuid.UUID, purpose: str) -> None:
    """Background work on one store (a job, a scheduled sync): the transaction acts as
    `system:<purpose>` and sees that store only. Prefer this to `system_context` whenever the
    work concerns a single store."""
    if not purpose:
        raise ValueError("system work needs a purpose")
    await set_principal(session, f"system:{purpose}", user_id=None, store_ids=[store_id])


@asynccontextmanager
async def store_work_session(
    sessionmaker: async_sessionmaker[AsyncSession], store_id: uuid.UUID, purpose: str
) -> AsyncIterator[AsyncSession]:
    """A session for background work on one store that commits many times (a sync writes
    progress after every page): every transaction it begins acts as `system:<purpose>` and
    sees that store only, as `act_for_store` does for one transaction."""
    if not purpose:
        raise ValueError("system work needs a purpose")
    params = {
        "p": PRINCIPAL_SETTING,
        "principal": f"system:{purpose}",
        "u": USER_SETTING,
        "s": STORE_IDS_SETTING,
        "store_ids": _ids([store_id]),
        "sys": SYSTEM_SETTING,
    }

    def on_begin(_s: Session, _t: SessionTransaction, connection: Connection) -> None:
        connection.execute(
            text(
                "SELECT set_config(:p, :principal, true), set_config(:u, '', true),"
                " set_config(:s, :store_ids, true), set_config(:sys, '', true)"
            ),
            params,
        )

    async with sessionmaker() as session:
        event.listen(session.sync_session, "after_begin", on_begin)
        yield session


@asynccontextmanager
async def system_context(session: AsyncSession, purpose: str) -> AsyncIterator[None]:
    """Lift store isolation for the statements inside the block, and only those.

    `purpose` names why (e.g. "oauth_callback.find_store"); it is logged. Pending ORM changes
    are flushed before the block closes, so they are written while the context is open.
    """
    if not purpose:
        raise ValueError("a system context needs a purpose")
    log.info("db.system_context", purpose=purpose)
    await session.execute(
        text("SELECT set_config(:sys, :purpose, true)"), {"sys": SYSTEM_SETTING, "purpose": purpose}
    )
    try:
        yield
        await session.flush()
    finally:
        if session.in_transaction() and session.get_transaction() is not None:
            try:
                await session.execute(
                    text("SELECT set_config(:sys, '', true)"), {"sys": SYSTEM_SETTING}
                )
            except Exception:
                log.debug("db.system_context.reset_failed", purpose=purpose)


async def rls_in_force(conn: AsyncConnection) -> bool:
    """False when the connected role bypasses row-level security (superuser, BYPASSRLS, or the
    owner of the store tables): then only the first wall (the store dependency) protects."""
    row = (
        await conn.execute(
            text(
                "SELECT r.rolsuper OR r.rolbypassrls"
                " OR EXISTS (SELECT 1 FROM pg_tables t WHERE t.tablename = 'stores'"
                "            AND pg_has_role(current_user, t.tableowner, 'USAGE'))"
                " FROM pg_roles r WHERE r.rolname = current_user"
            )
        )
    ).scalar()
    return not bool(row)


async def ensure_app_login_role(conn: asyncpg.Connection, login: str) -> None:
    """Create the LOGIN role `login` as a member of `minthub_app` (tests, the demo).

    Idempotent and safe when several processes do it at once on a shared server: roles are
    cluster-wide, so a concurrent creation or grant is retried or taken as done.
    """
    if not LOGIN_NAME.fullmatch(login):
        raise ValueError(f"unusable role name {login!r}")
    create_login = f"""
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{login}') THEN
    BEGIN
      CREATE ROLE {login} LOGIN NOSUPERUSER NOBYPASSRLS;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
END $$;
"""  # noqa: S608 - `login` matched LOGIN_NAME
    for attempt in range(6):
        try:
            await conn.execute(ENSURE_APP_ROLE_SQL)
            await conn.execute(create_login)
            member = await conn.fetchval("SELECT pg_has_role($1, $2, 'MEMBER')", login, APP_ROLE)
            if not member:
                await conn.execute(f"GRANT {APP_ROLE} TO {login}")
            return
        except asyncpg.PostgresError:
            # e.g. "tuple concurrently updated" when another process grants at the same time.
            if attempt == 5:
                raise
            await asyncio.sleep(0.05 * (attempt + 1))
