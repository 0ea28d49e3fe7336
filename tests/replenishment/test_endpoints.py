"""Replenishment on simulator data: every number recomputed here from the generators."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import httpx
import pytest
from fastapi import FastAPI

from minthub_api.core.rls import store_work_session
from minthub_api.sync.dependencies import get_now
from tests.conftest import RunningSimulator, connect_store, signed_in_client
from tests.support.sync import sim_data, sync

SETTINGS = {
    "lead_time_days": 20,
    "safety_stock_days": 10,
    "review_period_days": 15,
    "reorder_soon_days": 7,
    "overstock_days": 90,
    "case_pack": 6,
}


@pytest.fixture
def fixed_now(app: FastAPI) -> Iterator[datetime]:
    now = datetime.now(UTC).replace(microsecond=0)
    app.dependency_overrides[get_now] = lambda: now
    try:
        yield now
    finally:
        app.dependency_overrides.pop(get_now, None)


def q(value: Decimal, unit: str) -> Decimal:
    return value.quantize(Decimal(unit), rounding=ROUND_HALF_UP)


class TestReplenishment:
    async def test_every_suggestion_matches_the_formulas(
        self,
        app: FastAPI,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
        simulator: RunningSimulator,
        fixed_now: datetime,
    ) -> None:
        store = await connect_store(user_client, sim_http)
        spid = str(store["selling_partner_id"])
        await sync(app, store["id"])
        url = f"/api/v1/stores/{store['id']}"
        data = sim_data(simulator, spid)
        special = data.catalogue[10].seller_sku
        body = SETTINGS | {"overrides": [{"sku": special, "case_pack": 25, "lead_time_days": 40}]}
        r = await user_client.put(f"{url}/settings/replenishment", json=body)
        assert r.status_code == 200, r.text
        assert r.json()["overrides"][0]["case_pack"] == 25

        r = await user_client.get(f"{url}/replenishment")
        assert r.status_code == 200, r.text
        page = r.json()
        items = {(i["marketplace_id"], i["sku"]): i for i in page["items"]}
        synced = {s["dataset"]: s["last_success_at"] for s in page["sync"]}

        sold: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for o in data.orders:
            if o.status == "CANCELLED":
                continue
            age = fixed_now - o.created(data.anchor)
            for days in (7, 30, 90):
                if age <= timedelta(days=days):
                    for i in o.items:
                        sold[(o.marketplace_id, i.sku.seller_sku)][days] += i.quantity
        checked = statuses = 0
        seen_status: set[str] = set()
        for mp in store["marketplace_ids"]:  # type: ignore[attr-defined]
            for row in data.inventory(simulator.config.seed, spid, mp):
                sku = row["sku"].seller_sku
                got = items[(mp, sku)]
                d = row["details"]
                u = sold.get((mp, sku), {})
                rate = q(
                    Decimal(u.get(7, 0)) / 7 * Decimal("0.5")
                    + Decimal(u.get(30, 0)) / 30 * Decimal("0.3")
                    + Decimal(u.get(90, 0)) / 90 * Decimal("0.2"),
                    "0.01",
                )
                available = d["fulfillableQuantity"]
                inbound = (
                    d["inboundWorkingQuantity"]
                    + d["inboundShippedQuantity"]
                    + d["inboundReceivingQuantity"]
                )
                lead = 40 if sku == special else 20
                pack = 25 if sku == special else 6
                target = q(rate * (lead + 15 + 10), "0.01")
                need = target - (available + inbound)
                suggested = math.ceil(need / pack) * pack if need > 0 else 0
                cover = q((available + inbound) / rate, "0.1") if rate else None
                assert Decimal(got["units_per_day"]) == rate, sku
                assert got["units_per_day_basis"]["units_7d"] == u.get(7, 0)
                assert got["available"] == available and got["inbound"] == inbound
                assert got["suggested_quantity"] == suggested, (sku, got["why"])
                assert (Decimal(got["days_of_cover"]) if got["days_of_cover"] else None) == cover
                if available == 0:
                    status = "out_of_stock"
                elif rate == 0:
                    status = "overstocked"
                elif available + inbound <= q(rate * (lead + 10), "0.01"):
                    status = "reorder_now"
                elif cover is not None and cover <= lead + 10 + 7:
                    status = "reorder_soon"
                elif cover is not None and cover > 90:
                    status = "overstocked"
                else:
                    status = "healthy"
                assert got["status"] == status, (sku, got["why"])
                assert got["why"]
                # Its inputs: the moment the windows count back from and each dataset's sync.
                assert datetime.fromisoformat(got["inputs"]["as_of"]) == fixed_now
                assert got["inputs"]["inventory_synced_at"] == synced["inventory"]
                assert got["inputs"]["orders_synced_at"] == synced["orders"]
                assert got["inputs"]["restock_synced_at"] == synced["restock"]
                seen_status.add(status)
                checked += 1
                statuses += 1
        assert checked == len(page["items"])
        assert {"out_of_stock", "overstocked"} <= seen_status and len(seen_status) >= 3
        assert page["status_counts"][page["items"][0]["status"]] > 0

        csv = await user_client.get(f"{url}/replenishment", params={"format": "csv"})
        lines = csv.text.lstrip("\ufeff").strip().splitlines()
        assert lines[0].startswith("sku,asin,product_name,marketplace_id,status,units_per_day")
        assert len(lines) == checked + 1

    async def test_journal_records_each_day_and_scores_outcomes(
        self, app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        from minthub_api.replenishment import journal
        from tests.support.sync import runtime

        store = await connect_store(user_client, sim_http)
        await sync(app, store["id"])  # records today's entries
        r = await user_client.get(f"/api/v1/stores/{store['id']}/replenishment/journal")
        assert r.status_code == 200
        first = r.json()
        assert first["decisions"] and all(d["observed_days"] == 0 for d in first["decisions"])
        # Two more "days" of decisions on the same snapshot: each later day observes the first.
        rt = runtime(app)
        import uuid

        for days in (1, 2):
            store_id = uuid.UUID(str(store["id"]))
            async with (
                store_work_session(rt.sessionmaker, store_id, "test.journal") as session,
                session.begin(),
            ):
                await journal.record_today(
                    session,
                    store_id,
                    rt.settings,
                    now=datetime.now(UTC) + timedelta(days=days),
                )
        body = (await user_client.get(f"/api/v1/stores/{store['id']}/replenishment/journal")).json()
        oos = [s for s in body["skus"] if s["stockout_days"]]
        assert oos and all(s["observed_days"] == 2 for s in body["skus"])
        # An out-of-stock SKU stays out of stock: both later days are stockout days.
        assert all(
            s["stockout_days"] == 2 and s["accuracy"] in ("0.00", "0")
            for s in oos
            if s["overstock_days"] == 0
        )
        calibration = {c["status"]: c for c in body["calibration"]}
        assert calibration["out_of_stock"]["decisions"] == 3 * len(oos)
        assert calibration["healthy"]["stockout_days_avg"] in (None, "0.00")

    async def test_only_owners_change_settings(
        self, app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        store = await connect_store(user_client, sim_http)
        r = await user_client.get(f"/api/v1/stores/{store['id']}/settings/replenishment")
        assert r.json()["lead_time_days"] == 30 and r.json()["overrides"] == []
        async with signed_in_client(app) as other:
            r = await other.put(f"/api/v1/stores/{store['id']}/settings/replenishment", json={})
            assert r.status_code == 404
        bad = await user_client.put(
            f"/api/v1/stores/{store['id']}/settings/replenishment", json={"case_pack": 0}
        )
        assert bad.status_code == 422
