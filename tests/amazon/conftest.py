"""Fixtures for the SP-API client tests: respx at the transport seam, fake time, model examples.

Payloads come from the sandbox examples in Amazon's models (../shared/spapi-models, or
$MINTHUB_SPAPI_MODELS_DIR); nothing here reaches the network or really sleeps.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
import respx

from minthub_api.amazon import (
    LWA_TOKEN_URL,
    AccessTokenCache,
    InMemoryRateLimiter,
    LwaClient,
    Region,
    SpApiCall,
    SpApiClient,
    StoreApi,
    StoreCredentials,
    build_user_agent,
)
from tests.support.spapi_models import find_operation, validate_request, validate_response

REPO_ROOT = Path(__file__).resolve().parents[2]
NA = Region.NA.endpoint
NA_HOST = "sellingpartnerapi-na.amazon.com"
CLIENT_ID = "amzn1.application-oa2-client.testclient"
CLIENT_SECRET = "amzn1.oa2-cs.v1.s3cr3t+client/secret=="
REFRESH_TOKEN = "Atzr|IwEBIRefresh+Token/With=Specials=="
SELLER_ID = "A3FHEXAMPLEYWS"


def models_dir() -> Path:
    override = os.environ.get("MINTHUB_SPAPI_MODELS_DIR")
    return Path(override) if override else REPO_ROOT.parent / "shared" / "spapi-models"


@cache
def load_model(file_name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((models_dir() / file_name).read_text(encoding="utf-8"))
    return data


def sandbox_examples(file_name: str, operation_id: str, status: str) -> list[dict[str, Any]]:
    """The model's static sandbox examples: [{"request": {"parameters": ...}, "response": ...}]."""
    for path_item in load_model(file_name)["paths"].values():
        for op in path_item.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                sandbox = op["responses"][status].get("x-amzn-api-sandbox", {})
                return list(sandbox.get("static", []))
    raise KeyError(operation_id)


def access_token(n: int) -> str:
    # Real access tokens contain + / = too; they must never be mangled or leaked.
    return f"Atza|IwEBAccess{n}+tok/en=="


def lwa_ok(n: int, *, expires_in: int = 3600) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "access_token": access_token(n),
            "refresh_token": REFRESH_TOKEN,
            "token_type": "bearer",
            "expires_in": expires_in,
        },
    )


@dataclass
class FakeTime:
    """Monotonic + wall clock that only move when someone sleeps."""

    monotonic: float = 1000.0
    wall: datetime = field(default_factory=lambda: datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    sleeps: list[float] = field(default_factory=list)

    def now(self) -> datetime:
        return self.wall

    def mono(self) -> float:
        return self.monotonic

    def advance(self, seconds: float) -> None:
        self.monotonic += seconds
        self.wall += timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)
        await asyncio.sleep(0)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as r:
        yield r


@pytest.fixture
def lwa_route(router: respx.MockRouter) -> respx.Route:
    """LWA answering with access tokens 1, 2, 3 ... on each refresh."""
    counter = iter(range(1, 1000))
    return router.post(LWA_TOKEN_URL).mock(side_effect=lambda request: lwa_ok(next(counter)))


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def lwa(http: httpx.AsyncClient, fake_time: FakeTime) -> LwaClient:
    return LwaClient(
        http,
        token_url=LWA_TOKEN_URL,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        sleep=fake_time.sleep,
        clock=fake_time.now,
        rand=lambda: 0.5,
    )


@pytest.fixture
def token_cache(fake_time: FakeTime) -> AccessTokenCache:
    return AccessTokenCache(clock=fake_time.now)


@pytest.fixture
def limiter(fake_time: FakeTime) -> InMemoryRateLimiter:
    return InMemoryRateLimiter(clock=fake_time.mono, sleep=fake_time.sleep)


def make_client(
    http: httpx.AsyncClient,
    lwa: LwaClient,
    token_cache: AccessTokenCache,
    limiter: InMemoryRateLimiter,
    fake_time: FakeTime,
    **kw: Any,
) -> SpApiClient:
    return SpApiClient(
        http,
        lwa,
        token_cache=token_cache,
        rate_limiter=limiter,
        user_agent=build_user_agent("MintHubOperations", "0.1.0"),
        sleep=fake_time.sleep,
        clock=fake_time.now,
        rand=lambda: 0.5,
        **kw,
    )


