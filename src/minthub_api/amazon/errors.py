"""Errors raised by the Amazon (LWA + SP-API) client.

Our exception hierarchy:

* AmazonError
  + LwaError                - the LWA token endpoint refused or failed (`error` = LWA's code)
    · LwaInvalidGrant       - refresh token revoked/expired, or auth code bad/used/expired
    · LwaInvalidClient      - OUR app's client id/secret is wrong or expired: alert operators,
                              never mark stores revoked (../shared/SPAPI-NOTES.md §1.3, §3.4)
    · LwaTemporaryError     - server_error / temporarily_unavailable / 5xx / connection error,
                              still failing after our bounded retries
  + SpApiError              - an SP-API call failed (`status_code`, `errors`, `request_id`,
                              `operation`)
    · SpApiThrottled        - 429 after retries (`retry_after` seconds when Amazon said so)
    · SpApiUnauthorized     - 401/403: role missing, region mismatch, or token refused twice
    · SpApiNotFound         - 404
    · SpApiBadRequest       - any other 4xx (400 InvalidInput, 409, 413, 415, 422 ...)
    · SpApiServerError      - 5xx after retries
  + AmazonUnavailable       - connection error or timeout talking to SP-API after retries
  + ReportDocumentError     - a report document could not be downloaded or decoded (expired
                              URL, truncated gzip, unknown or wrong charset)
    · ReportCharsetError    - its bytes are not valid in the declared (or marketplace-default)
                              charset (`charset`, `offset` of the first bad byte)
  + RoleNotEnabled          - (roles.py) the operation needs an SP-API role we didn't declare

Messages never contain tokens, authorization codes or secrets: they are built only from
status codes, Amazon's error codes/messages and request ids, and anything that looks like an
LWA token (`Atza|...`, `Atzr|...`) is masked anyway.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

_TOKEN_RE = re.compile(r"Atz[a-z]\|\S+")
_MAX_TEXT = 300


def mask_tokens(text: str) -> str:
    """Mask anything shaped like an LWA token (`Atza|...`, `Atzr|...`)."""
    return _TOKEN_RE.sub("***", text)


def redact(text: str) -> str:
    """Mask tokens and bound the length (for messages)."""
    text = mask_tokens(text)
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "..."


class AmazonError(Exception):
    """Base class of every error raised by `minthub_api.amazon`."""

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))

    @property
    def message(self) -> str:
        return str(self.args[0])


class LwaError(AmazonError):
    def __init__(
        self,
        message: str,
        *,
        error: str | None = None,
        status_code: int | None = None,
        description: str | None = None,
    ) -> None:
        super().__init__(message)
        self.error = error
        self.status_code = status_code
        self.description = redact(description) if description else None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, error={self.error!r}, "
            f"status_code={self.status_code!r})"
        )


class LwaInvalidGrant(LwaError):
    pass


class LwaInvalidClient(LwaError):
    pass


class LwaTemporaryError(LwaError):
    pass


class SpApiError(AmazonError):
    def __init__(
        self,
        message: str,
        *,
        status_code: int | None,
        errors: Sequence[Mapping[str, Any]] | None = None,
        request_id: str | None = None,
        operation: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        # Amazon's own error list ({code, message, details}), copied with tokens masked in case
        # a message echoes one back.
        self.errors: list[dict[str, Any]] = [
            {k: mask_tokens(v) if isinstance(v, str) else v for k, v in e.items()}
            for e in errors or ()
        ]
        self.request_id = request_id
        self.operation = operation

    @property
    def error_code(self) -> str | None:
        """The first Amazon error code, e.g. `InvalidInput`, `QuotaExceeded`."""
        for e in self.errors:
            if isinstance(e.get("code"), str):
                return str(e["code"])
        return None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, status_code={self.status_code!r}, "
            f"operation={self.operation!r}, request_id={self.request_id!r})"
        )


class SpApiThrottled(SpApiError):
    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class SpApiUnauthorized(SpApiError):
    pass


class SpApiNotFound(SpApiError):
    pass


class SpApiBadRequest(SpApiError):
    pass


class SpApiServerError(SpApiError):
    pass


class AmazonUnavailable(AmazonError):
    def __init__(self, message: str, *, operation: str | None = None, attempts: int = 0) -> None:
        super().__init__(message)
        self.operation = operation
        self.attempts = attempts


def sp_api_error_for(
    status_code: int,
    *,
    errors: Sequence[Mapping[str, Any]],
    request_id: str | None,
    operation: str,
    retry_after: float | None = None,
) -> SpApiError:
    """Map a final (non-retried) SP-API error response to its typed exception."""
    summary = "; ".join(f"{e.get('code', '?')}: {e.get('message', '')}".strip() for e in errors[:3])
    message = f"SP-API {operation} failed with HTTP {status_code}"
    if summary:
        message += f" ({summary})"
    if request_id:
        message += f" [request id {request_id}]"
    kw: dict[str, Any] = {
        "status_code": status_code,
        "errors": errors,
        "request_id": request_id,
        "operation": operation,
    }
    if status_code == 429:
        return SpApiThrottled(message, retry_after=retry_after, **kw)
    if status_code in (401, 403):
        return SpApiUnauthorized(message, **kw)
    if status_code == 404:
        return SpApiNotFound(message, **kw)
    if 400 <= status_code < 500:
        return SpApiBadRequest(message, **kw)
    if status_code >= 500:
        return SpApiServerError(message, **kw)
    return SpApiError(message, **kw)


class ReportDocumentError(AmazonError):
    """A report document download failed: HTTP error, truncated gzip, or undecodable text."""

    def __init__(self, message: str, *, report_document_id: str | None = None) -> None:
        super().__init__(message)
        self.report_document_id = report_document_id


class ReportCharsetError(ReportDocumentError):
    """The document's bytes can't be decoded with `charset` (never replaced silently).

    `offset` is the position of the first offending byte in the decompressed document,
    `byte` its value; `charset` is the name as declared (or the marketplace default we used).
    """

    def __init__(
        self,
        *,
        charset: str,
        offset: int,
        byte: int | None,
        reason: str,
        report_document_id: str | None = None,
    ) -> None:
        shown = f"byte 0x{byte:02X}" if byte is not None else "an incomplete sequence"
        super().__init__(
            f"report document is not valid {charset}: {shown} at offset {offset} ({reason})",
            report_document_id=report_document_id,
        )
        self.charset = charset
        self.offset = offset
        self.byte = byte
        self.reason = reason
