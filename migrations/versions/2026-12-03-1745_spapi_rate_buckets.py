"""spapi rate buckets: usage-plan token buckets shared by every process

Revision ID: i4_0001
Revises: i7_0001
Create Date: 2026-12-03 17:45:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i4_0001"
down_revision: str | None = "i7_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.create_table(
        "spapi_rate_buckets",
        sa.Column("bucket_key", sa.String(length=200), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("learned_rate", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("bucket_key", name=op.f("pk_spapi_rate_buckets")),
    )


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_table("spapi_rate_buckets")
