"""GET .../orders/summary against answers computed from the simulator's order generator."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI

from minthub_api.simulator.catalogue import MARKETPLACES_BY_ID
from tests.conftest import RunningSimulator, connect_store
from tests.support.sync import sim_data, sync

LA = ZoneInfo("America/Los_Angeles")  # the US marketplace's time zone (store's first)
STATUS = {
    "PENDING": "pending",
    "UNSHIPPED": "unshipped",
    "PARTIALLY_SHIPPED": "partially_shipped",
    "SHIPPED": "shipped",
    "CANCELLED": "cancelled",
}


class TestOrderSummary:
    async def test_days_marketplaces_statuses_and_skus(
        self,
        app: FastAPI,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
        simulator: RunningSimulator,
    ) -> None:
        store = await connect_store(user_client, sim_http)
        await sync(app, store["id"])
        marketplaces = set(store["marketplace_ids"])  # type: ignore[call-overload]
        data = sim_data(simulator, str(store["selling_partner_id"]))
        r = await user_client.get(f"/api/v1/stores/{store['id']}/orders/summary?days=30")
        assert r.status_code == 200, r.text
        body = r.json()
        now = datetime.now(UTC)
        today = now.astimezone(LA).date()
        first = today - timedelta(days=29)
        start = datetime.combine(first, time(0), tzinfo=LA)
        end = datetime.combine(today + timedelta(days=1), time(0), tzinfo=LA)
        assert body["time_zone"] == "America/Los_Angeles"
        assert (body["from"], body["to"]) == (first.isoformat(), today.isoformat())
        assert len(body["days"]) == 30

        mine = [
            o
            for o in data.orders
            if o.marketplace_id in marketplaces and start <= o.created(data.anchor) < end
        ]
        sold = [o for o in mine if o.status != "CANCELLED"]
        assert body["orders"] == len(mine)
        assert body["units"] == sum(i.quantity for o in sold for i in o.items)
        revenue: dict[str, Decimal] = defaultdict(Decimal)
        for o in sold:
            cur = MARKETPLACES_BY_ID[o.marketplace_id].currency
            for i in o.items:
                revenue[cur] += i.sku.price(cur) * i.quantity
        assert {k: Decimal(v) for k, v in body["revenue"].items()} == revenue
        counts = Counter(STATUS[o.status] for o in mine)
        assert {k: v for k, v in body["status_counts"].items() if v} == dict(counts)
        assert counts["cancelled"] > 0  # the data exercises the rule

        per_day: Counter[str] = Counter()
        for o in mine:
            per_day[o.created(data.anchor).astimezone(LA).date().isoformat()] += 1
        assert {d["date"]: d["orders"] for d in body["days"] if d["orders"]} == dict(per_day)
        assert sum(d["units"] for d in body["days"]) == body["units"]

        by_mp = {m["marketplace_id"]: m for m in body["marketplaces"]}
        for mp in marketplaces:
            expected = [o for o in mine if o.marketplace_id == mp]
            if expected:
                assert by_mp[mp]["orders"] == len(expected)

        units_by_sku: Counter[str] = Counter()
        for o in sold:
            for i in o.items:
                units_by_sku[i.sku.seller_sku] += i.quantity
        got = Counter[str]()
        for s in body["skus"]:
            got[s["sku"]] += s["units"]
        assert got == units_by_sku
        top = body["skus"][0]
        assert Decimal(top["units_per_day"]) == (Decimal(top["units"]) / 30).quantize(
            Decimal("0.01")
        )

        late = {
            o.order_id
            for o in data.orders
            if o.marketplace_id in marketplaces
            and o.status in ("UNSHIPPED", "PARTIALLY_SHIPPED")
            and o.created(data.anchor) + timedelta(days=1 if o.service_level == "EXPEDITED" else 2)
            < now
        }
        assert {x["order_id"] for x in body["late_unshipped"]} == late
        assert body["stale"] is False and body["synced_at"]
        # Every figure names its inputs: dataset, where it came from, when, and "now".
        orders_state = next(s for s in body["sync"] if s["dataset"] == "orders")
        assert body["synced_at"] == orders_state["last_success_at"]
        assert body["source_dataset"] == "orders" and orders_state["source"] == "api_paging"
        assert body["source"] == "orders snapshot (searchOrders)"
        as_of = datetime.fromisoformat(body["as_of"])
        for x in body["late_unshipped"]:
            hours = (as_of - datetime.fromisoformat(x["latest_ship_date"])).total_seconds() / 3600
            assert Decimal(x["hours_late"]) == Decimal(hours).quantize(Decimal(x["hours_late"]))

    async def test_explicit_range_and_csv(
        self, app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        store = await connect_store(user_client, sim_http)
        await sync(app, store["id"])
        url = f"/api/v1/stores/{store['id']}/orders/summary"
        week = (await user_client.get(url, params={"days": 7})).json()
        r = await user_client.get(url, params={"from": week["from"], "to": week["to"]})
        assert r.json()["orders"] == week["orders"] and r.json()["days"] == week["days"]
        csv = await user_client.get(url, params={"days": 7, "format": "csv"})
        assert csv.headers["content-type"].startswith("text/csv")
        lines = csv.text.lstrip("\ufeff").strip().splitlines()
        assert lines[0] == "date,time_zone,orders,units,currency,revenue"
        assert sum(int(line.split(",")[2]) for line in lines[1:]) >= week["orders"]

    async def test_bad_ranges_are_problems(
        self, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        store = await connect_store(user_client, sim_http)
        url = f"/api/v1/stores/{store['id']}/orders/summary"
        r = await user_client.get(url, params={"from": "2026-01-10", "to": "2026-01-01"})
        assert r.status_code == 422 and r.json()["code"] == "invalid_range"
        r = await user_client.get(url, params={"days": 12})
        assert r.status_code == 422 and r.json()["code"] == "invalid_range"
