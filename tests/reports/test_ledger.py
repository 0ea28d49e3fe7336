"""The report ledger and the sync's report path, against the simulator (real DB, real HTTP)."""

from __future__ import annotations

import gzip
import json
import uuid
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select, update

from minthub_api.reports.headers import INVENTORY, ORDERS
from minthub_api.reports.ledger import open_request
from minthub_api.reports.models import ReportRequest, ReportRow
from minthub_api.reports.work import overdue_reports, poll_once
from minthub_api.sync.models import InventorySnapshot, OrderItemSnapshot, OrderSnapshot, SyncDataset
from minthub_api.sync.service import run_sync
from tests.conftest import OwnerDb, RunningSimulator, connect_store
from tests.support.sync import runtime, sim_data

FAST = {"report_poll_seconds": 0.3, "sync_path": "report"}
PATHS = ["inventory", "orders"]  # the datasets with a paging and a report path


async def _store(user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient) -> dict[str, Any]:
    return await connect_store(user_client, sim_http)


async def _ledger(owner_db: OwnerDb, store_id: uuid.UUID) -> list[ReportRequest]:
    async with owner_db() as session:
        return list(
            (
                await session.scalars(
                    select(ReportRequest)
                    .where(ReportRequest.store_id == store_id)
                    .order_by(ReportRequest.requested_at)
                )
            ).all()
        )


