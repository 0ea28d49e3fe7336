"""run_sync against the simulator: snapshots equal the simulator's own data."""

from __future__ import annotations

import uuid

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from minthub_api.audit.models import AuditEvent
from minthub_api.sync.models import InventorySnapshot, OrderItemSnapshot, OrderSnapshot, SyncDataset
from tests.conftest import OwnerDb, RunningSimulator, connect_store
from tests.support.sync import sim_data, sync


class TestRunSync:
    async def test_full_sync_stores_what_amazon_has(
        self,
        owner_db: OwnerDb,
        app: FastAPI,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
        simulator: RunningSimulator,
    ) -> None:
        store = await connect_store(user_client, sim_http)
        spid, store_id = str(store["selling_partner_id"]), uuid.UUID(str(store["id"]))
        marketplaces = list(store["marketplace_ids"])  # type: ignore[call-overload]
        outcome = await sync(app, store_id, datasets=["inventory", "orders"])
        assert [d.state for d in outcome.datasets] == ["succeeded", "succeeded"]
        data = sim_data(simulator, spid)
        async with owner_db() as session:
            rows = (
                await session.scalars(
                    select(InventorySnapshot).where(InventorySnapshot.store_id == store_id)
                )
            ).all()
            stored = {(r.marketplace_id, r.sku): r for r in rows}
            expected_rows = 0
            for mp in marketplaces:
                for item in data.inventory(simulator.config.seed, spid, mp):
                    expected_rows += 1
                    got = stored[(mp, item["sku"].seller_sku)]
                    d = item["details"]
                    assert got.fulfillable == d["fulfillableQuantity"]
                    assert got.inbound_shipped == d["inboundShippedQuantity"]
                    assert got.reserved == d["reservedQuantity"]["totalReservedQuantity"]
                    assert (
                        got.unfulfillable
                        == (d["unfulfillableQuantity"]["totalUnfulfillableQuantity"])
                    )
                    assert got.total == item["total"]
            assert len(rows) == expected_rows
            orders = (
                await session.scalars(
                    select(OrderSnapshot).where(OrderSnapshot.store_id == store_id)
                )
            ).all()
            expected = {o.order_id: o for o in data.orders if o.marketplace_id in marketplaces}
            assert {o.order_id for o in orders} == set(expected)
            for o in orders:
                assert o.status == expected[o.order_id].status
            lines = await session.scalar(
                select(func.sum(OrderItemSnapshot.quantity)).where(
                    OrderItemSnapshot.store_id == store_id
                )
            )
            assert lines == sum(i.quantity for o in expected.values() for i in o.items)
            states = {
                s.dataset: s
                for s in (
                    await session.scalars(
                        select(SyncDataset).where(SyncDataset.store_id == store_id)
                    )
                ).all()
            }
            calls = await session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(
                    AuditEvent.store_id == store_id,
                    AuditEvent.action == "spapi_call",
                    AuditEvent.operation.in_(["getInventorySummaries", "searchOrders"]),
                )
            )
        assert states["orders"].rows_total == len(expected)
        assert states["orders"].high_water_mark == max(
            o.updated(data.anchor) for o in expected.values()
        )
        assert states["inventory"].source == "api_paging"
        assert states["inventory"].requests == len(marketplaces) * 3  # 120 SKUs, 50 a page
        assert calls == states["inventory"].requests + states["orders"].requests

    async def test_second_sync_is_incremental_and_cheaper(
        self, app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        store = await connect_store(user_client, sim_http)
        first = await sync(app, store["id"], datasets=["inventory", "orders"])
        second = await sync(app, store["id"], datasets=["inventory", "orders"])
        by = {d.dataset: d for d in second.datasets}
        before = {d.dataset: d for d in first.datasets}
        assert by["orders"].incremental and not before["orders"].incremental
        assert by["orders"].requests < before["orders"].requests
        # Inventory: 120 SKUs over 3 marketplaces is >50 a marketplace, so startDateTime pays.
        assert by["inventory"].incremental
        assert by["inventory"].requests == len(store["marketplace_ids"])  # type: ignore[arg-type]
        full = await sync(app, store["id"], datasets=["inventory", "orders"], full=True)
        assert not any(d.incremental for d in full.datasets)
        assert {d.dataset: d.requests for d in full.datasets} == {
            d.dataset: d.requests for d in first.datasets
        }

    async def test_revoked_store_is_stopped_not_fetched(
        self, app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        store = await connect_store(user_client, sim_http)
        await sim_http.post(f"/_sim/sellers/{store['selling_partner_id']}/revoke")
        outcome = await sync(app, store["id"])
        assert outcome.datasets[0].state == "stopped"  # LWA invalid_grant revoked it
        again = await sync(app, store["id"])
        assert [d.state for d in again.datasets] == ["stopped"] * 4
        assert [d.dataset for d in again.datasets] == ["inventory", "orders", "listings", "restock"]
        assert all(d.requests == 0 for d in again.datasets)
        assert (await user_client.get(f"/api/v1/stores/{store['id']}")).json()[
            "status"
        ] == "revoked"
