"""Query-parameter validation mirroring the Swagger declarations of each operation.

The simulator cannot read ../shared/spapi-models at runtime (it ships without them), so each
operation declares its parameters here; tests/simulator checks these declarations against the
models. Arrays are comma-separated, as Amazon takes them (SPAPI-NOTES §6): a repeated key is
rejected because Amazon's gateway would silently keep only one value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from starlette.requests import Request

from .errors import invalid_input

ParamType = Literal["string", "integer", "boolean", "array"]


@dataclass(frozen=True)
class Param:
    name: str
    type: ParamType = "string"
    required: bool = False
    enum: tuple[str, ...] | None = None  # for arrays: the items' enum
    max_items: int | None = None
    date_time: bool = False


def parse_datetime(name: str, raw: str) -> datetime:
    """ISO 8601 with 'T' and a zone (``Z`` or ``±hh:mm``), per SPAPI-NOTES §6 "Dates"."""
    try:
        if "T" not in raw:
            raise ValueError(raw)
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise invalid_input(f"Invalid {name}: '{raw}' is not an ISO 8601 date-time.") from None
    if value.tzinfo is None:
        raise invalid_input(f"Invalid {name}: '{raw}' has no time zone; use Z or ±hh:mm.")
    return value


def parse_query(request: Request, params: tuple[Param, ...]) -> dict[str, Any]:
    """Typed values of the declared parameters; raises InvalidInput for anything off-model."""
    known = {p.name: p for p in params}
    raw: dict[str, str] = {}
    value: str | None
    for key, value in request.query_params.multi_items():
        if key not in known:
            raise invalid_input(f"Unknown query parameter '{key}'.")
        if key in raw:
            raise invalid_input(f"Parameter '{key}' is repeated; send one comma-separated value.")
        raw[key] = value
    out: dict[str, Any] = {}
    for p in params:
        value = raw.get(p.name)
        if value is None or value == "":
            if p.required:
                raise invalid_input(f"Missing required parameter '{p.name}'.")
            continue
        out[p.name] = _convert(p, value)
    return out


def _convert(p: Param, value: str) -> Any:
    if p.type == "integer":
        try:
            return int(value)
        except ValueError:
            raise invalid_input(f"Invalid {p.name}: '{value}' is not an integer.") from None
    if p.type == "boolean":
        if value not in ("true", "false"):
            raise invalid_input(f"Invalid {p.name}: '{value}' is not true or false.")
        return value == "true"
    if p.type == "array":
        items = value.split(",")
        if any(item == "" for item in items):
            raise invalid_input(f"Invalid {p.name}: empty list item in '{value}'.")
        if p.max_items is not None and len(items) > p.max_items:
            raise invalid_input(f"Invalid {p.name}: at most {p.max_items} values allowed.")
        for item in items:
            if p.enum is not None and item not in p.enum:
                raise invalid_input(f"Invalid {p.name}: '{item}' is not one of "
                                    f"{', '.join(p.enum)}.")
        return items
    if p.enum is not None and value not in p.enum:
        raise invalid_input(f"Invalid {p.name}: '{value}' is not one of {', '.join(p.enum)}.")
    if p.date_time:
        return parse_datetime(p.name, value)
    return value
