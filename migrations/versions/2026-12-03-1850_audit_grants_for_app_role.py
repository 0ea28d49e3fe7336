"""Apply the audit trail's privileges to the application role.

The audit migration (i7_0001) grants the app role only INSERT and SELECT on the audit tables,
but it runs before the app role exists (i3_0002 creates it and grants DML on every table).
This revision applies `audit_grant_app_role` now that the role exists (append-only for the app),
lets the app read `alembic_version` for the readiness probe, and puts `audit_checkpoints` under
store isolation like the events.

Revision ID: 0003
Revises: i3_0002
Create Date: 2026-12-03 18:50:00+00:00
"""

from collections.abc import Sequence

from alembic import op

from minthub_api.core.rls import disable_store_rls_sql, enable_store_rls_sql

revision: str = "0003"
down_revision: str | None = "i3_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute("SELECT audit_grant_app_role('minthub_app')")
    # /api/v1/ready compares the database's revision with the code's head: read-only access.
    op.execute("GRANT SELECT ON alembic_version TO minthub_app")
    # Checkpoints carry a store id (NULL for the global chain): the same isolation as events.
    for sql in enable_store_rls_sql("audit_checkpoints", rows_without_store=True):
        op.execute(sql)


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for sql in disable_store_rls_sql("audit_checkpoints"):
        op.execute(sql)
    op.execute("REVOKE SELECT ON alembic_version FROM minthub_app")
