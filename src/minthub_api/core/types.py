"""Shared request types."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator


def _iso_8601_only(value: Any) -> Any:
    # Pydantic would read "0.5" or 1700000000 as a Unix timestamp; the API documents ISO 8601
    # date-times, so anything else is a 422, not a surprising instant in 1970.
    if isinstance(value, (int, float)) or (
        isinstance(value, str) and value.strip().lstrip("+-").replace(".", "", 1).isdigit()
    ):
        raise ValueError("expected an ISO 8601 date-time, e.g. 2026-12-01T00:00:00Z")
    return value


def _require_timezone(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("the date-time needs a time zone, e.g. a trailing Z for UTC")
    return value


IsoDateTime = Annotated[
    datetime, BeforeValidator(_iso_8601_only), AfterValidator(_require_timezone)
]
