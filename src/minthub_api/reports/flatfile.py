"""Parse a decoded flat-file report into rows of canonical, typed columns.

Format (../shared/SPAPI-NOTES.md §7.1): tab-separated, header row first, no quoting (a `"` is
just a character), `\\n` or `\\r\\n` line ends, trailing empty columns kept. Headers may be in
English or the seller's Seller Central language (`headers.py`); numbers and dates follow that
language (`values.py`). Unknown columns are ignored, missing optional ones are simply absent
from the rows, a missing required one raises `MissingColumnError` naming it.

Privacy (§7.4, §8): buyer columns (ship-city/state/postal-code, purchase-order-number, buyer-*,
recipient-*, ship-address-*, bill-*, ship-phone*) are recognised and dropped here: their values
never reach a row, an error message or a log. `ship-country` is the most we keep.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from minthub_api.reports.headers import (
    HEADERS,
    INVENTORY,
    LISTINGS,
    ORDERS,
    ORDERS_PII_HEADERS,
    PII,
    PII_PREFIXES,
    RESTOCK,
)
from minthub_api.reports.values import (
    Conventions,
    Money,
    conventions_for,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_int,
)

Kind = Literal["text", "int", "decimal", "money", "datetime", "date", "bool"]
Value = str | int | Decimal | Money | datetime | date | bool | None
Row = dict[str, Value]


class FlatFileError(ValueError):
    """A report document that can't be read as its report type."""


class MissingColumnError(FlatFileError):
    def __init__(self, report_type: str, column: str, headers: Iterable[str]) -> None:
        names = " / ".join(dict.fromkeys(headers))
        super().__init__(f"{report_type}: required column {column!r} ({names}) is missing")
        self.report_type = report_type
        self.column = column


class BadValueError(FlatFileError):
    def __init__(self, line: int, column: str, reason: str) -> None:
        super().__init__(f"line {line}, column {column!r}: {reason}")
        self.line = line
        self.column = column


@dataclass(frozen=True, slots=True)
class Column:
    kind: Kind = "text"
    required: bool = False


_INT = Column("int")
_MONEY = Column("money")
SPECS: dict[str, dict[str, Column]] = {
    LISTINGS: {
        **{c: Column() for c in HEADERS[LISTINGS]["en"]},
        "sku": Column(required=True),
        "price": _MONEY,
        "quantity": _INT,
        "pending_quantity": _INT,
        "open_date": Column("datetime"),
    },
    INVENTORY: {
        **{c: _INT for c in HEADERS[INVENTORY]["en"] if c.endswith("_quantity")},
        "sku": Column(required=True),
        "fnsku": Column(),
        "asin": Column(),
        "product_name": Column(),
        "condition": Column(),
        "your_price": _MONEY,
        "mfn_listing_exists": Column("bool"),
        "afn_listing_exists": Column("bool"),
        "per_unit_volume": Column("decimal"),
        "afn_reserved_future_supply": _INT,
        "afn_future_supply_buyable": _INT,
    },
    ORDERS: {
        **{c: Column() for c in HEADERS[ORDERS]["en"]},
        "amazon_order_id": Column(required=True),
        "purchase_date": Column("datetime", required=True),
        "last_updated_date": Column("datetime"),
        "sku": Column(required=True),
        "quantity": Column("int", required=True),
        "is_business_order": Column("bool"),
        **{c: _MONEY for c in HEADERS[ORDERS]["en"] if c.endswith(("_price", "_tax", "_discount"))},
    },
    RESTOCK: {
        **{c: Column() for c in HEADERS[RESTOCK]["en"]},
        **{
            c: _INT
            for c in (
                "units_sold_last_30_days",
                "total_units",
                "inbound",
                "available",
                "fc_transfer",
                "fc_processing",
                "customer_order",
                "unfulfillable",
                "working",
                "shipped",
                "receiving",
                "total_days_of_supply",
                "days_of_supply_at_amazon",
                "recommended_replenishment_qty",
            )
        },
        "sku": Column(required=True),
        "recommended_replenishment_qty": Column("int", required=True),
        "price": _MONEY,
        "sales_last_30_days": _MONEY,
        "recommended_ship_date": Column("date"),
    },
}
# English spellings seen besides the canonical ones.
_ALIASES: dict[str, dict[str, str]] = {
    INVENTORY: {"afn-researching-qty": "afn_researching_quantity"},
    LISTINGS: {"fulfilment-channel": "fulfillment_channel", "ASIN1": "asin"},
    ORDERS: {},
    RESTOCK: {"Recommended Replenishment Qty": "recommended_replenishment_qty"},
}


def _norm(header: str) -> str:
    return unicodedata.normalize("NFC", header.strip().lstrip("\ufeff"))


def _lookup(report_type: str) -> dict[str, tuple[str, frozenset[str]]]:
    """header (and its casefold) → (canonical, languages that write it)."""
    found: dict[str, tuple[str, set[str]]] = {}

    def add(header: str, canonical: str, language: str) -> None:
        for key in (_norm(header), _norm(header).casefold()):
            entry = found.setdefault(key, (canonical, set()))
            if entry[0] == canonical:
                entry[1].add(language)

    for language, table in HEADERS[report_type].items():
        for canonical, header in table.items():
            add(header, canonical, language)
    for header, canonical in _ALIASES[report_type].items():
        add(header, canonical, "en")
    if report_type == ORDERS:
        for language, headers in ORDERS_PII_HEADERS.items():
            for header in headers:
                add(header, PII, language)
    return {k: (c, frozenset(langs)) for k, (c, langs) in found.items()}


