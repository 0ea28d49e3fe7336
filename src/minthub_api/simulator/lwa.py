"""Login with Amazon token endpoint: ``POST /auth/o2/token`` (SPAPI-NOTES §1.3).

Grants: authorization_code (single use, 5 minutes, bound to the consent's redirect_uri and the
client), refresh_token (returns the same refresh token; fails once the seller revoked the app) and
client_credentials (grantless; useless for seller operations). Bodies may be form-urlencoded or
JSON, as Amazon accepts both.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .spapi import sim_state
from .state import ACCESS_TOKEN_TTL, SimState

router = APIRouter()

_REQUIRED = {
    "authorization_code": ("code", "redirect_uri", "client_id", "client_secret"),
    "refresh_token": ("refresh_token", "client_id", "client_secret"),
    "client_credentials": ("scope", "client_id", "client_secret"),
}
_CODE = "The request has an invalid grant parameter : code"
_REFRESH = ("The request has an invalid grant parameter : refresh_token. "
            "User may have revoked or didn't grant the permission.")


def _error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status,
                        headers={"Cache-Control": "no-store"})


def _tokens(access: str, refresh: str | None) -> JSONResponse:
    body: dict[str, Any] = {"access_token": access}
    if refresh is not None:
        body["refresh_token"] = refresh
    body.update({"token_type": "bearer", "expires_in": ACCESS_TOKEN_TTL})
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


async def _fields(request: Request) -> dict[str, str] | None:
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = json.loads(await request.body())
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        return {str(k): str(v) for k, v in data.items() if v is not None}
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _client_ok(state: SimState, fields: dict[str, str]) -> bool:
    cfg = state.config
    # compare_digest: don't leak the secret through timing, even in a simulator.
    return (hmac.compare_digest(fields["client_id"].encode(), cfg.client_id.encode())
            and hmac.compare_digest(fields["client_secret"].encode(), cfg.client_secret.encode()))


@router.post("/auth/o2/token")
async def token(request: Request) -> JSONResponse:
    """The LWA token endpoint; counts successful grants per type and errors per code."""
    state = sim_state(request)
    response = await _grant(state, request)
    if response.status_code != 200:
        state.lwa_errors[json.loads(bytes(response.body))["error"]] += 1
    return response


async def _grant(state: SimState, request: Request) -> JSONResponse:
    fields = await _fields(request)
    if fields is None:
        return _error(400, "invalid_request", "The request body is not valid JSON.")
    grant_type = fields.get("grant_type", "")
    if not grant_type:
        return _error(400, "invalid_request",
                      "The request is missing a required parameter : grant_type")
    if grant_type not in _REQUIRED:
        return _error(400, "unsupported_grant_type",
                      f"The authorization grant type is not supported : {grant_type}")
    for name in _REQUIRED[grant_type]:
        if not fields.get(name):
            return _error(400, "invalid_request",
                          f"The request is missing a required parameter : {name}")
    if not _client_ok(state, fields):
        return _error(401, "invalid_client", "Client authentication failed")

    if grant_type == "authorization_code":
        code = state.codes.get(fields["code"])
        if (code is None or code.used or code.expires_at <= state.now()
                or code.redirect_uri != fields["redirect_uri"]
                or code.client_id != fields["client_id"]):
            return _error(400, "invalid_grant", _CODE)
        code.used = True
        access, refresh = state.issue_tokens(code.selling_partner_id)
    elif grant_type == "refresh_token":
        grant = state.refresh_tokens.get(fields["refresh_token"])
        if grant is None or grant.revoked:
            return _error(400, "invalid_grant", _REFRESH)
        access, refresh = state.issue_tokens(grant.selling_partner_id, fields["refresh_token"])
    else:
        # Grantless scopes (SPAPI-NOTES §1.3); there is no refresh token for this grant.
        access, refresh = state.issue_tokens(None, scope=fields["scope"])
    state.lwa_grants[grant_type] += 1
    return _tokens(access, refresh)
