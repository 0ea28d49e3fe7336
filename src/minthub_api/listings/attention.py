"""Why a listing needs attention, as pure rules (README "Listings attention").

- restock: replenishment status out_of_stock (high), reorder_now (high), reorder_soon (medium)
- listing_issue: each issue; ERROR → high, WARNING → medium, anything else → low
- suppressed (high); inactive = neither BUYABLE nor DISCOVERABLE (high)
- price_changed: price differs from the price at the sync before (medium), with both prices
- no_fulfillment_availability: no channel with quantity > 0 (medium)
"""

from __future__ import annotations

from datetime import datetime

from minthub_api.listings.models import ListingSnapshot
from minthub_api.listings.schemas import AttentionReason
from minthub_api.replenishment.schemas import ReplenishmentItem

RANK = {"high": 0, "medium": 1, "low": 2}
RESTOCK = {"out_of_stock": "high", "reorder_now": "high", "reorder_soon": "medium"}


def restock_reasons(item: ReplenishmentItem) -> list[AttentionReason]:
    severity = RESTOCK.get(item.status)
    if severity is None:
        return []
    return [
        AttentionReason(
            kind="restock",
            severity=severity,
            detail=item.why,
            source="inventory+orders",
            synced_at=item.inputs.inventory_synced_at,
            synced_at_by_dataset={
                "inventory": item.inputs.inventory_synced_at,
                "orders": item.inputs.orders_synced_at,
            },
        )
    ]


def listing_reasons(row: ListingSnapshot) -> list[AttentionReason]:
    out: list[AttentionReason] = []
    at: datetime | None = row.synced_at

    def add(kind: str, severity: str, detail: str, **values: object) -> None:
        out.append(
            AttentionReason(
                kind=kind,
                severity=severity,
                detail=detail,
                source="listings",
                synced_at=at,
                synced_at_by_dataset={"listings": at},
                **values,
            )
        )

    for issue in row.issues or []:
        level = str(issue.get("severity", "")).upper()
        severity = {"ERROR": "high", "WARNING": "medium"}.get(level, "low")
        add(
            "listing_issue",
            severity,
            f"{level or 'Issue'} {issue.get('code', '')}: {issue.get('message', '')}".strip(),
        )
    if row.suppressed:
        add("suppressed", "high", "Amazon suppressed the listing: it is not shown to buyers.")
    elif not {"BUYABLE", "DISCOVERABLE"} & set(row.status or []):
        add("inactive", "high", "The listing is neither buyable nor discoverable.")
    if row.price is not None and row.previous_price is not None and row.price != row.previous_price:
        add(
            "price_changed",
            "medium",
            f"Price changed from {row.previous_price} to {row.price} {row.currency or ''} "
            "since the previous sync.".replace("  ", " "),
            price=row.price,
            previous_price=row.previous_price,
            currency=row.currency,
        )
    if not any(int(f.get("quantity") or 0) > 0 for f in row.fulfillment_availability or []):
        add(
            "no_fulfillment_availability",
            "medium",
            "No fulfillment channel offers a quantity above zero.",
        )
    return out


def highest(reasons: list[AttentionReason]) -> str:
    return min((r.severity for r in reasons), key=lambda s: RANK[s])
