"""Test hooks of the simulated Amazon, all under ``/_sim/`` (Amazon has nothing like them).

- ``POST /_sim/sellers/{spid}/revoke`` — the seller removes the app: all its refresh tokens
  (→ LWA ``invalid_grant``) and access tokens (→ SP-API 403 ``Unauthorized``) die.
  Answers ``{"selling_partner_id", "revoked_refresh_tokens"}``.
- ``PUT /_sim/sellers/{spid}/language`` — JSON ``{"language": "ja_JP"}`` sets the seller's
  Seller Central language (en_*, ja_JP, de_DE, fr_FR, es_ES, it_IT): reports it requests from
  then on have localized headers and formats unless they ask for
  ``reportOptions.preferredReportDocumentLocale``.
- ``PUT /_sim/sellers/{spid}/fulfillment`` — JSON ``{"fba": false}`` makes the seller MFN-only
  (no FBA inventory; its FBA reports, restock recommendations included, end ``CANCELLED``);
  ``{"fba": true}`` enrols it again. Answers ``{"selling_partner_id", "fba"}``.
- ``POST /_sim/sellers/{spid}/reprice`` — bump the seller's listing price revision: the listings
  with ``index % 10 == 3`` change price (``listings_data.listing_price``). Answers
  ``{"selling_partner_id", "revision"}``.
- ``GET /_sim/calls`` — ``{"spapi": {spid: {operation: {"calls", "throttled", "statuses"}}},
  "lwa": {grant_type: successes}, "lwa_errors": {error: count}}``. Calls that failed
  authentication are counted under ``"_anonymous"``; 429s are in ``calls`` and ``throttled``.
- ``GET /_sim/issued-secrets`` — every authorization code, access and refresh token issued by
  this process and the accepted client secret, for tests that scan for leaked secrets.
- ``POST /_sim/reset-calls`` — zero those counters (usage-plan buckets too).
- ``POST /_sim/faults`` — JSON ``{"operation", "kind", "count": 1, "status": 500, "seconds": 0,
  "selling_partner_id": null}`` queues a fault for the next ``count`` calls of ``operation``
  (optionally only that seller's), applied after authentication and before throttling:
  ``kind="status"`` → 500 ``InternalFailure`` or 503 ``ServiceUnavailable``;
  ``"throttled"`` → 429 ``QuotaExceeded`` (counted as throttled, like a real 429);
  ``"timeout"`` → sleeps ``seconds`` then answers normally (set your client timeout lower);
  ``"malformed_json"`` → 200 with a truncated JSON body;
  ``"expired_token"`` → 403 ``Unauthorized`` and the access token really stops working;
  ``"truncated_gzip"`` (getReportDocument) → the next download of that document is cut short;
  ``"fatal_report"`` (createReport) → that report ends ``FATAL``.
  ``DELETE /_sim/faults`` clears the queue.
- ``GET /_sim/appstore/start?selling_partner_id=..&login_uri=..`` — starts the Appstore flow:
  302 to ``login_uri`` with ``amazon_callback_uri``, ``amazon_state``, ``selling_partner_id``
  (and ``version=beta`` for a draft app), as Seller Central does (SPAPI-NOTES §2).
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from .consent import add_query, demo_seller_id
from .spapi import sim_state
from .state import Fault
from .usage_plans import PLANS

router = APIRouter(prefix="/_sim", tags=["simulator"])


class FaultSpec(BaseModel):
    operation: str
    kind: Literal[
        "status",
        "throttled",
        "timeout",
        "malformed_json",
        "expired_token",
        "truncated_gzip",
        "fatal_report",
    ]
    count: int = Field(default=1, ge=1, le=1000)
    status: Literal[500, 503] = 500
    seconds: float = Field(default=0.0, ge=0, le=600)
    selling_partner_id: str | None = None


@router.post("/sellers/{selling_partner_id}/revoke")
async def revoke_seller(request: Request, selling_partner_id: str) -> dict[str, Any]:
    revoked = sim_state(request).revoke_seller(selling_partner_id)
    return {"selling_partner_id": selling_partner_id, "revoked_refresh_tokens": revoked}


@router.post("/sellers/{selling_partner_id}/reprice")
async def reprice_seller(request: Request, selling_partner_id: str) -> dict[str, Any]:
    revisions = sim_state(request).price_revisions
    revisions[selling_partner_id] += 1
    return {"selling_partner_id": selling_partner_id, "revision": revisions[selling_partner_id]}


class LanguageSpec(BaseModel):
    language: str


@router.put("/sellers/{selling_partner_id}/language")
async def set_seller_language(
    request: Request, selling_partner_id: str, spec: LanguageSpec
) -> dict[str, Any]:
    try:
        sim_state(request).set_language(selling_partner_id, spec.language)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    return {"selling_partner_id": selling_partner_id, "language": spec.language}


class FulfillmentSpec(BaseModel):
    fba: bool


@router.put("/sellers/{selling_partner_id}/fulfillment")
async def set_seller_fulfillment(
    request: Request, selling_partner_id: str, spec: FulfillmentSpec
) -> dict[str, Any]:
    mfn_only = sim_state(request).mfn_only
    if spec.fba:
        mfn_only.discard(selling_partner_id)
    else:
        mfn_only.add(selling_partner_id)
    return {"selling_partner_id": selling_partner_id, "fba": spec.fba}


@router.get("/issued-secrets")
async def issued_secrets(request: Request) -> dict[str, list[str]]:
    """Every code, access token and refresh token this process issued, and the client secret:
    what a test scans our database, logs and folders for. A test double only."""
    state = sim_state(request)
    return {
        "authorization_codes": list(state.codes),
        "access_tokens": list(state.access_tokens),
        "refresh_tokens": list(state.issued_refresh_tokens),
        "client_secrets": [state.config.client_secret],
    }


@router.get("/calls")
async def get_calls(request: Request) -> dict[str, Any]:
    return sim_state(request).calls_snapshot()


@router.post("/reset-calls")
async def reset_calls(request: Request) -> dict[str, Any]:
    state = sim_state(request)
    state.reset_calls()
    state.usage_plans.reset()
    return {"ok": True}


@router.post("/faults")
async def add_faults(request: Request, spec: FaultSpec) -> dict[str, Any]:
    if spec.operation not in PLANS:
        raise HTTPException(400, f"Unknown operation {spec.operation!r}; known: {sorted(PLANS)}")
    state = sim_state(request)
    for _ in range(spec.count):
        state.faults[spec.operation].append(
            Fault(spec.kind, spec.status, spec.seconds, spec.selling_partner_id)
        )
    return {"operation": spec.operation, "queued": len(state.faults[spec.operation])}


@router.delete("/faults")
async def clear_faults(request: Request) -> dict[str, Any]:
    sim_state(request).faults.clear()
    return {"ok": True}


@router.get("/appstore/start")
async def appstore_start(
    request: Request, login_uri: str, selling_partner_id: str | None = None
) -> RedirectResponse:
    state = sim_state(request)
    if urlsplit(login_uri).scheme not in ("http", "https"):
        raise HTTPException(400, "login_uri must be an http(s) URL")
    seller = selling_partner_id or demo_seller_id(state.config.seed)
    cfg = state.config
    params = {
        "amazon_callback_uri": f"{cfg.base_url.rstrip('/')}/apps/authorize/confirm/"
        f"{cfg.application_id}",
        "amazon_state": state.new_amazon_state(seller),
        "selling_partner_id": seller,
    }
    if cfg.draft_app:
        params["version"] = "beta"
    return RedirectResponse(add_query(login_uri, params), status_code=302)
