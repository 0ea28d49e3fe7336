"""app role and row-level security on store data

The application connects as a member of `minthub_app`, which owns nothing: it gets DML on the
tables (now and, through default privileges, on tables later migrations create) and is subject
to the policies. Audit events are append-only for it. See `minthub_api/core/rls.py`.

Revision ID: i3_0002
Revises: i3_0001
Create Date: 2026-12-03 17:50:00+00:00
"""

from collections.abc import Sequence

from alembic import op

from minthub_api.core.rls import (
    APP_ROLE,
    DROP_FUNCTIONS_SQL,
    ENSURE_APP_ROLE_SQL,
    FUNCTIONS_SQL,
    disable_store_rls_sql,
    enable_store_rls_sql,
)

revision: str = "i3_0002"
down_revision: str | None = "i3_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, store column, rows without a store allowed)
STORE_TABLES = [
    ("stores", "id", False),
    ("store_memberships", "store_id", False),
    ("store_credentials", "store_id", False),
    ("invitations", "store_id", False),
    ("audit_events", "store_id", True),
]


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute(ENSURE_APP_ROLE_SQL)
    for sql in FUNCTIONS_SQL:
        op.execute(sql)
    op.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
    op.execute(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public"
        f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE}"
    )
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE}"
    )
    op.execute(f"REVOKE ALL ON alembic_version FROM {APP_ROLE}")
    # The audit trail is append-only for the application.
    op.execute(f"REVOKE UPDATE, DELETE ON audit_events FROM {APP_ROLE}")
    for table, column, rows_without_store in STORE_TABLES:
        for sql in enable_store_rls_sql(table, column, rows_without_store=rows_without_store):
            op.execute(sql)
    # A user sees their own memberships (to learn which stores they may see at all).
    op.execute(
        "CREATE POLICY own_memberships ON store_memberships FOR SELECT"
        " USING (user_id = minthub_current_user())"
    )


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute("DROP POLICY IF EXISTS own_memberships ON store_memberships")
    for table, _column, _nullable in reversed(STORE_TABLES):
        for sql in disable_store_rls_sql(table):
            op.execute(sql)
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM {APP_ROLE}"
    )
    op.execute(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public"
        f" REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {APP_ROLE}"
    )
    op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {APP_ROLE}")
    op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {APP_ROLE}")
    op.execute(f"REVOKE USAGE ON SCHEMA public FROM {APP_ROLE}")
    for sql in DROP_FUNCTIONS_SQL:
        op.execute(sql)
    # The role itself stays: it is cluster-wide and other databases may use it.
