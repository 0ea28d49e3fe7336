"""Backoff helpers shared by the LWA and SP-API clients."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

Sleep = Callable[[float], Awaitable[None]]


def full_jitter(attempt: int, *, base: float, cap: float, rand: Callable[[], float]) -> float:
    """AWS "full jitter": a uniform delay in [0, min(cap, base * 2**attempt)).

    Jitter spreads retries of many concurrent callers so they don't hit Amazon in lockstep.
    """
    ceiling: float = min(cap, base * 2.0 ** max(attempt - 1, 0))
    return rand() * ceiling


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds or HTTP-date); None if absent/invalid."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(seconds, 0.0) if seconds == seconds else None  # NaN guard
