"""Store-scoped access to snapshots and sync state: every statement filters on `store_id`.

A repository is built for one store (`store_id`), so no query can read or write another
store's rows. Worker code passes the store id it was given explicitly.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.amazon.schemas.orders import Order
from minthub_api.sync.models import (
    InventorySnapshot,
    OrderItemSnapshot,
    OrderSnapshot,
    SyncDataset,
)


class StoreScoped:
    def __init__(self, session: AsyncSession, store_id: uuid.UUID) -> None:
        self.session = session
        self.store_id = store_id


class SyncStateRepository(StoreScoped):
    async def get(self, dataset: str, *, for_update: bool = False) -> SyncDataset | None:
        stmt = select(SyncDataset).where(
            SyncDataset.store_id == self.store_id, SyncDataset.dataset == dataset
        )
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def get_or_create(self, dataset: str) -> SyncDataset:
        await self.session.execute(
            insert(SyncDataset)
            .values(store_id=self.store_id, dataset=dataset)
            .on_conflict_do_nothing()
        )
        found = await self.get(dataset, for_update=True)
        assert found is not None
        return found

    async def list(self) -> Sequence[SyncDataset]:
        stmt = select(SyncDataset).where(SyncDataset.store_id == self.store_id)
        return (await self.session.execute(stmt)).scalars().all()


class InventoryRepository(StoreScoped):
    async def upsert(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        values = [{**row, "store_id": self.store_id} for row in rows]
        stmt = insert(InventorySnapshot).values(values)
        updates = {c: stmt.excluded[c] for c in values[0] if c not in ("store_id", "sku")}
        await self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["store_id", "marketplace_id", "sku"], set_=updates
            )
        )

    async def delete_not_seen(self, marketplace_id: str, since: datetime) -> int:
        """After a full sync: SKUs Amazon no longer lists (not refreshed since `since`)."""
        result = await self.session.execute(
            delete(InventorySnapshot).where(
                InventorySnapshot.store_id == self.store_id,
                InventorySnapshot.marketplace_id == marketplace_id,
                InventorySnapshot.synced_at < since,
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def select(self) -> Select[InventorySnapshot]:
        return select(InventorySnapshot).where(InventorySnapshot.store_id == self.store_id)

    async def list(self, stmt: Select[InventorySnapshot]) -> Sequence[InventorySnapshot]:
        return (await self.session.execute(stmt)).scalars().all()

    async def count(self) -> int:
        stmt = select(func.count()).where(InventorySnapshot.store_id == self.store_id)
        return int((await self.session.execute(stmt)).scalar_one())


class OrderRepository(StoreScoped):
    async def upsert(
        self, orders: Sequence[Order], synced_at: datetime, *, keep_ship_by: bool = False
    ) -> None:
        """Insert or replace orders and their lines. `keep_ship_by`: a missing latest ship
        date keeps the stored one (order reports have no such column)."""
        if not orders:
            return
        values = [
            {
                "store_id": self.store_id,
                "order_id": o.order_id,
                "status": o.status or "UNKNOWN",
                "purchase_date": o.purchase_date,
                "last_update_date": o.last_update_date,
                "marketplace_id": o.marketplace_id,
                "fulfillment_channel": o.fulfillment_channel,
                "item_count": o.item_count,
                "order_total": o.order_total,
                "currency": o.currency,
                "latest_ship_date": o.latest_ship_date,
                "synced_at": synced_at,
            }
            for o in orders
        ]
        stmt = insert(OrderSnapshot).values(values)
        updates: dict[str, Any] = {
            c: stmt.excluded[c] for c in values[0] if c not in ("store_id", "order_id")
        }
        if keep_ship_by:
            updates["latest_ship_date"] = func.coalesce(
                stmt.excluded.latest_ship_date, OrderSnapshot.latest_ship_date
            )
        await self.session.execute(
            stmt.on_conflict_do_update(index_elements=["store_id", "order_id"], set_=updates)
        )
        ids = [o.order_id for o in orders]
        await self.session.execute(
            delete(OrderItemSnapshot).where(
                OrderItemSnapshot.store_id == self.store_id, OrderItemSnapshot.order_id.in_(ids)
            )
        )
        lines = [
            {
                "store_id": self.store_id,
                "order_id": o.order_id,
                "order_item_id": line.order_item_id,
                "sku": line.sku,
                "asin": line.asin,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "currency": line.currency,
            }
            for o in orders
            for line in o.lines
        ]
        if lines:
            await self.session.execute(insert(OrderItemSnapshot).values(lines))

    async def max_last_update(self) -> datetime | None:
        stmt = select(func.max(OrderSnapshot.last_update_date)).where(
            OrderSnapshot.store_id == self.store_id
        )
        value: datetime | None = (await self.session.execute(stmt)).scalar_one()
        return value

    async def count(self) -> int:
        stmt = select(func.count()).where(OrderSnapshot.store_id == self.store_id)
        return int((await self.session.execute(stmt)).scalar_one())

    async def orders_between(self, start: datetime, end: datetime) -> Sequence[OrderSnapshot]:
        stmt = select(OrderSnapshot).where(
            OrderSnapshot.store_id == self.store_id,
            OrderSnapshot.purchase_date >= start,
            OrderSnapshot.purchase_date < end,
        )
        return (await self.session.execute(stmt)).scalars().all()

    async def lines_between(
        self, start: datetime, end: datetime
    ) -> Sequence[tuple[OrderItemSnapshot, OrderSnapshot]]:
        """Order lines of orders purchased in [start, end), each with its order."""
        stmt = (
            select(OrderItemSnapshot, OrderSnapshot)
            .join(
                OrderSnapshot,
                (OrderSnapshot.store_id == OrderItemSnapshot.store_id)
                & (OrderSnapshot.order_id == OrderItemSnapshot.order_id),
            )
            .where(
                OrderItemSnapshot.store_id == self.store_id,
                OrderSnapshot.purchase_date >= start,
                OrderSnapshot.purchase_date < end,
            )
        )
        return [(row[0], row[1]) for row in (await self.session.execute(stmt)).all()]

    async def late_unshipped(
        self, now: datetime, statuses: Sequence[str]
    ) -> Sequence[OrderSnapshot]:
        stmt = select(OrderSnapshot).where(
            OrderSnapshot.store_id == self.store_id,
            OrderSnapshot.status.in_(statuses),
            OrderSnapshot.latest_ship_date < now,
        )
        return (await self.session.execute(stmt)).scalars().all()
