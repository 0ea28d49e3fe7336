"""The guard that keeps buyer PII requests from ever leaving the client.

Our app holds no restricted (PII) role and the Data Protection Policy binds us not to ask
(../shared/SPAPI-NOTES.md §5.2, §5.3, §8). Orders 2026-01-01 returns buyer data only when asked
via `includedData=BUYER|RECIPIENT`; `TAX` returns buyer tax registrations with addresses and
`PAYMENT` card/authorization details, so they are out too. The client checks every request
here, so no caller (typed operation or raw `StoreApi.request`) can send such a request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

# What the order summary needs: status, fulfilledBy, shipByWindow (FULFILLMENT) and the order
# total (PROCEEDS). Frozen: widening it is a reviewed code change, not a parameter.
ORDERS_ALLOWED_INCLUDED_DATA: frozenset[str] = frozenset({"FULFILLMENT", "PROCEEDS"})
# Values that carry buyer/recipient PII in any SP-API `includedData`.
PII_INCLUDED_DATA: frozenset[str] = frozenset({"BUYER", "RECIPIENT", "TAX", "PAYMENT"})
# Orders v0 sub-resources that only return PII, and the Tokens API (RDTs unlock PII).
_PII_PATHS = re.compile(
    r"^/orders/v0/orders/[^/]+/(buyerInfo|address|orderItems/buyerInfo)$"
    r"|^/tokens/",
    re.IGNORECASE,
)


class PiiRequestRefused(ValueError):
    """A caller tried to build a request that could return buyer PII. A programming error."""


def _values(value: Any) -> Iterable[str]:
    items = value if isinstance(value, list | tuple | set | frozenset) else [value]
    for item in items:
        for part in str(item).split(","):
            yield part.strip().upper()


def check_request(path: str, params: Mapping[str, Any] | None) -> None:
    """Raise `PiiRequestRefused` unless the request is free of buyer-PII options."""
    if _PII_PATHS.search(path.split("?", 1)[0]):
        raise PiiRequestRefused(f"refusing PII-only SP-API resource {path.split('?', 1)[0]}")
    if "?" in path:
        # Query parameters must go through `params` so this check sees them.
        raise PiiRequestRefused("pass query parameters via params=, not inside the path")
    for name, value in (params or {}).items():
        if name.lower() != "includeddata" or value is None:
            continue
        requested = set(_values(value))
        if forbidden := requested & PII_INCLUDED_DATA:
            raise PiiRequestRefused(f"refusing includedData {sorted(forbidden)}")
        if path.lower().startswith("/orders/") and not requested <= ORDERS_ALLOWED_INCLUDED_DATA:
            extra = sorted(requested - ORDERS_ALLOWED_INCLUDED_DATA)
            raise PiiRequestRefused(f"includedData {extra} is not on the orders allow-list")
