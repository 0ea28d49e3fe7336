"""Locale-formatted numbers, dates and yes/no values of flat-file reports → Decimal, UTC, bool.

Conventions (../shared/SPAPI-NOTES.md §7.3): a localized document writes numbers and dates the
way its language does (German `1.234,56` and `07.01.2013 07:35:42 MEZ`, French/Spanish/Italian
decimal comma and `dd/mm/yyyy`, Japanese `2016/08/07 10:12:40 JST`); English documents write
`1,234.56` and `2013-01-07 07:35:42 PST`, or `08/07/2016 10:12:40 BST` (day first) outside
North America. A date without a zone is in the marketplace's time zone. Money never goes
through float.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Literal
from zoneinfo import ZoneInfo

from minthub_api.amazon.regions import get_marketplace

DateOrder = Literal["ymd", "dmy", "mdy"]


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class Conventions:
    """How one document writes numbers and dates."""

    language: str  # en, ja, de, fr, es, it
    decimal_comma: bool
    date_order: DateOrder  # for slash dates whose first part isn't a 4-digit year
    time_zone: tzinfo  # for dates without a zone: the marketplace's
    currency: str  # the marketplace's, for prices without a currency column


_MONTH_FIRST_COUNTRIES = {"US", "CA"}


def conventions_for(marketplace_id: str, language: str) -> Conventions:
    """Conventions of a document in `language` for `marketplace_id` (ValueError if unknown)."""
    marketplace = get_marketplace(marketplace_id)
    if marketplace is None:
        raise ValueError(f"unknown marketplace {marketplace_id!r}")
    order: DateOrder
    if language == "ja":
        order = "ymd"
    elif language == "en" and marketplace.country_code in _MONTH_FIRST_COUNTRIES:
        order = "mdy"
    else:
        order = "dmy"
    return Conventions(
        language=language,
        decimal_comma=language in ("de", "fr", "es", "it"),
        date_order=order,
        time_zone=ZoneInfo(marketplace.time_zone),
        currency=marketplace.currency,
    )


# Spaces of any width (French writes 1 234,56 with U+202F or U+00A0) and apostrophes are
# grouping; currency signs and codes are decoration.
_NOISE = re.compile(r"[\s\u00a0\u202f'\u2019]|[€$£¥￥]|\b(?:EUR|USD|JPY|GBP|CAD|MXN)\b")
_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")
_GROUPED_COMMA = re.compile(r"-?\d{1,3}(?:,\d{3})+")
_GROUPED_DOT = re.compile(r"-?\d{1,3}(?:\.\d{3})+")


def parse_decimal(text: str, conv: Conventions) -> Decimal | None:
    """`1.234,56` / `1 234,56` / `1,234.56` / `¥1,980` → Decimal; "" → None; ValueError else."""
    raw = _NOISE.sub("", text)
    if not raw:
        return None
    value = raw
    if "," in raw and "." in raw:
        # Both: the one that comes last is the decimal separator.
        decimal_sep = "," if raw.rindex(",") > raw.rindex(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        value = raw.replace(group_sep, "").replace(decimal_sep, ".")
    elif "," in raw:
        if _GROUPED_COMMA.fullmatch(raw) and (not conv.decimal_comma or raw.count(",") > 1):
            value = raw.replace(",", "")
        elif conv.decimal_comma:
            value = raw.replace(",", ".")
    elif "." in raw and conv.decimal_comma and _GROUPED_DOT.fullmatch(raw):
        value = raw.replace(".", "")  # 1.234 in a German file is one thousand two hundred ...
    if not _PLAIN.fullmatch(value):
        raise ValueError(f"not a number: {text!r}")
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the regex already guarantees it
        raise ValueError(f"not a number: {text!r}") from None


def parse_int(text: str, conv: Conventions) -> int | None:
    value = parse_decimal(text, conv)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise ValueError(f"not a whole number: {text!r}")
    return int(value)


# Zone abbreviations seen in Amazon flat files (plus the German and French spellings of
# CET/CEST). Fixed offsets: the abbreviation already says whether summer time applied.
# CST is US Central here: none of our marketplaces writes China Standard Time.
_ZONES: dict[str, int] = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "BST": 60,
    "WEST": 60,
    "CET": 60,
    "MEZ": 60,
    "HNEC": 60,
    "CEST": 120,
    "MESZ": 120,
    "HAEC": 120,
    "EET": 120,
    "EEST": 180,
    "JST": 540,
    "SGT": 480,
    "AEST": 600,
    "AEDT": 660,
    "PST": -480,
    "PDT": -420,
    "MST": -420,
    "MDT": -360,
    "CST": -360,
    "CDT": -300,
    "EST": -300,
    "EDT": -240,
}
_DATETIME = re.compile(
    r"(?P<date>\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4})"
    r"(?:[ T](?P<time>\d{1,2}:\d{2}(?::\d{2})?))?"
    r"\s*(?P<zone>[A-Za-z]{1,5}|(?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?)?"
)


def _zone(text: str) -> tzinfo:
    upper = text.upper()
    if upper in _ZONES:
        return timezone(timedelta(minutes=_ZONES[upper]))
    match = re.fullmatch(r"(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?", upper)
    if match is None:
        raise ValueError(f"unknown time zone {text!r}")
    minutes = int(match[2]) * 60 + int(match[3] or 0)
    return timezone(timedelta(minutes=minutes if match[1] == "+" else -minutes))


def parse_datetime(text: str, conv: Conventions) -> datetime | None:
    """A report date (ISO 8601, or locale date [time] [zone]) → aware UTC; "" → None."""
    raw = text.strip()
    if not raw:
        return None
    if "T" in raw:
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            pass
        else:
            if value.tzinfo is None:
                value = value.replace(tzinfo=conv.time_zone)
            return value.astimezone(UTC)
    match = _DATETIME.fullmatch(raw)
    if match is None:
        raise ValueError(f"not a date: {text!r}")
    parts = re.split(r"[-/.]", match["date"])
    separator = match["date"][len(parts[0])]
    if len(parts[0]) == 4:
        year, month, day = parts
    elif separator == "." or conv.date_order in ("dmy", "ymd"):
        # A two-digit first part in a day.month.year or Japanese file is a day: 07.01.2013.
        day, month, year = parts
    else:
        month, day, year = parts
    if len(year) != 4:
        raise ValueError(f"not a date (year): {text!r}")
    hour, minute, second = (int(p) for p in ((match["time"] or "0:00") + ":0").split(":")[:3])
    zone = _zone(match["zone"]) if match["zone"] else conv.time_zone
    try:
        value = datetime(int(year), int(month), int(day), hour, minute, second, tzinfo=zone)
    except ValueError:
        raise ValueError(f"not a date: {text!r}") from None
    return value.astimezone(UTC)


def parse_date(text: str, conv: Conventions) -> date | None:
    """A calendar date (`07/04/2026`, `04.07.2026`, `2026/07/04`, ISO) → date; "" → None.

    Read in the document's date order; a value with a time is taken in the marketplace's zone."""
    value = parse_datetime(text, conv)
    return None if value is None else value.astimezone(conv.time_zone).date()


_YES = {"yes", "y", "true", "はい", "ja", "oui", "sí", "si", "sì"}
_NO = {"no", "n", "false", "いいえ", "nein", "non"}


def parse_bool(text: str) -> bool | None:
    raw = text.strip().casefold()
    if not raw:
        return None
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise ValueError(f"not yes/no: {text!r}")
