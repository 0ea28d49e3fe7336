"""authorization lifecycle jobs: renewal warnings sent, health checks, data retention

- `store_renewal_warnings`: one row per warning mailed (30, 7, 1 days before the 365-day
  authorization ends), keyed by the grant (`authorized_at`), so a renewal starts afresh.
- `stores.auth_checked_at`: the last periodic authorization health check (LWA refresh).
- `stores.data_deleted_at`: when a revoked store's synced data was deleted (retention job or
  the owner's `DELETE .../data`).

Revision ID: i5b_0001
Revises: i6_0003
Create Date: 2026-12-04 09:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from minthub_api.core.rls import disable_store_rls_sql, enable_store_rls_sql

revision: str = "i5b_0001"
down_revision: str | None = "rpt_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.add_column("stores", sa.Column("auth_checked_at", sa.DateTime(timezone=True)))
    op.add_column("stores", sa.Column("data_deleted_at", sa.DateTime(timezone=True)))
    op.create_table(
        "store_renewal_warnings",
        sa.Column(
            "store_id",
            sa.Uuid(),
            sa.ForeignKey("stores.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("grant_at", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("days_before", sa.Integer(), primary_key=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False, server_default="0"),
    )
    for sql in enable_store_rls_sql("store_renewal_warnings"):
        op.execute(sql)


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for sql in disable_store_rls_sql("store_renewal_warnings"):
        op.execute(sql)
    op.drop_table("store_renewal_warnings")
    op.drop_column("stores", "data_deleted_at")
    op.drop_column("stores", "auth_checked_at")
