"""Strict decoding of a whole report document held in memory (fixtures, stored originals).

The streaming client (`amazon/reports.py`) applies the same rule while downloading: the declared
charset, else the marketplace's default (JP cp932, elsewhere cp1252), and bytes that aren't
valid in it are a `ReportCharsetError` with the charset and the byte offset — never U+FFFD.
"""

from __future__ import annotations

from minthub_api.amazon.errors import ReportCharsetError
from minthub_api.amazon.reports import codec_for, default_charset_for


def decode_report(data: bytes, *, charset: str | None, marketplace_id: str | None) -> str:
    """Text of a (gunzipped) report document; ReportCharsetError if a byte doesn't decode."""
    name = charset or default_charset_for(marketplace_id)
    try:
        return data.decode(codec_for(name), errors="strict")
    except UnicodeDecodeError as exc:
        raise ReportCharsetError(
            charset=name, offset=exc.start, byte=data[exc.start], reason=exc.reason
        ) from None
