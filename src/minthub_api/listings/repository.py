"""Store-scoped access to `listing_snapshots`: every statement filters on `store_id`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from minthub_api.listings.models import ListingSnapshot
from minthub_api.sync.repository import StoreScoped


class ListingRepository(StoreScoped):
    async def list(self) -> list[ListingSnapshot]:
        stmt = select(ListingSnapshot).where(ListingSnapshot.store_id == self.store_id)
        return list((await self.session.execute(stmt)).scalars().all())

    async def upsert(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert or replace listings; an existing row's price becomes its `previous_price`.

        `previous_price` is thus "the price at the listings sync before this one": a price that
        did not change between two syncs makes both equal (no `price_changed` reason).
        """
        if not rows:
            return
        values = [{**row, "store_id": self.store_id} for row in rows]
        stmt = insert(ListingSnapshot).values(values)
        updates: dict[str, Any] = {
            c: stmt.excluded[c] for c in values[0] if c not in ("store_id", "marketplace_id", "sku")
        }
        # In ON CONFLICT DO UPDATE the table's own columns are the row before the update.
        updates["previous_price"] = ListingSnapshot.__table__.c.price
        await self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["store_id", "marketplace_id", "sku"], set_=updates
            )
        )

    async def delete_not_seen(self, marketplace_id: str, since: datetime) -> int:
        """After a full pull of a marketplace: listings Amazon no longer returns."""
        result = await self.session.execute(
            delete(ListingSnapshot).where(
                ListingSnapshot.store_id == self.store_id,
                ListingSnapshot.marketplace_id == marketplace_id,
                ListingSnapshot.synced_at < since,
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def count(self) -> int:
        stmt = select(func.count()).where(ListingSnapshot.store_id == self.store_id)
        return int((await self.session.execute(stmt)).scalar_one())
