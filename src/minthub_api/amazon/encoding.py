"""URL, date and User-Agent encoding the SP-API expects.

Rules from ../shared/SPAPI-NOTES.md §6 and §9.1/§9.2/§9.7: percent-encode every path segment
and query value exactly once (UTF-8, `/` and `!'()*` included), arrays are comma-joined and
Amazon can't tell `%2C` from `,`, dates are UTC with `Z`, and the User-Agent has its own
backslash escapes and a 500-character limit.
"""

from __future__ import annotations

import platform
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import Enum
from typing import Any
from urllib.parse import quote

MAX_USER_AGENT_LENGTH = 500


def encode_path_segment(value: str) -> str:
    """Percent-encode one path segment (a SKU, an order id), `/` included."""
    if not value:
        raise ValueError("path segment must not be empty")
    return quote(value, safe="")


def format_datetime(value: datetime) -> str:
    """ISO 8601 in UTC with `Z` (offsets like `+09:00` were rejected by getOrders, §9.1)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime: pass a timezone-aware datetime")
    value = value.astimezone(UTC)
    if value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def encode_query(params: Mapping[str, Any] | None) -> str:
    """Build a query string; None values are dropped, sequences become comma lists.

    We encode ourselves rather than through httpx's `params=`: httpx writes spaces as `+` and
    commas as `%2C`, and a token that is already percent-encoded would be encoded twice.
    """
    parts: list[str] = []
    for name, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, list | tuple | set | frozenset):
            items = [_scalar(v) for v in (sorted(value) if isinstance(value, set | frozenset)
                                          else value)]
            if not items:
                continue
            if any("," in item for item in items):
                # Amazon would split the value in two; such items must be queried alone.
                raise ValueError(f"array parameter {name!r} has an item containing a comma")
            encoded = ",".join(quote(item, safe="") for item in items)
        else:
            encoded = quote(_scalar(value), safe="")
        parts.append(f"{quote(name, safe='')}={encoded}")
    return "&".join(parts)


def _escape(text: str, specials: str) -> str:
    if any(not (" " <= ch <= "~") for ch in text):
        raise ValueError("User-Agent parts must be printable ASCII")
    return "".join("\\" + ch if ch in specials else ch for ch in text)


def build_user_agent(
    app_name: str = "MintHubOperations",
    version: str = "0.1.0",
    *,
    language: str | None = None,
    attributes: Mapping[str, str] | None = None,
) -> str:
    """`AppName/Version (Language=Python/3.11.7; Platform=Linux[; Key=Value...])`.

    Escapes per Amazon: `\\` everywhere, `/` in the name, `(` in the version, `=` in attribute
    names, `)` and `;` in attribute values. Raises ValueError beyond 500 characters.
    """
    attrs: dict[str, str] = {
        "Language": language or f"Python/{platform.python_version()}",
        "Platform": platform.system() or "Unknown",
    }
    attrs.update(attributes or {})
    rendered = "; ".join(
        f"{_escape(key, chr(92) + '=')}={_escape(val, chr(92) + ');')}"
        for key, val in attrs.items()
    )
    agent = f"{_escape(app_name, chr(92) + '/')}/{_escape(version, chr(92) + '(')} ({rendered})"
    if len(agent) > MAX_USER_AGENT_LENGTH:
        raise ValueError(f"User-Agent longer than {MAX_USER_AGENT_LENGTH} characters")
    return agent
