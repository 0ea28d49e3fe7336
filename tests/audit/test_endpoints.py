"""Reviewing the audit trail: filters, cursors, admins across stores, streamed exports."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from minthub_api.audit.models import AuditEvent
from tests.conftest import OwnerDb, connect_store, signed_in_client


async def _all_pages(client: httpx.AsyncClient, url: str, **params: str | int) -> list[dict]:  # type: ignore[type-arg]
    items: list[dict] = []  # type: ignore[type-arg]
    cursor: str | None = None
    while True:
        query = dict(params) | ({"cursor": cursor} if cursor else {})
        r = await client.get(url, params=query)
        assert r.status_code == 200, r.text
        items.extend(r.json()["items"])
        cursor = r.json()["next_cursor"]
        if not cursor:
            return items


async def test_filters_and_cursor_pagination(
    user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    url = f"/api/v1/stores/{store['id']}/audit-events"
    for _ in range(3):  # live reads: one SP-API call and one read event each
        r = await user_client.get(f"/api/v1/stores/{store['id']}/orders", params={"days": 2})
        assert r.status_code == 200, r.text
    everything = await _all_pages(user_client, url, limit=2)
    ids = [e["id"] for e in everything]
    assert len(ids) == len(set(ids)) >= 8
    assert [e["occurred_at"] for e in everything] == sorted(
        (e["occurred_at"] for e in everything), reverse=True
    )
    reads = await _all_pages(user_client, url, limit=2, action="store_data_read")
    assert len(reads) == 3 and all(e["action"] == "store_data_read" for e in reads)
    calls = await _all_pages(user_client, url, operation="searchOrders")
    assert len(calls) == 3 and all(e["action"] == "spapi_call" for e in calls)
    assert all(e["reason"] == "user_view" for e in calls)
    by_reason = await _all_pages(user_client, url, reason="authorization")
    assert {e["action"] for e in by_reason} >= {"store_connected", "membership_added"}
    user_id = by_reason[0]["actor_id"]
    mine = await _all_pages(user_client, url, actor_type="user", actor_id=user_id)
    assert len(mine) == len(everything)
    assert await _all_pages(user_client, url, actor_type="system") == []
    middle = sorted(e["occurred_at"] for e in reads)[1]
    since = await _all_pages(user_client, url, action="store_data_read", since=middle)
    until = await _all_pages(user_client, url, action="store_data_read", until=middle)
    assert len(since) == 2 and len(until) == 1
    # A cursor only continues the query that issued it.
    first = (await user_client.get(url, params={"limit": 1, "action": "spapi_call"})).json()
    other = await user_client.get(
        url, params={"limit": 1, "action": "store_data_read", "cursor": first["next_cursor"]}
    )
    assert other.status_code == 400 and other.json()["code"] == "invalid_cursor"


async def test_reasons_and_actions_are_a_closed_vocabulary(
    user_client: httpx.AsyncClient,
) -> None:
    for param in ({"action": "anything"}, {"reason": "because"}, {"actor_type": "robot"}):
        r = await user_client.get("/api/v1/audit-events", params=param)
        assert r.status_code == 422 and r.json()["code"] == "validation_error", param


async def test_users_see_their_stores_and_admins_every_store(
    app: FastAPI, sim_http: httpx.AsyncClient
) -> None:
    async with signed_in_client(app) as alice, signed_in_client(app) as bob:
        a = await connect_store(alice, sim_http)
        b = await connect_store(bob, sim_http)
        seen = await _all_pages(alice, "/api/v1/audit-events", limit=500)
        assert {e["store_id"] for e in seen} == {a["id"]}
        r = await alice.get("/api/v1/audit-events", params={"store_id": str(b["id"])})
        assert r.status_code == 404 and r.json()["code"] == "store_not_found"
        async with signed_in_client(app, admin=True) as admin:
            one = await _all_pages(admin, "/api/v1/audit-events", store_id=str(b["id"]))
            assert one and {e["store_id"] for e in one} == {b["id"]}
            page = (await admin.get("/api/v1/audit-events", params={"limit": 500})).json()
            stores = {e["store_id"] for e in page["items"]}
            assert None in stores  # sign-ins and other store-less events
            assert {a["id"], b["id"]} <= stores


async def test_exports_stream_csv_and_json_lines_and_are_audited(
    owner_db: OwnerDb, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    base = f"/api/v1/stores/{store['id']}/audit-events"
    assert (await user_client.get(f"/api/v1/stores/{store['id']}/orders")).status_code == 200
    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    listed = await _all_pages(user_client, base, since=since)

    r = await user_client.get(f"{base}/export", params={"format": "jsonl", "since": since})
    assert r.status_code == 200 and r.headers["content-type"] == "application/x-ndjson"
    assert "attachment" in r.headers["content-disposition"]
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert [e["id"] for e in lines] == sorted(e["id"] for e in listed)  # oldest first
    assert int(r.headers["x-audit-rows"]) == len(lines)
    assert all(len(e["hash"]) == 64 for e in lines)

    r = await user_client.get(f"{base}/export", params={"format": "csv", "since": since})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    # The JSONL export happened in between: it is in the CSV export.
    assert len(rows) == len(lines) + 1
    assert rows[-1]["action"] == "audit_exported"
    assert json.loads(rows[-1]["details"])["format"] == "jsonl"

    async with owner_db() as session:  # the owner sees every row (no RLS principal needed)
        exports = (
            await session.scalars(
                select(AuditEvent).where(
                    AuditEvent.store_id == uuid.UUID(str(store["id"])),
                    AuditEvent.action == "audit_exported",
                )
            )
        ).all()
    assert sorted(e.details["format"] for e in exports) == ["csv", "jsonl"]
    assert {e.reason for e in exports} == {"export"}
    assert {e.details["rows"] for e in exports} == {len(lines), len(rows)}


async def test_cross_store_export_covers_only_the_users_stores(
    app: FastAPI, sim_http: httpx.AsyncClient
) -> None:
    async with signed_in_client(app) as alice, signed_in_client(app) as bob:
        a = await connect_store(alice, sim_http)
        await connect_store(bob, sim_http)
        r = await alice.get("/api/v1/audit-events/export", params={"format": "jsonl"})
        assert r.status_code == 200
        stores = {json.loads(line)["store_id"] for line in r.text.splitlines()}
        assert stores == {a["id"]}
