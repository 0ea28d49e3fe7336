"""GET .../listings/attention: restock from replenishment, listing reasons from snapshots."""

from __future__ import annotations

import uuid
from decimal import Decimal

import httpx
from fastapi import FastAPI

from minthub_api.listings.models import ListingSnapshot
from tests.conftest import OwnerDb, connect_store
from tests.support.sync import sync


async def test_restock_and_listing_reasons(
    owner_db: OwnerDb, app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    await sync(app, store["id"], datasets=["inventory", "orders"])  # listings rows: below
    url = f"/api/v1/stores/{store['id']}"
    plans = (await user_client.get(f"{url}/replenishment")).json()["items"]
    restock = {
        (p["marketplace_id"], p["sku"])
        for p in plans
        if p["status"] in ("out_of_stock", "reorder_now", "reorder_soon")
    }
    healthy = [p for p in plans if p["status"] in ("healthy", "overstocked")][:2]
    mp = healthy[0]["marketplace_id"]
    # Rows as the listings sync writes them (Listings Items summaries/issues/offers).
    async with owner_db() as session, session.begin():
        session.add_all(
            [
                ListingSnapshot(
                    store_id=uuid.UUID(str(store["id"])),
                    marketplace_id=mp,
                    sku=healthy[0]["sku"],
                    status=["BUYABLE", "DISCOVERABLE"],
                    price=Decimal("19.99"),
                    previous_price=Decimal("17.49"),
                    currency="USD",
                    issues=[{"code": "90220", "severity": "ERROR", "message": "Missing brand"}],
                    fulfillment_availability=[
                        {"fulfillmentChannelCode": "AMAZON_NA", "quantity": 5}
                    ],
                ),
                ListingSnapshot(
                    store_id=uuid.UUID(str(store["id"])),
                    marketplace_id=mp,
                    sku=healthy[1]["sku"],
                    status=[],
                    suppressed=True,
                    fulfillment_availability=[],
                ),
            ]
        )
    r = await user_client.get(f"{url}/listings/attention")
    assert r.status_code == 200, r.text
    body = r.json()
    items = {(i["marketplace_id"], i["sku"]): i for i in body["items"]}
    assert restock <= set(items)
    first = items[(mp, healthy[0]["sku"])]
    assert {x["kind"] for x in first["reasons"]} == {"listing_issue", "price_changed"}
    assert first["severity"] == "high"
    assert any("17.49 to 19.99" in x["detail"] for x in first["reasons"])
    second = items[(mp, healthy[1]["sku"])]
    assert {x["kind"] for x in second["reasons"]} == {"suppressed", "no_fulfillment_availability"}
    assert set(items) == restock | {(mp, healthy[0]["sku"]), (mp, healthy[1]["sku"])}
    ranks = [{"high": 0, "medium": 1, "low": 2}[i["severity"]] for i in body["items"]]
    assert ranks == sorted(ranks)
    listings_state = next(s for s in body["sync"] if s["dataset"] == "listings")
    # Never synced here, so stale: the connect's queued sync (no worker in this test) is pending.
    assert listings_state["state"] == "queued" and listings_state["last_success_at"] is None
    assert body["stale"] is True
    csv = await user_client.get(f"{url}/listings/attention", params={"format": "csv"})
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0] == (
        "sku,asin,marketplace_id,severity,kind,reason_severity,detail,source,"
        "synced_at,price,previous_price,currency"
    )
    assert len(lines) - 1 == sum(len(i["reasons"]) for i in body["items"])
