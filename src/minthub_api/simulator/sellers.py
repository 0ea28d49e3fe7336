"""getMarketplaceParticipations (Sellers v1, ../shared/spapi-models/sellers.json).

The simulator can't know a seller's region (SPAPI-NOTES §1.1: authorization is regional, but the
simulated consent page has one host and tokens record nothing about region), so every seller
participates in all 11 marketplaces of ``catalogue.MARKETPLACES`` (NA: US/CA/MX, EU:
DE/FR/IT/ES/UK, FE: JP/AU/SG). Clients must intersect with their store's region themselves.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .catalogue import MARKETPLACES, seller_rng
from .params import parse_query
from .spapi import begin

router = APIRouter()

OPERATION = "getMarketplaceParticipations"
_STORE_NAMES = ["Mint Hub Home", "Greenleaf Kitchenware", "Northwind Goods", "Sage & Stone",
                "Blue Heron Supply", "Küchenglück", "みどり雑貨店"]


@router.get("/sellers/v1/marketplaceParticipations")
async def get_marketplace_participations(request: Request) -> JSONResponse:
    caller = await begin(request, OPERATION)
    parse_query(request, ())  # no parameters: anything sent is an error
    rng = seller_rng(caller.state.config.seed, caller.selling_partner_id, "store")
    store_name = rng.choice(_STORE_NAMES)
    payload = [
        {
            "marketplace": {
                "id": m.id, "countryCode": m.country_code, "name": m.name,
                "defaultCurrencyCode": m.currency, "defaultLanguageCode": m.language,
                "domainName": m.domain,
            },
            "storeName": store_name,
            "participation": {"isParticipating": True, "hasSuspendedListings": False},
        }
        for m in MARKETPLACES
    ]
    return JSONResponse({"payload": payload})
