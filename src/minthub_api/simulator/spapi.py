"""What every simulated SP-API operation does before its own logic.

Order, as at Amazon's gateway: authenticate the ``x-amz-access-token`` (403), apply queued test
faults, charge the usage plan (429), then the operation validates its input (400). The
``x-amzn-RequestId`` / ``x-amzn-RateLimit-Limit`` headers and call counting live in the app's
middleware, which reads ``scope["state"]["sim_operation"|"sim_seller"]`` set here.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from .errors import (
    RawResponse,
    internal_failure,
    missing_token,
    quota_exceeded,
    unauthorized,
)
from .state import Fault, SimState


@dataclass(frozen=True)
class Caller:
    state: SimState
    selling_partner_id: str
    operation: str
    # A queued fault the operation itself applies (truncated_gzip, fatal_report), else None.
    fault: Fault | None = None


def sim_state(request: Request) -> SimState:
    state: SimState = request.app.state.sim
    return state


async def begin(request: Request, operation: str) -> Caller:
    """Authenticate, apply faults and throttle; raises SpApiError / RawResponse."""
    state = sim_state(request)
    request.state.sim_operation = operation
    token = request.headers.get("x-amz-access-token")
    if not token:
        raise missing_token()
    grant = state.access_grant(token)
    if grant is None or grant.selling_partner_id is None:
        # Grantless (client_credentials) tokens can't call seller operations either.
        raise unauthorized()
    seller = grant.selling_partner_id
    request.state.sim_seller = seller

    fault = state.take_fault(operation, seller)
    if fault is not None:
        if fault.kind == "status":
            raise internal_failure(fault.status)
        if fault.kind == "throttled":  # as if another client had emptied the seller's bucket
            raise quota_exceeded()
        if fault.kind == "expired_token":
            grant.expired = True  # the client must refresh, as with a real expiry
            raise unauthorized()
        if fault.kind == "malformed_json":
            raise RawResponse(
                Response(
                    '{"payload": {"granularity": {"granularityType": "Mark',
                    status_code=200,
                    media_type="application/json",
                )
            )
        if fault.kind == "timeout":
            await asyncio.sleep(fault.seconds)

    if not state.usage_plans.allow(seller, operation, state.now()):
        raise quota_exceeded()
    passed = (
        fault if fault is not None and fault.kind in ("truncated_gzip", "fatal_report") else None
    )
    return Caller(state, seller, operation, passed)