@pytest.fixture
def sp_client(
    http: httpx.AsyncClient,
    lwa: LwaClient,
    token_cache: AccessTokenCache,
    limiter: InMemoryRateLimiter,
    fake_time: FakeTime,
) -> SpApiClient:
    return make_client(http, lwa, token_cache, limiter, fake_time)


@dataclass
class Calls:
    records: list[SpApiCall] = field(default_factory=list)

    async def hook(self, call: SpApiCall) -> None:
        self.records.append(call)


@pytest.fixture
def calls() -> Calls:
    return Calls()


def credentials(key: str = "store-1", region: Region = Region.NA) -> StoreCredentials:
    async def load_refresh_token() -> str:
        return REFRESH_TOKEN

    return StoreCredentials(
        key=key, selling_partner_id=SELLER_ID, region=region, load_refresh_token=load_refresh_token
    )


@pytest.fixture
def api(sp_client: SpApiClient, calls: Calls, lwa_route: respx.Route) -> StoreApi:
    return sp_client.for_store(credentials(), on_call=calls.hook)


# --- a fake SP-API at the transport seam, checking every request against Amazon's model ------
def wire_query(request: httpx.Request) -> dict[str, str | list[str]]:
    """Decoded query values as sent (arrays stay one comma-separated string)."""
    out: dict[str, str | list[str]] = {}
    for pair in request.url.query.decode("ascii").split("&") if request.url.query else []:
        raw_name, _, raw_value = pair.partition("=")
        name, value = unquote(raw_name, errors="strict"), unquote(raw_value, errors="strict")
        if name in out:
            previous = out[name]
            out[name] = [*(previous if isinstance(previous, list) else [previous]), value]
        else:
            out[name] = value
    return out


def raw_path(request: httpx.Request) -> str:
    return request.url.raw_path.split(b"?", 1)[0].decode("ascii")


def sp_response(
    status: int = 200,
    body: Any = None,
    *,
    request_id: str | None = "rid-1",
    rate_limit: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    all_headers = dict(headers or {})
    if request_id:
        all_headers["x-amzn-RequestId"] = request_id
    if rate_limit:
        all_headers["x-amzn-RateLimit-Limit"] = rate_limit
    return httpx.Response(status, json=body, headers=all_headers)


THROTTLED = {"errors": [{"code": "QuotaExceeded", "message": "You exceeded your quota for the "
                         "requested resource.", "details": ""}]}
EXPIRED = {"errors": [{"code": "Unauthorized", "message": "Access to requested resource is "
                       "denied.", "details": "The access token you provided has expired."}]}
DENIED = {"errors": [{"code": "Unauthorized", "message": "Access to requested resource is "
                      "denied.", "details": ""}]}

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


@dataclass
class FakeOperation:
    operation_id: str
    replies: list[Reply]
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        validate_request(self.operation_id, request.method, raw_path(request),
                         wire_query(request), body)
        self.requests.append(request)
        reply = self.replies[min(len(self.requests), len(self.replies)) - 1]
        if isinstance(reply, Exception):
            raise reply
        response = reply if isinstance(reply, httpx.Response) else reply(request)
        declared = find_operation(self.operation_id)[3]["responses"]
        # Gateway statuses (502, 504) aren't in the models; everything else must match them.
        if response.content and str(response.status_code) in declared:
            validate_response(self.operation_id, response.status_code, response.json())
        return response

    @property
    def queries(self) -> list[dict[str, str | list[str]]]:
        return [wire_query(r) for r in self.requests]


def serve(router: respx.MockRouter, operation_id: str, *replies: Reply,
          host: str = NA_HOST) -> FakeOperation:
    """Answer `operation_id` with `replies` in order (the last one repeats)."""
    _spec, template, method, _op = find_operation(operation_id)
    fake = FakeOperation(operation_id, list(replies) or [sp_response(200, {})])
    # respx matches the decoded path, where an encoded "/" in a parameter is a "/" again;
    # `validate_request` then checks the raw path segment by segment.
    pattern = "^" + re.sub(r"\\{[^}]+\\}", ".+", re.escape(template)) + "$"
    router.route(method=method.upper(), host=host, path__regex=pattern).mock(side_effect=fake)
    return fake
