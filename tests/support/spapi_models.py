"""Checks requests and responses against Amazon's official SP-API models.

The models are the byte-for-byte copies in ``../shared/spapi-models`` (relative to the repo root),
or the directory named by ``MINTHUB_SPAPI_MODELS_DIR``. Swagger 2.0 schemas are validated with
jsonschema's Draft 4 validator, each model's ``definitions`` being reachable as
``#/definitions/...``; ``date-time`` strings are checked as RFC 3339.

    from tests.support.spapi_models import validate_request, validate_response

    validate_request("searchOrders", "GET", "/orders/2026-01-01/orders",
                     {"createdAfter": "2026-01-01T00:00:00Z", "marketplaceIds": "ATVPDKIKX0DER"})
    validate_response("getOrder", 200, body)                       # orders 2026-01-01 (current)
    validate_response("getOrder", 200, body, model="ordersV0.json")  # the deprecated one

Query values are given as sent on the wire: array parameters are one comma-separated string, as
Amazon takes them. A list value means the key was repeated, which is rejected unless it has one
element (Amazon's gateway would silently keep only one of the values).
Every failure raises AssertionError with a readable message.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft4Validator, FormatChecker

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def models_dir() -> Path:
    override = os.environ.get("MINTHUB_SPAPI_MODELS_DIR")
    if override:
        return Path(override)
    return (Path(__file__).resolve().parents[2] / ".." / "shared" / "spapi-models").resolve()


@cache
def load_model(filename: str) -> dict[str, Any]:
    """The parsed JSON of one model file (e.g. ``"fbaInventory.json"``)."""
    path = models_dir() / filename
    if not path.is_file():
        raise AssertionError(f"SP-API model {filename!r} not found in {models_dir()}")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def model_files() -> tuple[str, ...]:
    """Swagger model files (those with ``paths``), sorted."""
    names = []
    for path in sorted(models_dir().glob("*.json")):
        if "paths" in load_model(path.name):
            names.append(path.name)
    return tuple(names)


def find_operation(operation_id: str, model: str | None = None
                   ) -> tuple[dict[str, Any], str, str, dict[str, Any]]:
    """``(model, path, method, operation)`` for an operationId.

    Without ``model`` the operationId must be unambiguous across files, except that a single
    non-deprecated match wins over deprecated ones (``getOrder`` → orders_2026-01-01.json).
    """
    files = [model] if model is not None else list(model_files())
    matches: list[tuple[dict[str, Any], str, str, dict[str, Any]]] = []
    for name in files:
        spec = load_model(name)
        for path, item in spec.get("paths", {}).items():
            for method, op in item.items():
                if method in METHODS and op.get("operationId") == operation_id:
                    matches.append((spec, path, method, op))
    if not matches:
        where = model or "any model"
        raise AssertionError(f"operationId {operation_id!r} not found in {where}")
    if len(matches) > 1:
        current = [m for m in matches if not m[3].get("deprecated")]
        if len(current) != 1:
            paths = ", ".join(f"{m[2].upper()} {m[1]}" for m in matches)
            raise AssertionError(f"operationId {operation_id!r} is ambiguous ({paths}); "
                                 "pass model=...")
        return current[0]
    return matches[0]


# --- responses -------------------------------------------------------------------------------
_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
        raise ValueError(f"{value!r} is not an RFC 3339 date-time")
    datetime.fromisoformat(value)
    return True


def response_schema(operation_id: str, status: int, *, model: str | None = None
                    ) -> dict[str, Any] | None:
    """The schema declared for ``status`` (or ``default``); None if it declares no body."""
    _spec, path, method, op = find_operation(operation_id, model)
    responses = op.get("responses", {})
    response = responses.get(str(status)) or responses.get("default")
    if response is None:
        raise AssertionError(f"{operation_id} ({method.upper()} {path}) declares no {status} "
                             f"response; declared: {sorted(responses)}")
    schema: dict[str, Any] | None = response.get("schema")
    return schema


def validate_response(operation_id: str, status: int, body: Any, *,
                      model: str | None = None) -> None:
    """Assert ``body`` matches the model's schema for ``status``."""
    spec, path, method, _op = find_operation(operation_id, model)
    schema = response_schema(operation_id, status, model=model)
    if schema is None:
        if body not in (None, "", b"", {}):  # sandbox examples write {} for "no body"
            raise AssertionError(f"{operation_id} {status}: model declares no body, got {body!r}")
        return
    root = {"allOf": [schema], "definitions": spec.get("definitions", {})}
    validator = Draft4Validator(root, format_checker=_FORMATS)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"- at {'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:300]}"
                 for e in errors[:10]]
        raise AssertionError(f"{operation_id} ({method.upper()} {path}) {status} response does "
                             f"not match the model:\n" + "\n".join(lines))


