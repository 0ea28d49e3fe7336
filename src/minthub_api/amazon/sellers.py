"""Sellers v1: `getMarketplaceParticipations` (../shared/SPAPI-NOTES.md §5.7).

Used right after OAuth to learn which marketplaces a store sells in. The list may include
non-retail marketplace ids: intersect with `regions.MARKETPLACES` and `is_participating`.
"""

from __future__ import annotations

from minthub_api.amazon.client import StoreApi
from minthub_api.amazon.schemas.sellers import (
    GetMarketplaceParticipationsResponse,
    MarketplaceParticipation,
)

OPERATION = "getMarketplaceParticipations"
PATH = "/sellers/v1/marketplaceParticipations"


async def get_marketplace_participations(api: StoreApi) -> list[MarketplaceParticipation]:
    response = await api.request(OPERATION, "GET", PATH)
    return GetMarketplaceParticipationsResponse.model_validate(response.body or {}).payload
