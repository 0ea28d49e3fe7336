"""Amazon's restock recommendations per SKU and marketplace (store isolation)

Revision ID: rst_0001
Revises: i5b_0001
Create Date: 2026-12-04 12:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from minthub_api.core.rls import disable_store_rls_sql, enable_store_rls_sql

revision: str = "rst_0001"
down_revision: str | None = "i5b_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "amazon_restock_recommendations"


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.create_table(
        TABLE,
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("store_id", sa.Uuid(), nullable=False),
        sa.Column("marketplace_id", sa.String(length=32), nullable=False),
        sa.Column("sku", sa.String(length=200), nullable=False),
        sa.Column("asin", sa.String(length=20), nullable=True),
        sa.Column("recommended_quantity", sa.Integer(), nullable=False),
        sa.Column("recommended_ship_date", sa.Date(), nullable=True),
        sa.Column("alert", sa.String(length=64), nullable=True),
        sa.Column("recommended_action", sa.Text(), nullable=True),
        sa.Column("days_of_supply_total", sa.Integer(), nullable=True),
        sa.Column("days_of_supply_at_amazon", sa.Integer(), nullable=True),
        sa.Column("units_sold_last_30_days", sa.Integer(), nullable=True),
        sa.Column("sales_last_30_days", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("available", sa.Integer(), nullable=True),
        sa.Column("inbound", sa.Integer(), nullable=True),
        sa.Column("total_units", sa.Integer(), nullable=True),
        sa.Column("report_request_id", sa.Uuid(), nullable=True),
        sa.Column("amazon_report_id", sa.String(length=64), nullable=True),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_request_id"],
            ["report_requests.id"],
            name=op.f("fk_amazon_restock_recommendations_report_request_id_report_requests"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
            name=op.f("fk_amazon_restock_recommendations_store_id_stores"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amazon_restock_recommendations")),
        sa.UniqueConstraint(
            "store_id",
            "marketplace_id",
            "sku",
            name=op.f("uq_amazon_restock_recommendations_store_id"),
        ),
    )
    for sql in enable_store_rls_sql(TABLE):
        op.execute(sql)


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for sql in disable_store_rls_sql(TABLE):
        op.execute(sql)
    op.drop_table(TABLE)