# --- requests --------------------------------------------------------------------------------
def _path_regex(template: str) -> tuple[re.Pattern[str], list[str]]:
    names = re.findall(r"{([^}]+)}", template)
    pattern = re.escape(template)
    for index, name in enumerate(names):
        pattern = pattern.replace(re.escape("{" + name + "}"), f"(?P<p{index}>[^/]+)")
    return re.compile(f"^{pattern}$"), names


def _check_value(op_id: str, param: Mapping[str, Any], value: str) -> list[str]:
    """Problems with one wire value of a non-body parameter."""
    name, kind = param["name"], param.get("type", "string")
    if kind == "array":
        items = value.split(",")
        problems = []
        if "maxItems" in param and len(items) > param["maxItems"]:
            problems.append(f"{name}: {len(items)} items, maxItems is {param['maxItems']}")
        if "minItems" in param and len(items) < param["minItems"]:
            problems.append(f"{name}: {len(items)} items, minItems is {param['minItems']}")
        item_spec = {"name": f"{name}[]", **param.get("items", {})}
        for item in items:
            problems += _check_value(op_id, item_spec, item)
        return problems
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            return [f"{name}: {value!r} is not an integer"]
        number = int(value)
        if "minimum" in param and number < param["minimum"]:
            return [f"{name}: {number} < minimum {param['minimum']}"]
        if "maximum" in param and number > param["maximum"]:
            return [f"{name}: {number} > maximum {param['maximum']}"]
    elif kind == "number":
        try:
            float(value)
        except ValueError:
            return [f"{name}: {value!r} is not a number"]
    elif kind == "boolean" and value not in ("true", "false"):
        return [f"{name}: {value!r} is not true/false"]
    if "enum" in param and value not in [str(v) for v in param["enum"]]:
        return [f"{name}: {value!r} not in enum {param['enum']}"]
    if "maxLength" in param and len(value) > param["maxLength"]:
        return [f"{name}: longer than maxLength {param['maxLength']}"]
    if "minLength" in param and len(value) < param["minLength"]:
        return [f"{name}: shorter than minLength {param['minLength']}"]
    if "pattern" in param and not re.search(param["pattern"], value):
        return [f"{name}: {value!r} does not match pattern {param['pattern']}"]
    if param.get("format") == "date-time":
        try:
            _is_datetime(value)
        except ValueError as exc:
            return [f"{name}: {exc}"]
    return []


def _resolve(spec: dict[str, Any], param: dict[str, Any]) -> dict[str, Any]:
    ref = param.get("$ref")
    if ref is None:
        return param
    resolved: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        resolved = resolved[part]
    return dict(resolved)


def validate_request(operation_id: str, method: str, path: str,
                     query: Mapping[str, str | list[str]], body: Any = None, *,
                     model: str | None = None) -> None:
    """Assert a request is valid for the operation.

    ``path`` is as sent (percent-encoded segments, so a SKU with ``/`` stays one segment);
    ``query`` holds decoded values, arrays as one comma-separated string.
    """
    spec, template, op_method, op = find_operation(operation_id, model)
    problems: list[str] = []
    if method.lower() != op_method:
        problems.append(f"method {method.upper()}, model says {op_method.upper()}")
    regex, path_names = _path_regex(template)
    matched = regex.match(path.split("?", 1)[0])
    if matched is None:
        problems.append(f"path {path!r} does not match {template}")
    path_item = spec["paths"][template]
    params = [_resolve(spec, p) for p in [*path_item.get("parameters", []),
                                          *op.get("parameters", [])]]
    declared = {p["name"]: p for p in params if p.get("in") == "query"}
    for name, value in query.items():
        if name not in declared:
            problems.append(f"unknown query parameter {name!r}; declared: {sorted(declared)}")
            continue
        if isinstance(value, list):
            if len(value) != 1:
                problems.append(f"{name}: repeated {len(value)} times; send one comma-separated "
                                "value")
                continue
            value = value[0]
        problems += _check_value(operation_id, declared[name], value)
    for name, param in declared.items():
        if param.get("required") and name not in query:
            problems.append(f"missing required query parameter {name!r}")
    for param in params:
        if param.get("in") == "path" and matched is not None:
            value = unquote(matched.group(f"p{path_names.index(param['name'])}"))
            problems += _check_value(operation_id, param, value)
        if param.get("in") == "body":
            if body is None:
                if param.get("required"):
                    problems.append("missing required body")
            else:
                root = {"allOf": [param["schema"]], "definitions": spec.get("definitions", {})}
                for error in Draft4Validator(root, format_checker=_FORMATS).iter_errors(body):
                    where = "/".join(map(str, error.absolute_path)) or "<root>"
                    problems.append(f"body at {where}: {error.message[:300]}")
    if body is not None and not any(p.get("in") == "body" for p in params):
        problems.append("a body was sent but the operation declares none")
    if problems:
        raise AssertionError(f"{operation_id} ({op_method.upper()} {template}) request is "
                             "invalid:\n" + "\n".join(f"- {p}" for p in problems))
