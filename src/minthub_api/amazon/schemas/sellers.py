"""Sellers v1 `getMarketplaceParticipations` payloads (`sellers.json`)."""

from __future__ import annotations

from pydantic import Field

from minthub_api.amazon.schemas.base import SpApiModel


class MarketplaceInfo(SpApiModel):
    """The model's `Marketplace` definition (renamed: `regions.Marketplace` is ours)."""

    id: str
    name: str
    country_code: str
    default_currency_code: str
    default_language_code: str
    domain_name: str


class Participation(SpApiModel):
    is_participating: bool
    has_suspended_listings: bool


class MarketplaceParticipation(SpApiModel):
    marketplace: MarketplaceInfo
    participation: Participation
    store_name: str


class GetMarketplaceParticipationsResponse(SpApiModel):
    payload: list[MarketplaceParticipation] = Field(default_factory=list)
