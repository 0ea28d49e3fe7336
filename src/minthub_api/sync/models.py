"""Snapshots of store data kept in PostgreSQL, and each dataset's sync state.

Every table carries `store_id` (row-level security keys on it) and is read and written only
through the store-scoped repositories in `repository.py`. Times are UTC.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from minthub_api.core.db import Base, utcnow


class Dataset(StrEnum):
    inventory = "inventory"
    orders = "orders"
    listings = "listings"
    reports = "reports"
    restock = "restock"  # Amazon's GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT, per marketplace


SYNCABLE: tuple[Dataset, ...] = (
    Dataset.inventory,
    Dataset.orders,
    Dataset.listings,
    Dataset.restock,
)


class SyncState(StrEnum):
    never = "never"
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    stopped = "stopped"  # the store was revoked: nothing more is fetched


class SyncSource(StrEnum):
    api_paging = "api_paging"
    report = "report"


class SyncDataset(Base):
    """One dataset of one store: what we have, where it came from, and what is happening."""

    __tablename__ = "sync_datasets"

    store_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True
    )
    dataset: Mapped[str] = mapped_column(String(32), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default=SyncState.never)
    source: Mapped[str | None] = mapped_column(String(16))
    requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    # Orders: the newest `lastUpdatedTime` stored (next incremental sync starts there).
    # Inventory: the start of the last successful sync (`startDateTime` of the next one).
    # Listings: the start of the last successful (always full) sync.
    high_water_mark: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    full: Mapped[bool] = mapped_column(default=False)  # the running/last run ignores the mark
    last_full_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rows_seen: Mapped[int] = mapped_column(Integer, default=0)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_sync_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Last time somebody read this dataset: scheduled syncs skip stores nobody uses.
    last_viewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Usage-plan headroom seen on the last response (x-amzn-RateLimit-Limit), if Amazon sent it.
    rate_limit: Mapped[str | None] = mapped_column(String(32))


class InventorySnapshot(Base):
    """FBA inventory of one SKU in one marketplace, as of `synced_at`."""

    __tablename__ = "inventory_snapshots"
    __table_args__ = (UniqueConstraint("store_id", "marketplace_id", "sku"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    marketplace_id: Mapped[str] = mapped_column(String(32))
    sku: Mapped[str] = mapped_column(String(200))
    asin: Mapped[str | None] = mapped_column(String(20))
    fnsku: Mapped[str | None] = mapped_column(String(20))
    product_name: Mapped[str | None] = mapped_column(Text)
    condition: Mapped[str | None] = mapped_column(String(40))
    fulfillable: Mapped[int] = mapped_column(Integer, default=0)
    inbound_working: Mapped[int] = mapped_column(Integer, default=0)
    inbound_shipped: Mapped[int] = mapped_column(Integer, default=0)
    inbound_receiving: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    unfulfillable: Mapped[int] = mapped_column(Integer, default=0)
    researching: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    amazon_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    synced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OrderSnapshot(Base):
    """An order without buyer, recipient or address data."""

    __tablename__ = "order_snapshots"
    __table_args__ = (UniqueConstraint("store_id", "order_id"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    order_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    purchase_date: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_update_date: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    marketplace_id: Mapped[str | None] = mapped_column(String(32))
    fulfillment_channel: Mapped[str | None] = mapped_column(String(8))
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    order_total: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    latest_ship_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    synced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OrderItemSnapshot(Base):
    """One line of an order: SKU, quantity, unit price. Replaced whole with its order."""

    __tablename__ = "order_item_snapshots"
    __table_args__ = (UniqueConstraint("store_id", "order_id", "order_item_id"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    order_id: Mapped[str] = mapped_column(String(32))
    order_item_id: Mapped[str] = mapped_column(String(32))
    sku: Mapped[str | None] = mapped_column(String(200))
    asin: Mapped[str | None] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
