"""Deterministic listing health of the simulated catalogue (Listings Items 2021-08-01).

Pure functions of the SKU's position in the seller's catalogue (``index``), so tests can compute
every expected answer without asking the simulator. Each listing-attention case occurs:

- ``index % 9 == 4``: discoverable but not buyable, with an ERROR issue (missing attribute);
- ``index % 11 == 5``: a WARNING issue (image resolution); the listing stays buyable;
- ``index % 29 == 14``: an INFO issue;
- ``index % 17 == 8``: suppressed: no status, an ERROR issue whose enforcement
  ``LISTING_SUPPRESSED`` is ``NOT_EXEMPT``, for that marketplace only;
- ``index % 23 == 11``: inactive (neither BUYABLE nor DISCOVERABLE) without any issue;
- ``index % 10 == 3``: the price moves by one step (0.50, or 50 in JPY) each time the test
  hook ``POST /_sim/sellers/{spid}/reprice`` bumps the seller's price revision;
- ``index % 3 == 0``: merchant-fulfilled (``DEFAULT``) with quantity ``index % 40``; every other
  listing is fulfilled by Amazon with the FBA fulfillable quantity of that marketplace (0 for
  SKUs out of stock there), so "no fulfillment availability" follows the inventory.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .catalogue import MARKETPLACES_BY_ID, Sku

SUPPRESSING_ACTION = "LISTING_SUPPRESSED"


def is_suppressed(index: int) -> bool:
    return index % 17 == 8


def listing_status(index: int) -> list[str]:
    if is_suppressed(index) or index % 23 == 11:
        return []
    if index % 9 == 4:
        return ["DISCOVERABLE"]
    return ["BUYABLE", "DISCOVERABLE"]


def listing_issues(index: int, marketplace_id: str) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = []
    if index % 9 == 4:
        issues.append(
            {
                "code": "90220",
                "message": "'size' is required but not supplied.",
                "severity": "ERROR",
                "attributeNames": ["size"],
                "categories": ["MISSING_ATTRIBUTE"],
            }
        )
    if index % 11 == 5:
        issues.append(
            {
                "code": "18027",
                "message": "The main image is below the recommended 1000 pixels.",
                "severity": "WARNING",
                "attributeNames": ["main_product_image_locator"],
                "categories": ["INVALID_IMAGE"],
            }
        )
    if index % 29 == 14:
        issues.append(
            {
                "code": "99300",
                "message": "Adding a bullet point may improve discoverability.",
                "severity": "INFO",
                "categories": [],
            }
        )
    if is_suppressed(index):
        issues.append(
            {
                "code": "8541",
                "message": "The listing was removed from search: a safety attribute is invalid.",
                "severity": "ERROR",
                "attributeNames": ["safety_data_sheet_url"],
                "categories": ["INVALID_ATTRIBUTE"],
                "enforcements": {
                    "actions": [{"action": SUPPRESSING_ACTION}],
                    "exemption": {"status": "NOT_EXEMPT"},
                },
                "marketplaceIds": [marketplace_id],
            }
        )
    return issues


def listing_price(sku: Sku, index: int, currency: str, revision: int) -> Decimal:
    price = sku.price(currency)
    if index % 10 == 3 and revision:
        step = Decimal("50") if currency == "JPY" else Decimal("0.50")
        price += step * revision
    return price


def fba_channel(marketplace_id: str) -> str:
    market = MARKETPLACES_BY_ID[marketplace_id]
    if market.country_code == "JP":
        return "AMAZON_JP"
    return {"NA": "AMAZON_NA", "EU": "AMAZON_EU"}.get(market.region, "AMAZON_FE")


def fulfillment_availability(
    index: int, marketplace_id: str, fba_fulfillable: int
) -> list[dict[str, Any]]:
    if index % 3 == 0:
        return [{"fulfillmentChannelCode": "DEFAULT", "quantity": index % 40}]
    return [{"fulfillmentChannelCode": fba_channel(marketplace_id), "quantity": fba_fulfillable}]
