"""Listings Items 2021-08-01 payloads (`listingsItems_2021-08-01.json`): fields we show."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import Field

from minthub_api.amazon.schemas.base import SpApiModel


class ItemImage(SpApiModel):
    link: str
    height: int
    width: int


class ItemSummaryByMarketplace(SpApiModel):
    marketplace_id: str
    asin: str | None = None
    product_type: str
    condition_type: str | None = None
    status: list[str] = Field(default_factory=list)
    fn_sku: str | None = None
    item_name: str | None = None
    created_date: datetime
    last_updated_date: datetime
    main_image: ItemImage | None = None


class IssueEnforcementAction(SpApiModel):
    action: str  # LISTING_SUPPRESSED, ATTRIBUTE_SUPPRESSED, CATALOG_ITEM_REMOVED, SEARCH_SUPPRESSED


class IssueExemption(SpApiModel):
    status: str  # EXEMPT, EXEMPT_UNTIL_EXPIRY_DATE, NOT_EXEMPT
    expiry_date: datetime | None = None


class IssueEnforcements(SpApiModel):
    actions: list[IssueEnforcementAction] = Field(default_factory=list)
    exemption: IssueExemption | None = None


class Issue(SpApiModel):
    code: str
    message: str
    severity: str
    attribute_names: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    enforcements: IssueEnforcements | None = None
    marketplace_ids: list[str] = Field(default_factory=list)  # empty: every marketplace


class Money(SpApiModel):
    currency_code: str
    amount: Decimal


class ItemOfferByMarketplace(SpApiModel):
    marketplace_id: str
    offer_type: str
    price: Money


class FulfillmentAvailability(SpApiModel):
    fulfillment_channel_code: str
    quantity: int | None = None


class Item(SpApiModel):
    sku: str
    summaries: list[ItemSummaryByMarketplace] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)
    offers: list[ItemOfferByMarketplace] = Field(default_factory=list)
    fulfillment_availability: list[FulfillmentAvailability] = Field(default_factory=list)


class Pagination(SpApiModel):
    next_token: str | None = None
    previous_token: str | None = None


class ItemSearchResults(SpApiModel):
    number_of_results: int
    pagination: Pagination | None = None
    items: list[Item] = Field(default_factory=list)

    @classmethod
    def parse(cls, body: Any) -> ItemSearchResults:
        return cls.model_validate(body or {"numberOfResults": 0, "items": []})
