"""Cursor pagination: lists are `{"items": [...], "next_cursor": str | null}`.

Cursors are opaque to clients: base64url JSON, bound to the scope they were issued for (the
store and the query), so a cursor cannot be replayed against another store or query.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from minthub_api.core.errors import InvalidCursor

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(scope: str, data: dict[str, Any]) -> str:
    raw = json.dumps({"s": scope, "d": data}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, scope: str) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor("The cursor could not be read; start again without it") from exc
    if (
        not isinstance(payload, dict)
        or payload.get("s") != scope
        or not isinstance(payload.get("d"), dict)
    ):
        raise InvalidCursor("The cursor belongs to another list or query; start again without it")
    data: dict[str, Any] = payload["d"]
    return data
