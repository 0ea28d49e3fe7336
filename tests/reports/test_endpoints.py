"""Reports API: request (202, reuse, cool-down), status, parsed rows, original document, CSV."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from minthub_api.audit.models import AuditEvent
from minthub_api.reports.headers import LISTINGS
from minthub_api.reports.work import poll_once
from minthub_api.simulator.catalogue import build_catalogue
from tests.conftest import OwnerDb, RunningSimulator, connect_store, use_csrf
from tests.support.sync import runtime


async def _finish(app: FastAPI, store_id: uuid.UUID, report_id: uuid.UUID) -> None:
    """Poll the way the worker's job does, until the report ends."""
    rt = runtime(app, report_poll_seconds=0.2)
    for _ in range(60):
        status = await poll_once(rt, store_id, report_id)
        if status is not None and not status.pending:
            return
        await asyncio.sleep(0.15)
    raise AssertionError("report never finished")


async def test_request_poll_and_download_a_listings_report(
    owner_db: OwnerDb,
    app: FastAPI,
    user_client: httpx.AsyncClient,
    sim_http: httpx.AsyncClient,
    simulator: RunningSimulator,
) -> None:
    store = await connect_store(user_client, sim_http)
    store_id = uuid.UUID(str(store["id"]))
    spid = str(store["selling_partner_id"])
    base = f"/api/v1/stores/{store_id}/reports"
    use_csrf(user_client)
    us = "ATVPDKIKX0DER"
    r = await user_client.post(base, json={"report_type": LISTINGS, "marketplace_ids": [us]})
    assert r.status_code == 202, r.text
    created = r.json()
    assert created["processing_status"] == "REQUESTED" and created["reused"] is False
    report_id = uuid.UUID(created["id"])

    # Not done yet: no rows, no document.
    r = await user_client.get(f"{base}/{report_id}/rows")
    assert r.status_code == 409 and r.json()["code"] == "report_not_ready"

    await _finish(app, store_id, report_id)
    status = (await user_client.get(f"{base}/{report_id}")).json()
    assert status["processing_status"] == "DONE"
    catalogue = build_catalogue(simulator.config.seed, spid, simulator.config.skus_per_seller)
    assert status["row_count"] == len(catalogue)

    # Parsed rows, paginated; cursors walk every row once.
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "7"} | ({"cursor": cursor} if cursor else {})
        page = (await user_client.get(f"{base}/{report_id}/rows", params=params)).json()
        seen += [item["data"]["sku"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [s.seller_sku for s in catalogue]
    first = page["items"][-1]["data"] if page["items"] else {}
    assert set(first["price"]) == {"amount", "currency"} and first["price"]["currency"] == "USD"

    csv = await user_client.get(f"{base}/{report_id}/rows", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("line,") and "price_currency" in lines[0]
    assert len(lines) == len(catalogue) + 1

    # The original document, as Amazon sent it (charset and all).
    doc = await user_client.get(f"{base}/{report_id}/document")
    assert doc.status_code == 200
    assert doc.headers["content-type"].lower() == "text/plain; charset=cp1252"
    assert doc.content.decode("cp1252").split("\r\n", 1)[0].split("\t")[2] == "seller-sku"

    # Same type and window again: the DONE report answers, no new request.
    again = await user_client.post(base, json={"report_type": LISTINGS, "marketplace_ids": [us]})
    assert again.status_code == 202 and again.json()["reused"] is True
    assert again.json()["id"] == str(report_id)

    listing = await user_client.get(base)
    assert [i["id"] for i in listing.json()["items"]] == [str(report_id)]
    exported = await user_client.get(base, params={"format": "csv"})
    assert exported.text.lstrip("\ufeff").startswith("id,report_type,")

    async with owner_db() as session:
        reasons = (
            await session.execute(
                select(AuditEvent.action, AuditEvent.reason).where(
                    AuditEvent.store_id == store_id,
                    AuditEvent.action.in_(["store_data_read", "report_requested"]),
                )
            )
        ).all()
    assert ("report_requested", "manual_refresh") in reasons
    assert ("store_data_read", "export") in reasons
    assert ("store_data_read", "user_view") in reasons


async def test_unsupported_type_and_cool_down(
    app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    store_id = uuid.UUID(str(store["id"]))
    base = f"/api/v1/stores/{store_id}/reports"
    use_csrf(user_client)
    r = await user_client.post(
        base, json={"report_type": "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"}
    )
    assert r.status_code == 422 and r.json()["code"] == "unsupported_report_type"
    fault = {
        "operation": "createReport",
        "kind": "fatal_report",
        "selling_partner_id": str(store["selling_partner_id"]),
    }
    assert (await sim_http.post("/_sim/faults", json=fault)).status_code < 300
    r = await user_client.post(base, json={"report_type": LISTINGS})
    report_id = uuid.UUID(r.json()["id"])
    await _finish(app, store_id, report_id)
    status = (await user_client.get(f"{base}/{report_id}")).json()
    assert status["processing_status"] == "FATAL" and status["error"].startswith("FATAL")
    err = await user_client.get(f"{base}/{report_id}/document", params={"error": "true"})
    assert err.status_code == 200 and "errorDetails" in err.json()
    r = await user_client.post(base, json={"report_type": LISTINGS})
    assert r.status_code == 409 and r.json()["code"] == "report_cooling_down"
    assert int(r.headers["retry-after"]) > 0
