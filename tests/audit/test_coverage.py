"""Coverage: every SP-API call the simulated Amazon saw for a store has its audit event, for
every operation the client sends."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from inspect import getsource

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from minthub_api.amazon import inventory, listings, orders, reports, sales, sellers
from minthub_api.amazon.inventory import get_inventory_page
from minthub_api.amazon.listings import get_listings_item, search_listings_items_page
from minthub_api.amazon.orders import get_order, search_orders_page
from minthub_api.amazon.reports import (
    cancel_report,
    create_report,
    get_report_document,
    get_reports_page,
    wait_for_report,
)
from minthub_api.amazon.sales import get_order_metrics
from minthub_api.amazon.sellers import get_marketplace_participations
from minthub_api.audit.actions import AuditReason
from minthub_api.audit.integrity import signing_keys, verify
from minthub_api.audit.models import AuditEvent
from minthub_api.audit.service import SYSTEM
from minthub_api.core.settings import Settings
from minthub_api.stores.models import Store
from minthub_api.stores.spapi import store_api
from tests.conftest import OwnerDb, connect_store
from tests.support.sync import sync


async def _events(owner_db: OwnerDb, store_id: object, action: str) -> list[AuditEvent]:
    # As the tables' owner: the app role's sessions see no store without a principal (RLS).
    async with owner_db() as session:
        rows = await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.store_id == uuid.UUID(str(store_id)), AuditEvent.action == action)
            .order_by(AuditEvent.seq)
        )
        return list(rows)


async def test_simulator_call_count_equals_spapi_audit_events(
    app: FastAPI, owner_db: OwnerDb, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    spid, sid = store["selling_partner_id"], store["id"]
    # Retries, a refused token and pagination all make extra calls that must be audited.
    faults = [
        {"operation": "getInventorySummaries", "kind": "status", "status": 503, "count": 1},
        {"operation": "searchOrders", "kind": "expired_token", "count": 1},
    ]
    for fault in faults:
        r = await sim_http.post("/_sim/faults", json=fault | {"selling_partner_id": spid})
        assert r.status_code < 300
    # Inventory reaches Amazon through a sync (a job; here in-process), then reads the snapshot.
    outcome = await sync(app, sid, datasets=["inventory"], reason=AuditReason.manual_refresh)
    assert [d.state for d in outcome.datasets] == ["succeeded"]
    cursor = None
    inventory_rows = 0
    while True:
        params: dict[str, str] = {"cursor": cursor} if cursor else {}
        r = await user_client.get(f"/api/v1/stores/{sid}/inventory", params=params)
        assert r.status_code == 200, r.text
        inventory_rows += len(r.json()["items"])
        cursor = r.json()["next_cursor"]
        if not cursor:
            break
    r = await user_client.get(f"/api/v1/stores/{sid}/orders", params={"days": 30, "limit": 20})
    assert r.status_code == 200, r.text

    seen = (await sim_http.get("/_sim/calls")).json()["spapi"][spid]
    simulator = {op: c["calls"] for op, c in seen.items()}
    events = await _events(owner_db, sid, "spapi_call")
    audited = Counter(e.operation for e in events)
    assert dict(audited) == simulator
    total = sum(simulator.values())
    assert total == len(events) >= 5
    print(f"coverage: simulator saw {total} SP-API calls, audit trail has {len(events)}")

    statuses = Counter((e.operation, e.status_code) for e in events)
    assert statuses[("getInventorySummaries", 503)] == 1
    assert statuses[("searchOrders", 403)] == 1
    for e in events:
        assert e.reason in {"user_view", "authorization", "manual_refresh"}
        assert e.amazon_request_id and e.details["region"] == "na"
        assert e.details["duration_ms"] >= 0
    inventory_ok = [
        e for e in events if e.operation == "getInventorySummaries" and e.status_code == 200
    ]
    assert all(e.reason == "manual_refresh" for e in inventory_ok)
    marketplaces = store["marketplace_ids"]
    assert isinstance(marketplaces, list)
    assert {m for e in inventory_ok for m in e.details["marketplace_ids"]} == set(marketplaces)
    # Every SKU Amazon returned is stored once per marketplace, and each read is audited.
    assert sum(e.details["records"] for e in inventory_ok) == inventory_rows >= 120
    reads = await _events(owner_db, sid, "store_data_read")
    assert (
        sum(e.details["rows"] for e in reads if e.details["endpoint"] == "inventory")
        == inventory_rows
    )


async def test_token_refresh_failure_is_audited(
    app: FastAPI, owner_db: OwnerDb, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    spid, sid = store["selling_partner_id"], store["id"]
    assert (await sim_http.post(f"/_sim/sellers/{spid}/revoke")).status_code < 300
    # No cached access token: the next call refreshes at LWA, which refuses.
    app.state.amazon.token_cache.evict(str(sid))
    r = await user_client.get(f"/api/v1/stores/{sid}/orders")  # a live read
    assert r.status_code == 409 and r.json()["code"] == "store_revoked"
    [failure] = await _events(owner_db, sid, "token_refresh_failed")
    assert failure.details["error"] == "LwaInvalidGrant"
    assert failure.details["lwa_error"] == "invalid_grant"
    assert failure.reason == "user_view"
    [revoked] = await _events(owner_db, sid, "store_revoked")
    assert revoked.details["cause"] == "lwa_invalid_grant" and revoked.seq > failure.seq


async def test_concurrent_requests_for_one_store_keep_its_chain_intact(
    owner_db: OwnerDb,
    settings: Settings,
    user_client: httpx.AsyncClient,
    sim_http: httpx.AsyncClient,
) -> None:
    store = await connect_store(user_client, sim_http)
    sid = uuid.UUID(str(store["id"]))
    answers = await asyncio.gather(
        *(user_client.get(f"/api/v1/stores/{sid}/inventory") for _ in range(8)),
        *(user_client.get(f"/api/v1/stores/{sid}/orders?limit=5") for _ in range(4)),
    )
    assert all(r.status_code == 200 for r in answers), [r.text for r in answers]
    async with owner_db() as session:
        [report] = await verify(session, signing_keys(settings), store_id=sid, only_store=True)
        seqs = (
            await session.scalars(
                select(AuditEvent.seq).where(AuditEvent.store_id == sid).order_by(AuditEvent.seq)
            )
        ).all()
    assert report.broken is None
    assert list(seqs) == list(range(1, len(seqs) + 1)) and report.events == len(seqs) >= 16


def client_operations() -> set[str]:
    """Every SP-API operation our client modules send (`api.request(<operation>, ...)`)."""
    operations: set[str] = set()
    for module in (inventory, listings, orders, reports, sales, sellers):
        for match in re.finditer(r"api\.request\(\s*(?:\"(\w+)\"|([A-Z_]+))", getsource(module)):
            literal, constant = match.groups()
            operations.add(literal or getattr(module, constant))
    return operations


async def test_every_operation_the_client_uses_is_audited_once_per_call(
    app: FastAPI, owner_db: OwnerDb, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store_info = await connect_store(user_client, sim_http)
    spid, sid = str(store_info["selling_partner_id"]), uuid.UUID(str(store_info["id"]))
    us = "ATVPDKIKX0DER"
    # A retry and a refused access token on the way: extra calls that must be audited too.
    for fault in (
        {"operation": "getListingsItem", "kind": "status", "status": 503, "count": 1},
        {"operation": "getReports", "kind": "expired_token", "count": 1},
    ):
        r = await sim_http.post("/_sim/faults", json=fault | {"selling_partner_id": spid})
        assert r.status_code < 300
    now = datetime.now(UTC)
    async with owner_db() as session, session.begin():
        store = await session.get(Store, sid)
        assert store is not None
        api = store_api(app.state.amazon, session, store, SYSTEM, AuditReason.manual_refresh)
        await get_marketplace_participations(api)
        await get_inventory_page(api, marketplace_id=us)
        await get_listings_item(api, "TEA/INFUSER-01", marketplace_ids=[us])
        await search_listings_items_page(api, marketplace_ids=[us])
        page = await search_orders_page(
            api, marketplace_ids=[us], created_after=now - timedelta(days=30), max_results=5
        )
        await get_order(api, page.items[0].order_id)
        await get_order_metrics(
            api, marketplace_id=us, start=now - timedelta(days=7), end=now, granularity="Total"
        )
        report_id = await create_report(
            api, report_type="GET_MERCHANT_LISTINGS_ALL_DATA", marketplace_ids=[us]
        )
        report = await wait_for_report(api, report_id, poll_interval=0.2, max_wait=30)
        assert report.report_document_id
        await get_report_document(api, report.report_document_id)
        queued = await create_report(
            api, report_type="GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA", marketplace_ids=[us]
        )
        await cancel_report(api, queued)
        await get_reports_page(api, report_types=["GET_MERCHANT_LISTINGS_ALL_DATA"])

    seen = (await sim_http.get("/_sim/calls")).json()["spapi"][spid]
    simulator = {op: c["calls"] for op, c in seen.items()}
    events = await _events(owner_db, sid, "spapi_call")
    audited = Counter(e.operation for e in events)
    assert dict(audited) == simulator
    # Nothing the client can send escapes this test: a new operation must be added above.
    operations = client_operations()
    assert len(operations) >= 12 and operations <= set(audited), operations - set(audited)
    statuses = Counter((e.operation, e.status_code) for e in events)
    assert statuses[("getListingsItem", 503)] == 1 and statuses[("getReports", 403)] == 1
    manual = [e for e in events if e.reason == AuditReason.manual_refresh]
    assert len(manual) == sum(simulator.values()) - audited["getMarketplaceParticipations"] + 1
    print(
        f"coverage: {len(simulator)} operations, simulator saw {sum(simulator.values())} calls,"
        f" audit trail has {len(events)}"
    )
