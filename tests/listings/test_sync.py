"""The listings dataset synced from the simulator, and every attention reason it produces.

Expected answers come from the simulator's deterministic generators (catalogue, inventory and
`listings_data`), read raw and judged here by the README rules, never from our own code.
"""

from __future__ import annotations

import csv
import io
import math
import uuid
from collections import Counter
from decimal import Decimal
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from minthub_api.audit.models import AuditEvent
from minthub_api.listings.models import ListingSnapshot
from minthub_api.simulator.catalogue import MARKETPLACES_BY_ID, Sku
from minthub_api.simulator.listings_data import (
    fulfillment_availability,
    listing_issues,
    listing_price,
    listing_status,
)
from minthub_api.sync.models import SyncDataset
from tests.conftest import OwnerDb, RunningSimulator, connect_store
from tests.support.sync import SimData, sim_data, sync

SEVERITY = {"ERROR": "high", "WARNING": "medium"}


def expected_listing(
    data: SimData, seed: int, spid: str, mp: str, index: int, sku: Sku, revision: int
) -> dict[str, Any]:
    """What Amazon (the simulator's generators) says about one listing in one marketplace."""
    currency = MARKETPLACES_BY_ID[mp].currency
    fulfillable = data.inventory(seed, spid, mp)[index]["details"]["fulfillableQuantity"]
    issues = [
        i
        for i in listing_issues(index, mp)
        if not i.get("marketplaceIds") or mp in i["marketplaceIds"]
    ]
    suppressed = any(
        a["action"] == "LISTING_SUPPRESSED"
        and i["enforcements"]["exemption"]["status"] == "NOT_EXEMPT"
        for i in issues
        if "enforcements" in i
        for a in i["enforcements"]["actions"]
    )
    return {
        "status": listing_status(index),
        "issues": issues,
        "suppressed": suppressed,
        "price": listing_price(sku, index, currency, revision),
        "currency": currency,
        "availability": fulfillment_availability(index, mp, fulfillable),
    }


def expected_reasons(
    now: dict[str, Any], before: dict[str, Any] | None
) -> Counter[tuple[str, str]]:
    """The README's listing reasons, (kind, severity), from raw listing data."""
    out: Counter[tuple[str, str]] = Counter()
    for issue in now["issues"]:
        out["listing_issue", SEVERITY.get(issue["severity"], "low")] += 1
    if now["suppressed"]:
        out["suppressed", "high"] += 1
    elif "BUYABLE" not in now["status"] and "DISCOVERABLE" not in now["status"]:
        out["inactive", "high"] += 1
    if before is not None and before["price"] != now["price"]:
        out["price_changed", "medium"] += 1
    if all((c.get("quantity") or 0) <= 0 for c in now["availability"]):
        out["no_fulfillment_availability", "medium"] += 1
    return out


async def test_snapshots_equal_what_amazon_lists_and_gone_listings_are_removed(
    owner_db: OwnerDb,
    app: FastAPI,
    user_client: httpx.AsyncClient,
    sim_http: httpx.AsyncClient,
    simulator: RunningSimulator,
) -> None:
    store = await connect_store(user_client, sim_http)
    spid, store_id = str(store["selling_partner_id"]), uuid.UUID(str(store["id"]))
    marketplaces: list[str] = list(store["marketplace_ids"])  # type: ignore[call-overload]
    outcome = await sync(app, store_id, datasets=["listings"])
    assert [(d.dataset, d.state) for d in outcome.datasets] == [("listings", "succeeded")]
    data, seed = sim_data(simulator, spid), simulator.config.seed
    # A listing Amazon no longer returns (and one of another marketplace's kind): gone after the
    # next full pull.
    async with owner_db() as session, session.begin():
        session.add(
            ListingSnapshot(
                store_id=store_id, marketplace_id=marketplaces[0], sku="GONE-1", status=[]
            )
        )
    await sync(app, store_id, datasets=["listings"])
    async with owner_db() as session:
        rows = (
            await session.scalars(
                select(ListingSnapshot).where(ListingSnapshot.store_id == store_id)
            )
        ).all()
        state = await session.get(SyncDataset, (store_id, "listings"))
        calls = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.store_id == store_id,
                AuditEvent.action == "spapi_call",
                AuditEvent.operation == "searchListingsItems",
            )
        )
    stored = {(r.marketplace_id, r.sku): r for r in rows}
    assert len(rows) == len(marketplaces) * len(data.catalogue)
    assert (marketplaces[0], "GONE-1") not in stored
    for mp in marketplaces:
        for index, sku in enumerate(data.catalogue):
            want = expected_listing(data, seed, spid, mp, index, sku, revision=0)
            got = stored[(mp, sku.seller_sku)]
            assert got.asin == sku.asin and got.product_name == sku.product_name
            assert got.status == want["status"]
            assert got.suppressed == want["suppressed"]
            assert [(i["code"], i["severity"]) for i in got.issues] == [
                (i["code"], i["severity"]) for i in want["issues"]
            ]
            assert got.price == want["price"] and got.currency == want["currency"]
            assert got.previous_price == want["price"]  # unchanged between the two syncs
            assert [
                (f["fulfillmentChannelCode"], f["quantity"]) for f in got.fulfillment_availability
            ] == [(f["fulfillmentChannelCode"], f["quantity"]) for f in want["availability"]]
    assert state is not None and state.state == "succeeded" and state.source == "api_paging"
    assert state.rows_total == len(rows) and state.rows_seen == len(rows)
    pages = len(marketplaces) * math.ceil(len(data.catalogue) / 20)
    assert state.requests == state.pages == pages
    assert calls == 2 * pages  # every request of both syncs audited


