import re

from fastapi import FastAPI
from scripts.export_openapi import TARGET, render


def test_committed_openapi_is_current() -> None:
    assert TARGET.read_text(encoding="utf-8") == render(), (
        "openapi/openapi.json is stale: run `uv run python scripts/export_openapi.py`"
    )


def test_operation_ids_are_readable(app: FastAPI) -> None:
    for path, ops in app.openapi()["paths"].items():
        for method, op in ops.items():
            assert re.fullmatch(r"[a-z]+-[a-z_]+", op["operationId"]), (
                method,
                path,
                op["operationId"],
            )


# A readiness probe's 503 is its report (which checks failed), not an error document.
NOT_PROBLEMS = {("get", "/api/v1/ready", "503")}


def test_every_error_response_is_a_problem_document(app: FastAPI) -> None:
    for path, ops in app.openapi()["paths"].items():
        for method, op in ops.items():
            for status, response in op["responses"].items():
                if status.startswith(("4", "5")) and (method, path, status) not in NOT_PROBLEMS:
                    assert "application/problem+json" in response.get("content", {}), (
                        method,
                        path,
                        status,
                    )
