"""Amazon's restock recommendation beside ours: the `restock` dataset through the report ledger,
each figure recomputed from the simulator's generators (tests/simulator/test_restock.expected)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from minthub_api.reports.models import ReportRequest
from minthub_api.sync.service import run_sync
from tests.conftest import OwnerDb, RunningSimulator, connect_store
from tests.simulator.test_restock import expected
from tests.support.sync import runtime, sync

RESTOCK = "GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT"


def want_for(
    simulator: RunningSimulator, spid: str, marketplace: str, generated_at: datetime
) -> dict[str, dict[str, Any]]:
    """Expected rows by SKU. The simulator built the document a moment before the ledger saw it
    DONE: when an order sits on the 30-day edge in between, either side is right."""
    at = {r["sku"]: r for r in expected(simulator.config, marketplace, generated_at, spid)}
    before = expected(simulator.config, marketplace, generated_at - timedelta(seconds=30), spid)
    return {r["sku"]: r if r == at[r["sku"]] else at[r["sku"]] | {"_or": r} for r in before}


def matches(rec: dict[str, Any], exp: dict[str, Any]) -> bool:
    sales = exp["sales_last_30_days"]
    ok = (
        rec["recommended_quantity"] == exp["recommended_replenishment_qty"]
        and rec["recommended_ship_date"]
        == (exp["recommended_ship_date"].isoformat() if exp["recommended_ship_date"] else None)
        and rec["alert"] == exp["alert"]
        and rec["days_of_supply_total"] == exp["total_days_of_supply"]
        and rec["days_of_supply_at_amazon"] == exp["days_of_supply_at_amazon"]
        and rec["units_sold_last_30_days"] == exp["units_sold_last_30_days"]
        and Decimal(rec["sales_last_30_days"]) == sales.amount
        and rec["currency"] == sales.currency
        and rec["available"] == exp["available"]
        and rec["inbound"] == exp["inbound"]
        and rec["total_units"] == exp["total_units"]
    )
    return ok or ("_or" in exp and matches(rec, exp["_or"]))


def by_key(items: list[dict[str, Any]]) -> dict[tuple[str, str], Any]:
    return {(i["marketplace_id"], i["sku"]): i["amazon_recommendation"] for i in items}


async def ledger(owner_db: OwnerDb, store_id: object) -> list[ReportRequest]:
    async with owner_db() as session:
        rows = await session.scalars(
            select(ReportRequest)
            .where(
                ReportRequest.store_id == uuid.UUID(str(store_id)),
                ReportRequest.report_type == RESTOCK,
            )
            .order_by(ReportRequest.requested_at)
        )
        return list(rows)


class TestAmazonRecommendation:
    async def test_beside_ours_with_its_source_in_json_csv_and_journal(
        self,
        app: FastAPI,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
        simulator: RunningSimulator,
        owner_db: OwnerDb,
    ) -> None:
        store = await connect_store(user_client, sim_http)
        spid, url = str(store["selling_partner_id"]), f"/api/v1/stores/{store['id']}"
        outcome = await sync(app, store["id"])
        restock = next(d for d in outcome.datasets if d.dataset == "restock")
        assert (restock.state, restock.source, restock.error) == ("succeeded", "report", None)
        reports = await ledger(owner_db, store["id"])
        marketplaces = list(store["marketplace_ids"])  # type: ignore[call-overload]
        assert sorted(r.marketplace_ids[0] for r in reports) == sorted(marketplaces)
        assert all(r.processing_status == "DONE" and r.purpose == "sync" for r in reports)
        by_marketplace = {r.marketplace_ids[0]: r for r in reports}

        page = (await user_client.get(f"{url}/replenishment")).json()
        assert page["stale"] is False
        assert {s["dataset"] for s in page["sync"]} == {"inventory", "orders", "restock"}
        checked = 0
        for mp in marketplaces:
            report = by_marketplace[mp]
            assert report.done_at is not None
            want = want_for(simulator, spid, mp, report.done_at)
            for item in (i for i in page["items"] if i["marketplace_id"] == mp):
                rec = item["amazon_recommendation"]
                assert rec is not None and matches(rec, want[item["sku"]]), item["sku"]
                assert rec["report_id"] == str(report.id)
                assert rec["amazon_report_id"] == report.amazon_report_id
                assert rec["report_type"] == RESTOCK
                assert datetime.fromisoformat(rec["generated_at"]) == report.done_at
                assert item["inputs"]["restock_synced_at"] is not None
                checked += 1
        assert checked == 120 * len(marketplaces)
        # Ours and Amazon's differ somewhere (different models), which is why both are shown.
        assert any(
            i["suggested_quantity"] != i["amazon_recommendation"]["recommended_quantity"]
            for i in page["items"]
        )
        # The source can be opened: the ledger's report and its parsed rows.
        some = page["items"][0]["amazon_recommendation"]
        r = await user_client.get(f"{url}/reports/{some['report_id']}")
        assert r.status_code == 200 and r.json()["report_type"] == RESTOCK

        r = await user_client.get(f"{url}/replenishment?format=csv")
        rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
        first = next(
            i for i in page["items"] if i["amazon_recommendation"]["recommended_ship_date"]
        )
        line = next(
            x
            for x in rows
            if x["sku"] == first["sku"] and x["marketplace_id"] == first["marketplace_id"]
        )
        rec = first["amazon_recommendation"]
        assert line["amazon_recommendation"] == str(rec["recommended_quantity"])
        assert line["amazon_recommended_ship_date"] == rec["recommended_ship_date"]
        assert line["amazon_report_id"] == rec["report_id"]
        assert line["amazon_alert"] == (rec["alert"] or "")

        journal = (await user_client.get(f"{url}/replenishment/journal")).json()
        amazon = {
            (i["marketplace_id"], i["sku"]): i["amazon_recommendation"]["recommended_quantity"]
            for i in page["items"]
        }
        assert journal["decisions"] and all(
            d["amazon_recommended_quantity"] == amazon[(d["marketplace_id"], d["sku"])]
            for d in journal["decisions"]
        )

        # A second sync inside MINTHUB_RESTOCK_FRESHNESS_MINUTES reuses the DONE reports.
        await sync(app, store["id"], datasets=["restock"])
        assert len(await ledger(owner_db, store["id"])) == len(marketplaces)

    async def test_no_fba_is_cancelled_and_clears_fatal_keeps(
        self,
        app: FastAPI,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
        owner_db: OwnerDb,
    ) -> None:
        store = await connect_store(user_client, sim_http)
        spid, url = str(store["selling_partner_id"]), f"/api/v1/stores/{store['id']}"
        store_id = uuid.UUID(str(store["id"]))
        await sync(app, store["id"])
        before = (await user_client.get(f"{url}/replenishment")).json()["items"]
        assert all(i["amazon_recommendation"] for i in before)

        # Amazon cannot produce it (FATAL): what we had stays, with its source, and the error
        # is on the dataset.
        fault = {"operation": "createReport", "kind": "fatal_report", "count": 3}
        await sim_http.post("/_sim/faults", json=fault | {"selling_partner_id": spid})
        rt = runtime(app, restock_freshness_minutes=1)
        rt.clock = lambda: datetime.now(UTC) + timedelta(minutes=2)  # past reuse
        outcome = await run_sync(rt, store_id, datasets=["restock"])
        restock = outcome.datasets[0]
        assert restock.state == "succeeded" and restock.error and "FATAL" in restock.error
        kept = (await user_client.get(f"{url}/replenishment")).json()["items"]
        assert by_key(kept) == by_key(before)
        status = (await user_client.get(f"{url}/sync")).json()
        row = next(d for d in status["datasets"] if d["dataset"] == "restock")
        assert row["state"] == "succeeded" and "FATAL" in row["last_error"]
        fatal = [r for r in await ledger(owner_db, store_id) if r.processing_status == "FATAL"]
        assert len(fatal) == 3 and all(r.error_content_type for r in fatal)  # kept

        # The seller leaves FBA: Amazon has no data (CANCELLED), so no recommendation is shown.
        await sim_http.put(f"/_sim/sellers/{spid}/fulfillment", json={"fba": False})
        try:
            rt = runtime(app, restock_freshness_minutes=1, report_cooldown_minutes=0)
            rt.clock = lambda: datetime.now(UTC) + timedelta(minutes=3)
            outcome = await run_sync(rt, store_id, datasets=["restock"])
        finally:
            await sim_http.put(f"/_sim/sellers/{spid}/fulfillment", json={"fba": True})
        assert outcome.datasets[0].state == "succeeded" and outcome.datasets[0].error is None
        cancelled = [
            r for r in await ledger(owner_db, store_id) if r.processing_status == "CANCELLED"
        ]
        assert len(cancelled) == len(store["marketplace_ids"])  # type: ignore[arg-type]
        after = (await user_client.get(f"{url}/replenishment")).json()["items"]
        assert after and all(i["amazon_recommendation"] is None for i in after)
        status = (await user_client.get(f"{url}/sync")).json()
        row = next(d for d in status["datasets"] if d["dataset"] == "restock")
        assert row["rows_total"] == 0 and row["last_error"] is None
