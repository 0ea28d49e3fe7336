"""Application errors rendered as RFC 9457 problem documents with a stable `code`.

Services raise `AppError` subclasses; one handler renders them. Messages never carry secrets.
"""

from __future__ import annotations

import html
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://docs.minthub.example/problems/"


class Problem(BaseModel):
    """RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str | None = None
    code: str
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


class AppError(Exception):
    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = "Bad request"
    # Keep the request's database work (e.g. audit rows of SP-API calls already made) even
    # though the request fails: the calls happened, so their audit trail must survive.
    keep_work: ClassVar[bool] = False

    def __init__(self, detail: str | None = None, *, headers: dict[str, str] | None = None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.headers = headers or {}

    def problem(self, instance: str | None = None) -> Problem:
        return Problem(
            type=PROBLEM_BASE + self.code,
            title=self.title,
            status=self.status_code,
            detail=self.detail,
            code=self.code,
            instance=instance,
        )


class NotAuthenticated(AppError):
    status_code = 401
    code = "not_authenticated"
    title = "Sign-in required"


class InvalidCredentials(AppError):
    status_code = 401
    code = "invalid_credentials"
    title = "Email or password is incorrect"
    keep_work = True  # the failed sign-in's audit event


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"
    title = "Not allowed"


class NotFound(AppError):
    status_code = 404
    code = "not_found"
    title = "Not found"


class StoreNotFound(NotFound):
    code = "store_not_found"
    title = "Store not found"


class Conflict(AppError):
    status_code = 409
    code = "conflict"
    title = "Conflict"


class StoreRevoked(Conflict):
    code = "store_revoked"
    title = "The store's authorization was revoked; reconnect it"
    keep_work = True


class InvalidCursor(AppError):
    code = "invalid_cursor"
    title = "The pagination cursor is invalid or has expired"


class OAuthError(AppError):
    code = "oauth_error"
    title = "The store could not be connected"
    keep_work = True  # the consumed state and the failure's audit event


class InvalidState(OAuthError):
    code = "invalid_state"
    title = "The authorization request is invalid, expired or already used"


class AmazonDenied(OAuthError):
    code = "amazon_authorization_denied"
    title = "Amazon did not authorize the connection"


class AmazonUnavailable(AppError):
    status_code = 502
    code = "amazon_unavailable"
    title = "Amazon did not answer; try again shortly"
    keep_work = True


class AmazonRejected(AppError):
    status_code = 502
    code = "amazon_rejected"
    title = "Amazon rejected the request"
    keep_work = True


class AmazonThrottled(AppError):
    status_code = 503
    code = "amazon_throttled"
    title = "Amazon's usage plan for this store is exhausted; retry later"
    keep_work = True


def error_responses(*errors: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entry declaring the problem documents a route can return."""
    out: dict[int | str, dict[str, Any]] = {}
    for err in errors:
        entry = out.setdefault(
            err.status_code,
            {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": ""},
        )
        entry["description"] = ", ".join(filter(None, [entry["description"], err.code]))
    return out


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _status_code_name(status: int) -> str:
    return {
        400: "bad_request",
        401: "not_authenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        406: "not_acceptable",
        409: "conflict",
        413: "payload_too_large",
        415: "unsupported_media_type",
        429: "too_many_requests",
    }.get(status, "http_error")


def _wants_html(request: Request) -> bool:
    """A browser navigation (e.g. Amazon redirecting to our OAuth callback), not an API client."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "json" not in accept


def html_problem(problem: Problem, headers: dict[str, str] | None = None) -> HTMLResponse:
    body = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='referrer' content='no-referrer'>"
        f"<title>{html.escape(problem.title)}</title></head>"
        "<body style='font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:3rem auto'>"
        f"<h1>{html.escape(problem.title)}</h1><p>{html.escape(problem.detail or '')}</p>"
        f"<p><small>Error code: <code>{html.escape(problem.code)}</code></small></p>"
        "<p><a href='/'>Back to Mint Hub Operations</a></p></body></html>"
    )
    return HTMLResponse(body, status_code=problem.status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    async def app_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AppError)
        problem = exc.problem(request.url.path)
        if _wants_html(request):
            return html_problem(problem, exc.headers)
        return problem_response(problem, exc.headers)

    async def validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        problem = Problem(
            type=PROBLEM_BASE + "validation_error",
            title="The request is not valid",
            status=422,
            detail="; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors),
            code="validation_error",
            instance=request.url.path,
            errors=errors,
        )
        return problem_response(problem)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = _status_code_name(exc.status_code)
        problem = Problem(
            type=PROBLEM_BASE + code,
            title=str(exc.detail),
            status=exc.status_code,
            code=code,
            instance=request.url.path,
        )
        return problem_response(problem, dict(exc.headers or {}))

    async def database_text_error(request: Request, exc: Exception) -> Response:
        # PostgreSQL text cannot hold NUL (or bytes invalid in UTF-8): that is bad input, not
        # a server fault. Any other database error stays a 500.
        sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None)
        if sqlstate not in ("22021", "22P05"):
            raise exc
        problem = Problem(
            type=PROBLEM_BASE + "validation_error",
            title="The request is not valid",
            status=422,
            detail="Text fields cannot contain NUL or other characters the database refuses",
            code="validation_error",
            instance=request.url.path,
        )
        return problem_response(problem)

    async def database_busy(request: Request, exc: Exception) -> Response:
        # Every pooled connection stayed busy for MINTHUB_DB_POOL_TIMEOUT_SECONDS: overload,
        # not a fault of this request. Say so, and when to come back.
        problem = Problem(
            type=PROBLEM_BASE + "database_busy",
            title="The service is busy; retry shortly",
            status=503,
            code="database_busy",
            instance=request.url.path,
        )
        return problem_response(problem, {"Retry-After": "1"})

    app.add_exception_handler(DBAPIError, database_text_error)
    app.add_exception_handler(PoolTimeout, database_busy)
    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)


# --- Accounts, sessions and access (issue 3) ---------------------------------------------------


class TooManyRequests(AppError):
    status_code = 429
    code = "too_many_requests"
    title = "Too many attempts; wait before trying again"
    keep_work = True  # the counted attempt itself


class MfaRequired(AppError):
    status_code = 403
    code = "mfa_required"
    title = "Confirm your second factor first (POST /api/v1/auth/mfa/verify)"


class MfaEnrollmentRequired(AppError):
    status_code = 403
    code = "mfa_enrollment_required"
    title = "Set up two-factor authentication first (POST /api/v1/auth/mfa/totp/setup)"


class InvalidMfaCode(AppError):
    status_code = 400
    code = "invalid_mfa_code"
    title = "The code is not valid"
    keep_work = True  # the counted failure


class CsrfFailed(AppError):
    status_code = 403
    code = "csrf_failed"
    title = "Missing or wrong X-CSRF-Token header (echo the minthub_csrf cookie)"


class TokenReadOnly(AppError):
    status_code = 403
    code = "token_read_only"
    title = "API tokens are read-only"


class SessionRequired(AppError):
    status_code = 403
    code = "session_required"
    title = "This needs a signed-in session, not an API token"


class StoreRoleForbidden(AppError):
    status_code = 403
    code = "store_role_forbidden"
    title = "Only the store's owners may do this"


class AdminRequired(AppError):
    status_code = 403
    code = "admin_required"
    title = "Only workspace administrators may do this"


class BetaAccessRequired(AppError):
    status_code = 403
    code = "beta_access_required"
    title = "Connecting stores needs approved beta access"


class InvalidInvitation(AppError):
    status_code = 400
    code = "invalid_invitation"
    title = "The invitation is invalid, expired or already used"


class WeakPassword(AppError):
    status_code = 422
    code = "weak_password"
    title = "The password does not meet the policy"
