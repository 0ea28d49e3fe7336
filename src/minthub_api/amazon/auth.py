"""In-process cache of LWA access tokens, one per store.

Tokens live in memory only and are never persisted (../shared/SPAPI-NOTES.md §1.3: 1 h lifetime,
refresh ~60 s early; §9.8: key per store, single-flight refresh per key). Keying by store id
keeps one seller's token out of another seller's calls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from minthub_api.amazon.lwa import AccessToken

Refresher = Callable[[], Awaitable[AccessToken]]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class _Slot:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    token: AccessToken | None = None
    # Bumped on each failed refresh so callers queued behind it share the failure instead of
    # hammering LWA one after another with a refresh token that was just refused.
    failures: int = 0
    last_error: Exception | None = None


class AccessTokenCache:
    def __init__(
        self,
        *,
        clock: Callable[[], datetime] = _utcnow,
        refresh_margin: timedelta = timedelta(seconds=60),
    ) -> None:
        self._clock = clock
        self._margin = refresh_margin
        self._slots: dict[str, _Slot] = {}

    def __repr__(self) -> str:
        return f"AccessTokenCache(keys={len(self._slots)})"

    def _fresh(self, token: AccessToken | None) -> AccessToken | None:
        if token is not None and self._clock() < token.expires_at - self._margin:
            return token
        return None

    async def get(self, key: str, refresher: Refresher) -> AccessToken:
        """The cached token for `key`, refreshing it when it expires within the margin.

        Concurrent callers for one key share one refresh. Whatever `refresher` raises (e.g.
        `LwaInvalidGrant`) propagates to the caller that ran it and to those waiting on it.
        """
        slot = self._slots.setdefault(key, _Slot())
        if (token := self._fresh(slot.token)) is not None:
            return token
        failures_seen = slot.failures
        async with slot.lock:
            if (token := self._fresh(slot.token)) is not None:
                return token
            if slot.failures != failures_seen and slot.last_error is not None:
                raise slot.last_error
            try:
                token = await refresher()
            except Exception as exc:
                slot.failures += 1
                slot.last_error = exc
                raise
            slot.token, slot.last_error = token, None
            return token

    def evict(self, key: str, *, only_if: AccessToken | None = None) -> None:
        """Forget the token of `key` (e.g. Amazon said it expired or the store disconnected).

        With `only_if`, evict only if that token is still the cached one: when many requests
        see the same rejected token, the first evicts it and the rest keep its replacement.
        """
        slot = self._slots.get(key)
        if slot is None:
            return
        if only_if is None or slot.token is only_if or slot.token == only_if:
            slot.token = None

    def clear(self) -> None:
        for slot in self._slots.values():
            slot.token = None
            slot.last_error = None
