"""`?format=csv` for list endpoints: one header row of field names, one row per item.

Values are written as JSON would show them (Decimal as its exact string, dates ISO 8601, None
empty), UTF-8 with a BOM so spreadsheet programs open non-ASCII product names correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from fastapi.responses import Response
from pydantic import BaseModel

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "JSON, or CSV with `?format=csv`",
    }
}


class OutputFormat(StrEnum):
    json = "json"
    csv = "csv"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_response(rows: Iterable[BaseModel], columns: Sequence[str], filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        data = row.model_dump()
        writer.writerow([_cell(data.get(c)) for c in columns])
    return Response(
        content="\ufeff" + buffer.getvalue(),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
