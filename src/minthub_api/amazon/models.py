"""The shared usage-plan buckets (one row per bucket), used by `throttle_pg.PostgresRateLimiter`."""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from minthub_api.core.db import Base


class SpApiRateBucket(Base):
    __tablename__ = "spapi_rate_buckets"

    # "seller|<selling partner id>|<region>|<operation>" or "app|<region>|<operation>"
    bucket_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    # Tokens left at `updated_at`; negative = requests already promised future tokens.
    tokens: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)  # epoch seconds, PostgreSQL's clock
    learned_rate: Mapped[float | None] = mapped_column(Float)  # x-amzn-RateLimit-Limit