_LOOKUPS = {t: _lookup(t) for t in HEADERS}


def _is_pii(header: str) -> bool:
    return header.casefold().startswith(PII_PREFIXES)


@dataclass(frozen=True)
class Header:
    """How a document's header row maps to canonical columns."""

    report_type: str
    language: str
    positions: dict[str, int]  # canonical → field index
    found: dict[str, str]  # canonical → header as written
    ignored: tuple[str, ...]  # unknown columns
    dropped: tuple[str, ...] = ()  # buyer columns, dropped


def read_header(report_type: str, fields: list[str]) -> Header:
    """Map a header row; MissingColumnError if a required column isn't there."""
    if report_type not in HEADERS:
        raise ValueError(f"unsupported report type {report_type!r}")
    lookup = _LOOKUPS[report_type]
    positions: dict[str, int] = {}
    found: dict[str, str] = {}
    ignored: list[str] = []
    dropped: list[str] = []
    votes: Counter[str] = Counter()
    for index, raw in enumerate(fields):
        header = _norm(raw)
        entry = lookup.get(header) or lookup.get(header.casefold())
        if (entry is not None and entry[0] == PII) or _is_pii(header):
            dropped.append(header)
            continue
        if entry is None or entry[0] in positions:
            if header:
                ignored.append(header)
            continue
        canonical, languages = entry
        positions[canonical] = index
        found[canonical] = header
        if "en" not in languages:  # "ASIN", "FNSKU" say nothing about the language
            votes.update(languages)
    for canonical, column in SPECS[report_type].items():
        if column.required and canonical not in positions:
            names = [t[canonical] for t in HEADERS[report_type].values() if canonical in t]
            raise MissingColumnError(report_type, canonical, names)
    language = votes.most_common(1)[0][0] if votes else "en"
    return Header(report_type, language, positions, found, tuple(ignored), tuple(dropped))


@dataclass
class ParsedReport:
    report_type: str
    marketplace_id: str
    language: str
    columns: dict[str, str]  # canonical → header as written
    ignored_columns: tuple[str, ...]
    dropped_columns: tuple[str, ...]  # buyer columns, names only
    rows: list[Row] = field(default_factory=list)


class RowReader:
    """Turns the fields of one data line into a canonical row."""

    def __init__(self, header: Header, conventions: Conventions) -> None:
        self.header = header
        self.conv = conventions
        self.specs = SPECS[header.report_type]

    def read(self, fields: list[str], line: int) -> Row:
        row: Row = {}
        for canonical, index in self.header.positions.items():
            text = fields[index] if index < len(fields) else ""
            kind = self.specs[canonical].kind
            try:
                row[canonical] = self._convert(kind, text, fields)
            except ValueError as exc:
                raise BadValueError(line, canonical, str(exc)) from None
            if row[canonical] is None and self.specs[canonical].required:
                raise BadValueError(line, canonical, "required value is empty")
        return row

    def _convert(self, kind: Kind, text: str, fields: list[str]) -> Value:
        conv = self.conv
        converters: dict[Kind, Callable[[str], Value]] = {
            "text": lambda t: t,
            "int": lambda t: parse_int(t, conv),
            "decimal": lambda t: parse_decimal(t, conv),
            "datetime": lambda t: parse_datetime(t, conv),
            "date": lambda t: parse_date(t, conv),
            "bool": parse_bool,
        }
        if kind != "money":
            return converters[kind](text)
        amount = parse_decimal(text, conv)
        if amount is None:
            return None
        # Orders and restock carry the currency per row; listings and inventory are in the
        # marketplace's.
        at = self.header.positions.get("currency")
        currency = fields[at].strip().upper() if at is not None and at < len(fields) else ""
        return Money(amount, currency or conv.currency)


def split_lines(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each non-empty line; no quoting rules."""
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if line:
            yield number, line.split("\t")


def parse_report(
    text: str,
    *,
    report_type: str,
    marketplace_id: str,
    language: str | None = None,
) -> ParsedReport:
    """Rows of a decoded flat file with canonical columns and typed values.

    `language` forces the number/date conventions (e.g. from preferredReportDocumentLocale);
    by default they follow the header's language. Raises MissingColumnError, BadValueError
    (line and column; no buyer value is ever quoted), ValueError for an unknown marketplace.
    """
    lines = split_lines(text)
    first = next(lines, None)
    if first is None:
        raise FlatFileError(f"{report_type}: the document is empty (no header row)")
    header = read_header(report_type, first[1])
    reader = RowReader(header, conventions_for(marketplace_id, language or header.language))
    report = ParsedReport(
        report_type,
        marketplace_id,
        header.language,
        dict(header.found),
        header.ignored,
        header.dropped,
    )
    report.rows = [reader.read(fields, number) for number, fields in lines]
    return report