async def test_every_attention_reason_from_simulator_listings(
    app: FastAPI,
    user_client: httpx.AsyncClient,
    sim_http: httpx.AsyncClient,
    simulator: RunningSimulator,
) -> None:
    store = await connect_store(user_client, sim_http)
    spid = str(store["selling_partner_id"])
    marketplaces: list[str] = list(store["marketplace_ids"])  # type: ignore[call-overload]
    await sync(app, store["id"])  # inventory, orders, listings
    # Amazon-side price changes between two listings syncs.
    r = await sim_http.post(f"/_sim/sellers/{spid}/reprice")
    assert r.json()["revision"] == 1
    await sync(app, store["id"], datasets=["listings"])
    url = f"/api/v1/stores/{store['id']}"
    plans = (await user_client.get(f"{url}/replenishment")).json()["items"]
    restock_severity = {"out_of_stock": "high", "reorder_now": "high", "reorder_soon": "medium"}
    data, seed = sim_data(simulator, spid), simulator.config.seed
    expected: dict[tuple[str, str], Counter[tuple[str, str]]] = {}
    for p in plans:
        if p["status"] in restock_severity:
            key = (p["marketplace_id"], p["sku"])
            expected.setdefault(key, Counter())["restock", restock_severity[p["status"]]] += 1
    prices: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    for mp in marketplaces:
        for index, sku in enumerate(data.catalogue):
            before = expected_listing(data, seed, spid, mp, index, sku, revision=0)
            now = expected_listing(data, seed, spid, mp, index, sku, revision=1)
            reasons = expected_reasons(now, before)
            if reasons:
                expected.setdefault((mp, sku.seller_sku), Counter()).update(reasons)
            if before["price"] != now["price"]:
                prices[(mp, sku.seller_sku)] = (before["price"], now["price"])

    body = (await user_client.get(f"{url}/listings/attention")).json()
    synced = {s["dataset"]: s["last_success_at"] for s in body["sync"]}
    got = {
        (i["marketplace_id"], i["sku"]): Counter((x["kind"], x["severity"]) for x in i["reasons"])
        for i in body["items"]
    }
    assert got == expected
    # Every reason the README lists occurs in the simulator's data.
    kinds = Counter(k for c in got.values() for k in c)
    for reason in [
        ("restock", "high"),
        ("listing_issue", "high"),
        ("listing_issue", "medium"),
        ("listing_issue", "low"),
        ("suppressed", "high"),
        ("inactive", "high"),
        ("price_changed", "medium"),
        ("no_fulfillment_availability", "medium"),
    ]:
        assert kinds[reason] > 0, reason
    items = {(i["marketplace_id"], i["sku"]): i for i in body["items"]}
    for key, (old, new) in prices.items():
        detail = next(x for x in items[key]["reasons"] if x["kind"] == "price_changed")["detail"]
        assert f"from {old} to {new}" in detail
        assert Decimal(items[key]["price"]) == new
    for item in body["items"]:
        worst = min({"high": 0, "medium": 1, "low": 2}[x["severity"]] for x in item["reasons"])
        assert item["severity"] == ["high", "medium", "low"][worst]
        for reason in item["reasons"]:
            if reason["kind"] != "restock":
                assert reason["source"] == "listings" and reason["synced_at"]
                assert reason["synced_at_by_dataset"] == {"listings": reason["synced_at"]}
            else:  # from inventory and orders: both sync times
                assert reason["synced_at_by_dataset"] == {
                    "inventory": synced["inventory"],
                    "orders": synced["orders"],
                }
            if reason["kind"] == "price_changed":
                old, new = prices[(item["marketplace_id"], item["sku"])]
                assert (Decimal(reason["previous_price"]), Decimal(reason["price"])) == (old, new)
                assert reason["currency"] == item["currency"] and item["currency"]
                assert Decimal(item["previous_price"]) == old
    export = await user_client.get(f"{url}/listings/attention", params={"format": "csv"})
    lines = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(lines) == sum(len(i["reasons"]) for i in body["items"])
    changed = [x for x in lines if x["kind"] == "price_changed"]
    assert changed and all(
        (Decimal(x["previous_price"]), Decimal(x["price"]))
        == prices[(x["marketplace_id"], x["sku"])]
        and x["currency"]
        and x["synced_at"]
        for x in changed
    )
    listings = next(s for s in body["sync"] if s["dataset"] == "listings")
    assert listings["state"] == "succeeded" and listings["stale"] is False

    # A third sync without a price change: the price is what it was at the sync before.
    await sync(app, store["id"], datasets=["listings"])
    again = (await user_client.get(f"{url}/listings/attention")).json()
    assert not any(x["kind"] == "price_changed" for i in again["items"] for x in i["reasons"])
