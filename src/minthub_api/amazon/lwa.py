"""Login with Amazon (LWA) token endpoint: code exchange and access-token refresh.

Contract in ../shared/SPAPI-NOTES.md §1.3: form-urlencoded POST to one global URL; errors are
`{"error", "error_description"}` and we branch on `error`, not on the HTTP status. Only
`server_error` / `temporarily_unavailable` (and 5xx / network failures) are worth retrying.
The pure `build_*` / `parse_token_response` functions hold the protocol; `LwaClient` adds I/O.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from minthub_api.amazon._retry import Sleep, full_jitter, parse_retry_after
from minthub_api.amazon.errors import (
    LwaError,
    LwaInvalidClient,
    LwaInvalidGrant,
    LwaTemporaryError,
)
from minthub_api.amazon.regions import LWA_TOKEN_URL

_RETRYABLE_ERRORS = frozenset({"server_error", "temporarily_unavailable"})
_CLIENT_ERRORS = frozenset({"invalid_client", "unauthorized_client"})
# Failures where the request never reached LWA, so even a single-use code can be resent.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_FORM_CONTENT_TYPE = "application/x-www-form-urlencoded;charset=UTF-8"


@dataclass(frozen=True, repr=False)
class LwaTokens:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str

    def __repr__(self) -> str:
        return (
            f"LwaTokens(access_token='***', refresh_token='***', "
            f"expires_in={self.expires_in!r}, token_type={self.token_type!r})"
        )


@dataclass(frozen=True, repr=False)
class AccessToken:
    value: str
    expires_at: datetime  # timezone-aware UTC

    def __repr__(self) -> str:
        return f"AccessToken(value='***', expires_at={self.expires_at.isoformat()!r})"


def build_code_exchange_form(
    *, code: str, redirect_uri: str, client_id: str, client_secret: str
) -> dict[str, str]:
    return {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": client_id,
        "client_secret": client_secret,
    }


def build_refresh_form(
    *, refresh_token: str, client_id: str, client_secret: str
) -> dict[str, str]:
    return {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": client_id,
        "client_secret": client_secret,
    }


def parse_token_response(
    status: int,
    body: Any,
    *,
    grant_type: str = "token",
    sent_refresh_token: str | None = None,
) -> LwaTokens:
    """Turn an LWA response into tokens, or raise the matching `LwaError` subclass.

    A refresh response may echo the refresh token or omit it; `sent_refresh_token` fills the gap.
    """
    data: Mapping[str, Any] = body if isinstance(body, Mapping) else {}
    if 200 <= status < 300 and isinstance(data.get("access_token"), str):
        refresh_token = data.get("refresh_token") or sent_refresh_token
        expires_in = data.get("expires_in", 3600)
        if not isinstance(refresh_token, str) or not refresh_token:
            raise LwaError(f"LWA {grant_type} response has no refresh_token", status_code=status)
        if isinstance(expires_in, bool) or not isinstance(expires_in, int | str):
            raise LwaError(f"LWA {grant_type} response has a bad expires_in", status_code=status)
        try:
            seconds = int(expires_in)
        except ValueError:
            raise LwaError(
                f"LWA {grant_type} response has a bad expires_in", status_code=status
            ) from None
        return LwaTokens(
            access_token=data["access_token"],
            refresh_token=refresh_token,
            expires_in=seconds,
            token_type=str(data.get("token_type", "bearer")),
        )

    error = data.get("error") if isinstance(data.get("error"), str) else None
    description = data.get("error_description")
    description = description if isinstance(description, str) else None
    message = f"LWA {grant_type} request failed: {error or 'no error code'} (HTTP {status})"
    kw: dict[str, Any] = {"error": error, "status_code": status, "description": description}
    if error == "invalid_grant":
        raise LwaInvalidGrant(message, **kw)
    if error in _CLIENT_ERRORS or (error is None and status == 401):
        raise LwaInvalidClient(message, **kw)
    if error in _RETRYABLE_ERRORS or status >= 500 or status == 429:
        raise LwaTemporaryError(message, **kw)
    raise LwaError(message, **kw)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class LwaClient:
    """Async client for the LWA token endpoint; holds the app credentials, never store tokens."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        token_url: str = LWA_TOKEN_URL,
        client_id: str,
        client_secret: str,
        max_retries: int = 3,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], datetime] = _utcnow,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self._http = http
        self._token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._max_retries = max_retries
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._sleep = sleep
        self._clock = clock
        self._rand = rand

    def __repr__(self) -> str:
        return f"LwaClient(token_url={self._token_url!r}, client_id={self._client_id!r})"

    async def exchange_code(self, code: str, redirect_uri: str) -> LwaTokens:
        """Exchange a `spapi_oauth_code` (valid 5 min, single use) for tokens.

        Raises LwaInvalidGrant (code bad/used/expired or redirect mismatch), LwaInvalidClient,
        LwaTemporaryError, LwaError.
        """
        form = build_code_exchange_form(
            code=code,
            redirect_uri=redirect_uri,
            client_id=self._client_id,
            client_secret=self._client_secret,
        )
        # A single-use code must not be resent if LWA may already have consumed it.
        tokens, _ = await self._request(form, grant_type="authorization_code", idempotent=False)
        return tokens

    async def refresh(self, refresh_token: str) -> AccessToken:
        """Get a fresh access token. LwaInvalidGrant means the store's authorization is gone."""
        form = build_refresh_form(
            refresh_token=refresh_token,
            client_id=self._client_id,
            client_secret=self._client_secret,
        )
        tokens, started = await self._request(
            form, grant_type="refresh_token", idempotent=True, sent_refresh_token=refresh_token
        )
        # Count the lifetime from before the request left, so we never overestimate it.
        return AccessToken(tokens.access_token, started + timedelta(seconds=tokens.expires_in))

    async def _request(
        self,
        form: dict[str, str],
        *,
        grant_type: str,
        idempotent: bool,
        sent_refresh_token: str | None = None,
    ) -> tuple[LwaTokens, datetime]:
        attempt = 0
        while True:
            started = self._clock()
            retry_after: float | None = None
            resp: httpx.Response | None = None
            network_error, resendable = "", idempotent
            try:
                resp = await self._http.post(
                    self._token_url,
                    data=form,
                    headers={"content-type": _FORM_CONTENT_TYPE, "accept": "application/json"},
                )
            except httpx.TransportError as exc:
                network_error = type(exc).__name__
                resendable = idempotent or isinstance(exc, _NOT_SENT)
            if resp is None:
                # Raised outside the `except`: the httpx exception (which carries our form with
                # the client secret) must not ride along as __context__.
                failure = LwaTemporaryError(f"LWA token endpoint unreachable ({network_error})")
                if not resendable:
                    raise failure
            else:
                try:
                    body = resp.json() if resp.content else None
                except ValueError:
                    body = None
                try:
                    tokens = parse_token_response(
                        resp.status_code,
                        body,
                        grant_type=grant_type,
                        sent_refresh_token=sent_refresh_token,
                    )
                    return tokens, started
                except LwaTemporaryError as exc:
                    failure = exc
                    retry_after = parse_retry_after(resp.headers.get("retry-after"))
            if attempt >= self._max_retries:
                raise failure from None
            attempt += 1
            delay = full_jitter(
                attempt, base=self._backoff_base, cap=self._backoff_cap, rand=self._rand
            )
            await self._sleep(max(delay, min(retry_after or 0.0, self._backoff_cap)))
