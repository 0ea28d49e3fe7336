"""getInventorySummaries (FBA Inventory v1, ../shared/spapi-models/fbaInventory.json).

Amazon facts reproduced (SPAPI-NOTES §5.1, §9.2): 50 summaries per page, top-level
``pagination.nextToken`` that dies 30 seconds after it was issued, ``startDateTime`` no more than
18 months back, ``sellerSkus`` ignored when ``startDateTime`` is given, ``sellerSku`` ignored when
``sellerSkus`` is given, ``marketplaceIds`` exactly one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .catalogue import MARKETPLACES_BY_ID, day_anchor, summary
from .errors import invalid_input
from .params import Param, parse_query
from .spapi import begin

router = APIRouter()

OPERATION = "getInventorySummaries"
PAGE_SIZE = 50
NEXT_TOKEN_TTL = 30.0
MAX_LOOKBACK = timedelta(days=548)  # "no earlier than 18 months prior"

PARAMS = (
    Param("details", "boolean"),
    Param("granularityType", required=True, enum=("Marketplace",)),
    Param("granularityId", required=True),
    Param("startDateTime", date_time=True),
    Param("sellerSkus", "array", max_items=50),
    Param("sellerSku"),
    Param("nextToken"),
    Param("marketplaceIds", "array", required=True, max_items=1),
)


@router.get("/fba/inventory/v1/summaries")
async def get_inventory_summaries(request: Request) -> JSONResponse:
    caller = await begin(request, OPERATION)
    state = caller.state
    q = parse_query(request, PARAMS)
    marketplace_id: str = q["marketplaceIds"][0]
    if marketplace_id not in MARKETPLACES_BY_ID:
        raise invalid_input(f"Invalid marketplaceIds: '{marketplace_id}' is not a marketplace "
                            "this seller participates in.")
    if q["granularityId"] != marketplace_id:
        raise invalid_input("granularityId must be the marketplace ID given in marketplaceIds.")

    now = state.now_dt()
    anchor = day_anchor(now)
    rows = state.inventory(caller.selling_partner_id, marketplace_id)
    start: datetime | None = q.get("startDateTime")
    if start is not None:
        if start < now - MAX_LOOKBACK:
            raise invalid_input("startDateTime must be no earlier than 18 months before now.")
        rows = [r for r in rows if anchor - timedelta(seconds=r["_offset"]) >= start]
    elif "sellerSkus" in q:
        wanted = set(q["sellerSkus"])
        rows = [r for r in rows if r["sku"].seller_sku in wanted]
    elif "sellerSku" in q:
        rows = [r for r in rows if r["sku"].seller_sku == q["sellerSku"]]

    offset = 0
    if "nextToken" in q:
        token = state.page_tokens.get(q["nextToken"])
        if (token is None or token.operation != OPERATION
                or token.selling_partner_id != caller.selling_partner_id
                or token.context.get("marketplace_id") != marketplace_id):
            raise invalid_input("Invalid nextToken.")
        if token.expires_at <= state.now():
            raise invalid_input("The nextToken has expired; nextToken is valid for 30 seconds "
                                "after it is issued. Request the first page again.")
        offset = token.offset

    page = rows[offset:offset + PAGE_SIZE]
    body: dict[str, Any] = {
        "payload": {
            "granularity": {"granularityType": "Marketplace", "granularityId": marketplace_id},
            "inventorySummaries": [summary(r, anchor, bool(q.get("details"))) for r in page],
        }
    }
    if offset + PAGE_SIZE < len(rows):
        body["pagination"] = {"nextToken": state.issue_page_token(
            caller.selling_partner_id, OPERATION, offset + PAGE_SIZE, NEXT_TOKEN_TTL,
            {"marketplace_id": marketplace_id})}
    return JSONResponse(body)