class TestReportPath:
    async def test_sync_through_reports_stores_what_amazon_has(
        self,
        owner_db: OwnerDb,
        app: FastAPI,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
        simulator: RunningSimulator,
    ) -> None:
        store = await _store(user_client, sim_http)
        spid, store_id = str(store["selling_partner_id"]), uuid.UUID(str(store["id"]))
        marketplaces = list(store["marketplace_ids"])
        outcome = await run_sync(runtime(app, **FAST), store_id, datasets=PATHS)
        assert [(d.state, d.source) for d in outcome.datasets] == [
            ("succeeded", "report"),
            ("succeeded", "report"),
        ]
        summary = (await user_client.get(f"/api/v1/stores/{store_id}/orders/summary")).json()
        assert summary["source"] == (
            "orders snapshot (GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL report)"
        )
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
                    assert got.inbound_working == d["inboundWorkingQuantity"]
                    assert got.reserved == d["reservedQuantity"]["totalReservedQuantity"]
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
                assert o.marketplace_id == expected[o.order_id].marketplace_id
            units = await session.scalar(
                select(func.sum(OrderItemSnapshot.quantity)).where(
                    OrderItemSnapshot.store_id == store_id
                )
            )
            assert units == sum(i.quantity for o in expected.values() for i in o.items)
            sources = dict(
                (
                    await session.execute(
                        select(SyncDataset.dataset, SyncDataset.source).where(
                            SyncDataset.store_id == store_id
                        )
                    )
                ).all()
            )
            assert {d: sources[d] for d in PATHS} == {"inventory": "report", "orders": "report"}
            # Buyer columns never reach a stored row.
            keys = await session.scalars(
                select(func.jsonb_object_keys(ReportRow.data))
                .where(ReportRow.store_id == store_id)
                .distinct()
            )
            assert not {k for k in keys if "ship_city" in k or "buyer" in k or "postal" in k}
        ledger = await _ledger(owner_db, store_id)
        assert [r.processing_status for r in ledger] == ["DONE"] * (len(marketplaces) + 1)
        assert all(r.amazon_report_id and r.document_size for r in ledger)

        # A second sync within MINTHUB_REPORT_REUSE_MINUTES reuses the DONE inventory reports:
        # not one inventory request.
        again = await run_sync(runtime(app, **FAST), store_id, datasets=["inventory"])
        assert again.datasets[0].requests == 0
        assert len(await _ledger(owner_db, store_id)) == len(ledger)

    async def test_fatal_keeps_the_error_document_falls_back_and_cools_down(
        self,
        owner_db: OwnerDb,
        app: FastAPI,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        store = await _store(user_client, sim_http)
        spid, store_id = str(store["selling_partner_id"]), uuid.UUID(str(store["id"]))
        fault = {
            "operation": "createReport",
            "kind": "fatal_report",
            "selling_partner_id": spid,
        }
        assert (await sim_http.post("/_sim/faults", json=fault)).status_code < 300
        rt = runtime(app, **FAST)
        outcome = await run_sync(rt, store_id, datasets=["inventory"])
        result = outcome.datasets[0]
        assert (result.state, result.source) == ("succeeded", "api_paging")
        assert result.path_why is not None and "report failed" in result.path_why
        ledger = await _ledger(owner_db, store_id)
        assert [r.processing_status for r in ledger] == ["FATAL"]
        async with owner_db() as session:
            blob = await session.scalar(
                select(ReportRequest.error_document).where(ReportRequest.id == ledger[0].id)
            )
        assert blob is not None
        assert "errorDetails" in json.loads(gzip.decompress(blob))
        assert ledger[0].error is not None and ledger[0].error.startswith("FATAL:")
        # Cooling down: the next sync pages without asking for another report.
        outcome = await run_sync(rt, store_id, datasets=["inventory"])
        assert outcome.datasets[0].source == "api_paging"
        assert "cool" in (outcome.datasets[0].path_why or "").lower() or "resting" in (
            outcome.datasets[0].path_why or ""
        )
        assert len(await _ledger(owner_db, store_id)) == 1

    async def test_a_report_started_elsewhere_is_resumed_from_the_ledger(
        self,
        owner_db: OwnerDb,
        app: FastAPI,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        store = await _store(user_client, sim_http)
        store_id = uuid.UUID(str(store["id"]))
        rt = runtime(app, **FAST)
        async with owner_db() as session:
            row, reused = await open_request(
                session,
                store_id,
                report_type=ORDERS,
                marketplace_ids=list(store["marketplace_ids"]),
                data_start=rt.clock() - timedelta(days=30),
                data_end=None,
                settings=rt.settings,
                now=rt.clock(),
            )
            await session.commit()
            report_id = row.id
        assert not reused
        # One step (createReport) by "a process that then dies".
        assert await poll_once(rt, store_id, report_id) == "IN_QUEUE"
        # Its poll is overdue: the scheduler finds it.
        async with owner_db() as session:
            await session.execute(
                update(ReportRequest)
                .where(ReportRequest.id == report_id)
                .values(next_poll_at=rt.clock() - timedelta(minutes=10))
            )
            await session.commit()
        assert (store_id, report_id) in await overdue_reports(rt, rt.clock())
        # Another process carries on from Amazon's reportId until the report ends.
        status = None
        for _ in range(40):
            status = await poll_once(rt, store_id, report_id)
            if status is not None and not status.pending:
                break
            import asyncio

            await asyncio.sleep(0.2)
        assert status == "DONE"
        (done,) = await _ledger(owner_db, store_id)
        assert done.polls >= 1 and done.requests == done.polls + 2
        assert done.row_count and done.row_count > 0
        assert (store_id, report_id) not in await overdue_reports(rt, rt.clock())

    async def test_cost_rule_prefers_paging_for_a_small_store(
        self,
        owner_db: OwnerDb,
        app: FastAPI,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        store = await _store(user_client, sim_http)
        store_id = uuid.UUID(str(store["id"]))
        rt = runtime(app, report_poll_seconds=0.3)  # sync_path=auto
        first = await run_sync(rt, store_id, datasets=PATHS)
        assert [d.source for d in first.datasets] == ["api_paging", "api_paging"]
        assert all("first sync" in (d.path_why or "") for d in first.datasets)
        second = await run_sync(rt, store_id, datasets=PATHS)
        # The test simulator's store has few SKUs and orders: ⌈SKUs/50⌉ pages per marketplace
        # and one orders page cost fewer requests than 2 + 3 per report.
        assert [d.source for d in second.datasets] == ["api_paging", "api_paging"]
        assert not await _ledger(owner_db, store_id)
        assert INVENTORY  # the type the inventory report path would use
