"""Store-scoped access to replenishment settings, overrides and the decision journal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from minthub_api.replenishment.models import (
    AmazonRestockRecommendation,
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


class RestockRepository(StoreScoped):
    """Amazon's restock recommendations of one store (one row per SKU and marketplace)."""

    async def replace_marketplace(
        self, marketplace_id: str, rows: Sequence[dict[str, Any]]
    ) -> None:
        """The marketplace's rows become exactly `rows` (a report is Amazon's whole advice)."""
        await self.delete_marketplace(marketplace_id)
        values = [{**r, "store_id": self.store_id, "marketplace_id": marketplace_id} for r in rows]
        for i in range(0, len(values), 500):
            await self.session.execute(
                insert(AmazonRestockRecommendation)
                .values(values[i : i + 500])
                .on_conflict_do_nothing()  # a SKU listed twice: the first row wins
            )

    async def delete_marketplace(self, marketplace_id: str) -> None:
        await self.session.execute(
            delete(AmazonRestockRecommendation).where(
                AmazonRestockRecommendation.store_id == self.store_id,
                AmazonRestockRecommendation.marketplace_id == marketplace_id,
            )
        )

    async def all(self) -> Sequence[AmazonRestockRecommendation]:
        stmt = select(AmazonRestockRecommendation).where(
            AmazonRestockRecommendation.store_id == self.store_id
        )
        return (await self.session.execute(stmt)).scalars().all()

    async def count(self) -> int:
        stmt = (
            select(func.count())
            .select_from(AmazonRestockRecommendation)
            .where(AmazonRestockRecommendation.store_id == self.store_id)
        )
        return int((await self.session.execute(stmt)).scalar_one())
