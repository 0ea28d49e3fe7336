"""Store-scoped access to replenishment settings, overrides and the decision journal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert

from minthub_api.replenishment.models import (
    ReplenishmentDecision,
    ReplenishmentSettings,
    ReplenishmentSkuOverride,
)
from minthub_api.sync.repository import StoreScoped


class ReplenishmentRepository(StoreScoped):
    async def get_settings(self) -> ReplenishmentSettings | None:
        return await self.session.get(ReplenishmentSettings, self.store_id)

    async def get_or_create_settings(self) -> ReplenishmentSettings:
        await self.session.execute(
            insert(ReplenishmentSettings).values(store_id=self.store_id).on_conflict_do_nothing()
        )
        found = await self.session.get(ReplenishmentSettings, self.store_id)
        assert found is not None
        return found

    async def overrides(self) -> Sequence[ReplenishmentSkuOverride]:
        stmt = select(ReplenishmentSkuOverride).where(
            ReplenishmentSkuOverride.store_id == self.store_id
        )
        return (await self.session.execute(stmt)).scalars().all()

    async def replace_overrides(self, rows: Sequence[dict[str, Any]]) -> None:
        await self.session.execute(
            delete(ReplenishmentSkuOverride).where(
                ReplenishmentSkuOverride.store_id == self.store_id
            )
        )
        if rows:
            await self.session.execute(
                insert(ReplenishmentSkuOverride).values(
                    [{**r, "store_id": self.store_id} for r in rows]
                )
            )

    async def record_decisions(self, rows: Sequence[dict[str, Any]]) -> None:
        """One journal entry per SKU, marketplace and day: the day's last decision wins."""
        if not rows:
            return
        values = [{**r, "store_id": self.store_id} for r in rows]
        for i in range(0, len(values), 500):
            stmt = insert(ReplenishmentDecision).values(values[i : i + 500])
            keep = ("store_id", "marketplace_id", "sku", "day")
            stmt = stmt.on_conflict_do_update(
                index_elements=list(keep),
                set_={c: stmt.excluded[c] for c in values[0] if c not in keep},
            )
            await self.session.execute(stmt)

    async def decisions(self, since: date | None = None) -> Sequence[ReplenishmentDecision]:
        stmt = select(ReplenishmentDecision).where(ReplenishmentDecision.store_id == self.store_id)
        if since is not None:
            stmt = stmt.where(ReplenishmentDecision.day >= since)
        stmt = stmt.order_by(
            ReplenishmentDecision.marketplace_id,
            ReplenishmentDecision.sku,
            ReplenishmentDecision.day,
        )
        return (await self.session.execute(stmt)).scalars().all()
