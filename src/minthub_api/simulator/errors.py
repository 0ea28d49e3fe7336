"""SP-API error bodies, exactly as Amazon sends them (SPAPI-NOTES §6, §3.1)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response


class SpApiError(Exception):
    """Rendered as ``{"errors": [{"code", "message", "details"}]}`` by the app's handler."""

    def __init__(self, status: int, code: str, message: str, details: str | None = "", *,
                 error_type: str | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.error_type = error_type

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return {"errors": [error]}


class RawResponse(Exception):
    """Short-circuit with a prepared response (used by the malformed_json fault)."""

    def __init__(self, response: Response) -> None:
        super().__init__("raw response")
        self.response = response


def invalid_input(message: str, details: str = "") -> SpApiError:
    return SpApiError(400, "InvalidInput", message, details, error_type="ValidationException")


def unauthorized() -> SpApiError:
    return SpApiError(403, "Unauthorized", "Access to requested resource is denied.",
                      "The access token you provided is revoked, malformed or invalid.",
                      error_type="AccessDeniedException")


def missing_token() -> SpApiError:
    # Body as observed in selling-partner-api-docs #76: no "details" member.
    return SpApiError(403, "MissingAuthenticationToken", "Access to requested resource is denied.",
                      None, error_type="MissingAuthenticationTokenException")


def quota_exceeded() -> SpApiError:
    return SpApiError(429, "QuotaExceeded", "You exceeded your quota for the requested resource.")


def not_found(message: str) -> SpApiError:
    return SpApiError(404, "NotFound", message)


def internal_failure(status: int) -> SpApiError:
    if status == 503:
        return SpApiError(503, "ServiceUnavailable",
                          "Service is temporarily unavailable. Please try again later.")
    return SpApiError(status, "InternalFailure",
                      "We encountered an internal error. Please try again.")
