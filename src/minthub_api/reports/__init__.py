"""Report documents: localized flat files → canonical typed rows (issue 6).

Pure code: the sync/job-queue work wires it to the report ledger and the endpoints.
"""

from minthub_api.reports.charset import decode_report
from minthub_api.reports.flatfile import (
    BadValueError,
    FlatFileError,
    MissingColumnError,
    ParsedReport,
    Row,
    parse_report,
)
from minthub_api.reports.headers import INVENTORY, LISTINGS, ORDERS, RESTOCK
from minthub_api.reports.values import Money

__all__ = [
    "INVENTORY",
    "LISTINGS",
    "ORDERS",
    "RESTOCK",
    "BadValueError",
    "FlatFileError",
    "MissingColumnError",
    "Money",
    "ParsedReport",
    "Row",
    "decode_report",
    "parse_report",
]
