"""store isolation: the allowed store ids are computed once per query, not once per row

The policies called `minthub_store_allowed(store_id)`, which PostgreSQL inlines, so the
comma-separated setting was split and cast to uuid[] for every row it filtered: 35 ms of a
42 ms aggregate over 10,000 inventory rows. The same test written with uncorrelated scalar
sub-selects becomes two InitPlans, evaluated once per statement (7 ms). Same rule, same
settings; only the expression's shape changes.

Revision ID: perf_0001
Revises: rst_0001
Create Date: 2026-12-04 18:00:00+00:00
"""

import re
from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

from minthub_api.core.rls import (
    ALLOWED_STORE_FUNCTIONS_SQL,
    DROP_ALLOWED_STORE_FUNCTIONS_SQL,
    store_policy_expression,
)

revision: str = "perf_0001"
down_revision: str | None = "rst_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The column a policy guards, from its expression in either shape.
_COLUMN = re.compile(r"minthub_store_allowed\((\w+)\)|(\w+) = ANY")


def _policies() -> list[tuple[str, str]]:
    rows = op.get_bind().execute(
        text(
            "SELECT tablename, qual FROM pg_policies"
            " WHERE schemaname = current_schema() AND policyname = 'store_isolation'"
            " ORDER BY tablename"
        )
    )
    found = []
    for table, qual in rows:
        match = _COLUMN.search(qual or "")
        if match is None:
            raise RuntimeError(f"store_isolation on {table}: unexpected expression {qual!r}")
        found.append((table, match.group(1) or match.group(2)))
    return found


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for sql in ALLOWED_STORE_FUNCTIONS_SQL:
        op.execute(sql)
    for table, column in _policies():
        expr = store_policy_expression(column)
        op.execute(f"ALTER POLICY store_isolation ON {table} USING ({expr}) WITH CHECK ({expr})")


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for table, column in _policies():
        expr = f"minthub_store_allowed({column})"
        op.execute(f"ALTER POLICY store_isolation ON {table} USING ({expr}) WITH CHECK ({expr})")
    for sql in DROP_ALLOWED_STORE_FUNCTIONS_SQL:
        op.execute(sql)
