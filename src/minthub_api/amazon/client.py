"""The SP-API HTTP client: auth header, pacing, retries and typed errors.

Conventions in ../shared/SPAPI-NOTES.md §6 (headers, error body, 429s, encoding) and §9 (pitfalls).
One `SpApiClient` per process shares the httpx client, the token cache and the rate limiter;
`for_store()` gives a `StoreApi` bound to one store's credentials. Tokens appear only in the
`x-amz-access-token` header: never in logs, hooks or exception messages.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from minthub_api.amazon import pii
from minthub_api.amazon import roles as roles_mod
from minthub_api.amazon._retry import Sleep, full_jitter, parse_retry_after
from minthub_api.amazon.auth import AccessTokenCache
from minthub_api.amazon.encoding import MAX_USER_AGENT_LENGTH, encode_query
from minthub_api.amazon.encoding import build_user_agent as build_user_agent  # re-export
from minthub_api.amazon.errors import AmazonUnavailable, SpApiServerError, sp_api_error_for
from minthub_api.amazon.lwa import AccessToken, LwaClient
from minthub_api.amazon.regions import Region
from minthub_api.amazon.scheduling import FairScheduler, Priority
from minthub_api.amazon.throttle import RateLimiter, usage_plan

log = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class SpApiCall:
    """One HTTP attempt to SP-API, passed to the `on_call` hook (429s and retries included)."""

    operation: str
    method: str
    path: str  # without the query string
    status_code: int | None  # None when no response arrived (connection error, timeout)
    request_id: str | None
    duration_ms: float
    error_code: str | None  # Amazon's first error code, or the network error's class name
    marketplace_ids: tuple[str, ...] = ()  # the marketplaces the call asked about
    records: int | None = None  # records in a 2xx answer (list length; 1 for one resource)


CallHook = Callable[[SpApiCall], Awaitable[None]]
# Called with the exception when refreshing the store's access token at LWA fails (the caller
# that ran the refresh reports it; callers waiting on the same refresh share it silently).
RefreshFailedHook = Callable[[Exception], Awaitable[None]]


@dataclass(frozen=True)
class StoreCredentials:
    key: str  # token-cache key (the store id)
    selling_partner_id: str
    region: Region
    # Decrypts on demand; the refresh token is never kept on the client.
    load_refresh_token: Callable[[], Awaitable[str]]
    # Awaited right before every HTTP attempt (after the rate-limit wait): raises to stop, e.g.
    # when another process revoked the store while this one waited. None: no check.
    before_send: Callable[[], Awaitable[None]] | None = None


@dataclass(frozen=True)
class SpApiResponse:
    status_code: int
    body: Any
    request_id: str | None
    rate_limit: float | None  # x-amzn-RateLimit-Limit, when Amazon sent it


def _utcnow() -> datetime:
    return datetime.now(UTC)


_MALFORMED = object()  # a body that isn't JSON


def _json_body(resp: httpx.Response) -> Any:
    if not resp.content:
        return None
    try:
        return resp.json()
    except ValueError:
        return _MALFORMED


def _error_list(body: Any) -> list[dict[str, Any]]:
    errors = body.get("errors") if isinstance(body, Mapping) else None
    if not isinstance(errors, list):
        return []
    return [dict(e) for e in errors if isinstance(e, Mapping)]


def _parse_rate(value: str | None) -> float | None:
    try:
        rate = float(value) if value else None
    except ValueError:
        return None
    return rate if rate is not None and math.isfinite(rate) and rate > 0 else None


def _marketplace_ids(params: Mapping[str, Any] | None) -> tuple[str, ...]:
    value = (params or {}).get("marketplaceIds") or (params or {}).get("marketplaceId")
    if isinstance(value, str):
        return tuple(v for v in value.split(",") if v)
    if isinstance(value, Sequence):
        return tuple(str(v) for v in value)
    return ()


def _record_count(body: Any) -> int | None:
    """How many records a successful answer carries: the first list in the payload (e.g.
    `payload.inventorySummaries`, `orders`), or 1 for a single resource (e.g. `order`)."""
    if isinstance(body, list):
        return len(body)
    if not isinstance(body, Mapping):
        return None
    payload = body.get("payload", body)
    if isinstance(payload, list):
        return len(payload)
    if isinstance(payload, Mapping):
        for value in payload.values():
            if isinstance(value, list):
                return len(value)
        return 1 if payload else 0
    return None


def _token_rejected(errors: Sequence[Mapping[str, Any]]) -> bool:
    """True when a 401/403 blames the access token itself, so a fresh token may fix it.

    Amazon says e.g. "The access token you provided has expired." or "... is revoked, malformed
    or invalid." in `details`. A bare "Access to requested resource is denied." (missing role,
    wrong region) is not fixed by refreshing.
    """
    for e in errors:
        text = f"{e.get('message', '')} {e.get('details', '')}".lower()
        if "token" in text and any(w in text for w in ("expired", "invalid", "malformed")):
            return True
        if str(e.get("code", "")).lower() in {"invalidaccesstoken", "expiredaccesstoken"}:
            return True
    return False


class SpApiClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        lwa: LwaClient,
        *,
        token_cache: AccessTokenCache,
        rate_limiter: RateLimiter,
        user_agent: str,
        endpoint_override: str | None = None,
        sandbox: bool = False,
        max_retries: int = 4,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], datetime] = _utcnow,
        timer: Callable[[], float] = time.perf_counter,
        rand: Callable[[], float] = random.random,
        roles: Iterable[str] | None = None,
        scheduler: FairScheduler | None = None,
    ) -> None:
        if not user_agent or len(user_agent) > MAX_USER_AGENT_LENGTH:
            raise ValueError("user_agent must be 1-500 characters (use build_user_agent)")
        self._http = http
        self._lwa = lwa
        self._token_cache = token_cache
        self._limiter = rate_limiter
        self._user_agent = user_agent
        self._endpoint_override = endpoint_override.rstrip("/") if endpoint_override else None
        self._sandbox = sandbox
        self._max_retries = max_retries
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._sleep = sleep
        self._clock = clock
        self._timer = timer
        self._rand = rand
        # The SP-API roles declared for this application (MINTHUB_SPAPI_ROLES).
        self.roles = roles_mod.DEFAULT_ROLES if roles is None else roles_mod.parse_roles(roles)
        self._scheduler = scheduler or FairScheduler()

    @property
    def http(self) -> httpx.AsyncClient:
        return self._http

    @property
    def scheduler(self) -> FairScheduler:
        return self._scheduler

    @property
    def rate_limiter(self) -> RateLimiter:
        return self._limiter

    def __repr__(self) -> str:
        return f"SpApiClient(sandbox={self._sandbox!r}, override={self._endpoint_override!r})"

    def base_url(self, region: Region) -> str:
        if self._endpoint_override:
            return self._endpoint_override
        return region.sandbox_endpoint if self._sandbox else region.endpoint

    def for_store(
        self,
        credentials: StoreCredentials,
        *,
        on_call: CallHook | None = None,
        on_refresh_failed: RefreshFailedHook | None = None,
        priority: Priority = Priority.interactive,
    ) -> StoreApi:
        """`priority`: `interactive` for a person waiting, `background` for syncs."""
        return StoreApi(self, credentials, on_call, on_refresh_failed, priority)

    def _backoff(self, attempt: int) -> float:
        return full_jitter(attempt, base=self._backoff_base, cap=self._backoff_cap, rand=self._rand)


class StoreApi:
    """SP-API access for one store. Services get one of these and never see a token."""

    def __init__(
        self,
        client: SpApiClient,
        credentials: StoreCredentials,
        on_call: CallHook | None,
        on_refresh_failed: RefreshFailedHook | None = None,
        priority: Priority = Priority.interactive,
    ) -> None:
        self._client = client
        self._credentials = credentials
        self._on_call = on_call
        self._on_refresh_failed = on_refresh_failed
        self.priority = priority

    @property
    def client(self) -> SpApiClient:
        return self._client

    def check_report_type(self, report_type: str) -> None:
        """Raise RoleNotEnabled unless a declared role grants `report_type` (no request)."""
        roles_mod.check(
            f"report type {report_type}",
            roles_mod.roles_for_report_type(report_type),
            self._client.roles,
        )

    def __repr__(self) -> str:
        c = self._credentials
        return f"StoreApi(key={c.key!r}, region={c.region.value!r})"

    @property
    def selling_partner_id(self) -> str:
        return self._credentials.selling_partner_id

    @property
    def region(self) -> Region:
        return self._credentials.region

    async def _access_token(self) -> AccessToken:
        creds, lwa = self._credentials, self._client._lwa

        async def refresher() -> AccessToken:
            refresh_token = await creds.load_refresh_token()
            try:
                return await lwa.refresh(refresh_token)
            except Exception as exc:
                await self._emit_refresh_failed(exc)
                raise

        return await self._client._token_cache.get(creds.key, refresher)

    async def _emit(self, call: SpApiCall) -> None:
        if self._on_call is None:
            return
        try:
            await self._on_call(call)
        except Exception:
            # Recording a call must never break the call itself.
            log.warning("amazon.sp_api.on_call_failed operation=%s", call.operation, exc_info=True)

    async def _emit_refresh_failed(self, exc: Exception) -> None:
        if self._on_refresh_failed is None:
            return
        try:
            await self._on_refresh_failed(exc)
        except Exception:
            log.warning("amazon.lwa.on_refresh_failed_failed", exc_info=True)

    async def request(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> SpApiResponse:
        """Send one SP-API operation with pacing, retries and token refresh.

        `path` must already have its segments encoded (`encode_path_segment`). Raises
        SpApiThrottled / SpApiServerError after `max_retries` retries, SpApiUnauthorized,
        SpApiNotFound, SpApiBadRequest at once, AmazonUnavailable on network failure after
        retries, LwaError subclasses from the token refresh, PiiRequestRefused for PII requests.
        """
        c, creds = self._client, self._credentials
        roles_mod.check(operation, roles_mod.roles_for_operation(operation), c.roles)
        pii.check_request(path, params)
        method = method.upper()
        query = encode_query(params)
        url = c.base_url(creds.region) + path + (f"?{query}" if query else "")
        key = (creds.selling_partner_id, creds.region.value, operation)
        marketplaces = _marketplace_ids(params)
        rate, burst = usage_plan(operation)
        attempt, reauthorized = 0, False
        while True:
            token = await self._access_token()
            await c._limiter.acquire(key, rate=rate, burst=burst)
            headers = {
                "x-amz-access-token": token.value,
                "x-amz-date": c._clock().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"),
                "user-agent": c._user_agent,
                "accept": "application/json",
            }
            started = c._timer()
            resp: httpx.Response | None = None
            network_error = ""
            try:
                async with c._scheduler.slot(creds.key, self.priority):
                    if creds.before_send is not None:
                        await creds.before_send()
                    resp = await c._http.request(method, url, headers=headers, json=json)
            except httpx.TransportError as exc:
                network_error = type(exc).__name__
            if resp is None:
                ms = (c._timer() - started) * 1000
                await self._emit(
                    SpApiCall(operation, method, path, None, None, ms, network_error, marketplaces)
                )
                if attempt >= c._max_retries:
                    # Raised outside the `except` so the httpx exception, which holds the
                    # request and its token header, is not chained as __context__.
                    raise AmazonUnavailable(
                        f"SP-API {operation} unreachable after {attempt + 1} attempts "
                        f"({network_error})",
                        operation=operation,
                        attempts=attempt + 1,
                    )
                attempt += 1
                await c._sleep(c._backoff(attempt))
                continue

            ms = (c._timer() - started) * 1000
            status, request_id = resp.status_code, resp.headers.get("x-amzn-RequestId")
            rate_limit = _parse_rate(resp.headers.get("x-amzn-RateLimit-Limit"))
            if rate_limit is not None:
                await c._limiter.update_rate(key, rate_limit)
            body = _json_body(resp)
            malformed = body is _MALFORMED
            if malformed:
                body = None
            errors = _error_list(body) if status >= 400 else []
            code = str(errors[0].get("code")) if errors and errors[0].get("code") else None
            if malformed and status < 300:
                code = "MalformedResponse"
            records = _record_count(body) if 200 <= status < 300 and not malformed else 0
            await self._emit(
                SpApiCall(
                    operation, method, path, status, request_id, ms, code, marketplaces, records
                )
            )

            if 200 <= status < 300 and not malformed:
                return SpApiResponse(status, body, request_id, rate_limit)
            if 200 <= status < 300:
                # A success whose body isn't JSON (cut off by a proxy or Amazon's edge): the data
                # is unusable, but a retry usually gets a whole answer.
                errors = [
                    {
                        "code": "MalformedResponse",
                        "message": "Amazon's response body is not valid JSON.",
                    }
                ]
                if attempt < c._max_retries:
                    attempt += 1
                    await c._sleep(c._backoff(attempt))
                    continue
                raise SpApiServerError(
                    f"SP-API {operation} answered HTTP {status} with a malformed body "
                    f"after {attempt + 1} attempts",
                    status_code=status,
                    errors=errors,
                    request_id=request_id,
                    operation=operation,
                )
            if status in (401, 403) and not reauthorized and _token_rejected(errors):
                # Our cached token was refused: drop it (unless another request already did),
                # refresh once and retry once. This retry doesn't count against max_retries.
                reauthorized = True
                c._token_cache.evict(creds.key, only_if=token)
                continue
            retry_after = parse_retry_after(resp.headers.get("retry-after"))
            if (
                status in RETRYABLE_STATUSES
                and attempt < c._max_retries
                # A wait longer than our cap is the caller's decision (SpApiThrottled.retry_after).
                and (retry_after is None or retry_after <= c._backoff_cap)
            ):
                attempt += 1
                await c._sleep(retry_after if retry_after is not None else c._backoff(attempt))
                continue
            raise sp_api_error_for(
                status,
                errors=errors,
                request_id=request_id,
                operation=operation,
                retry_after=retry_after,
            )
