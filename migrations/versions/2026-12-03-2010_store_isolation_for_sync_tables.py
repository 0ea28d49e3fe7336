"""store isolation for the sync tables; the job queue's schema for the app role

The snapshot, replenishment and sync tables hold store data: the same row-level security as
every other store table (see `minthub_api/core/rls.py`). The API (enqueue) and the workers
(run) connect as the app role, which owns nothing: it gets DML on the queue's tables and
EXECUTE on its functions, in its own schema `procrastinate`.

Revision ID: i6_0003
Revises: i6_0002
Create Date: 2026-12-03 20:10:00+00:00
"""

from collections.abc import Sequence

from alembic import op

from minthub_api.core.rls import APP_ROLE, disable_store_rls_sql, enable_store_rls_sql

revision: str = "i6_0003"
down_revision: str | None = "i6_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STORE_TABLES = [
    "inventory_snapshots",
    "order_snapshots",
    "order_item_snapshots",
    "listing_snapshots",
    "replenishment_settings",
    "replenishment_sku_overrides",
    "replenishment_decisions",
    "sync_datasets",
]


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for table in STORE_TABLES:
        for sql in enable_store_rls_sql(table):
            op.execute(sql)
    op.execute(f"GRANT USAGE ON SCHEMA procrastinate TO {APP_ROLE}")
    op.execute(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA procrastinate TO {APP_ROLE}"
    )
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA procrastinate TO {APP_ROLE}")
    op.execute(f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA procrastinate TO {APP_ROLE}")


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute(f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA procrastinate FROM {APP_ROLE}")
    op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA procrastinate FROM {APP_ROLE}")
    op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA procrastinate FROM {APP_ROLE}")
    op.execute(f"REVOKE ALL ON SCHEMA procrastinate FROM {APP_ROLE}")
    for table in reversed(STORE_TABLES):
        for sql in disable_store_rls_sql(table):
            op.execute(sql)
