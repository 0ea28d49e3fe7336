"""SP-API regions, endpoints and marketplaces.

Facts from ../shared/SPAPI-NOTES.md §4 (hosts §4.1, marketplace ids §4.2, Seller Central §4.3).
Authorization is per *region*: one refresh token works for every marketplace of its region and
only against that region's host.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Region(StrEnum):
    NA = "na"
    EU = "eu"
    FE = "fe"

    @property
    def endpoint(self) -> str:
        """Production SP-API base URL."""
        return f"https://sellingpartnerapi-{self.value}.amazon.com"

    @property
    def sandbox_endpoint(self) -> str:
        return f"https://sandbox.sellingpartnerapi-{self.value}.amazon.com"

    @property
    def seller_central_url(self) -> str:
        """Default Seller Central host for the consent URI (any host of the region works)."""
        return _DEFAULT_SELLER_CENTRAL[self]

    @property
    def default_marketplace_id(self) -> str:
        return _DEFAULT_MARKETPLACE[self]

    @property
    def default_marketplace(self) -> Marketplace:
        return MARKETPLACES[_DEFAULT_MARKETPLACE[self]]


# The LWA token endpoint is global, not regional.
LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"  # noqa: S105 - a URL, not a secret

_DEFAULT_SELLER_CENTRAL: dict[Region, str] = {
    Region.NA: "https://sellercentral.amazon.com",
    Region.EU: "https://sellercentral-europe.amazon.com",
    Region.FE: "https://sellercentral.amazon.co.jp",
}

_DEFAULT_MARKETPLACE: dict[Region, str] = {
    Region.NA: "ATVPDKIKX0DER",  # US
    Region.EU: "A1PA6795UKMFR9",  # DE
    Region.FE: "A1VC38T7YXB528",  # JP
}


@dataclass(frozen=True, slots=True)
class Marketplace:
    id: str
    country_code: str  # ISO 3166-1 alpha-2, as getMarketplaceParticipations returns it
    name: str
    region: Region
    seller_central_url: str
    currency: str
    # IANA zone for day boundaries in reports. Not from an Amazon table: our choice of the
    # marketplace's main local zone (Seller Central US reports in Pacific time).
    time_zone: str


def _mp(
    id_: str, cc: str, name: str, region: Region, sc: str, currency: str, tz: str
) -> Marketplace:
    return Marketplace(id_, cc, name, region, sc, currency, tz)


_NA, _EU, _FE = Region.NA, Region.EU, Region.FE
_SC_EUROPE = "https://sellercentral-europe.amazon.com"

MARKETPLACES: dict[str, Marketplace] = {
    m.id: m
    for m in (
        _mp("A2EUQ1WTGCTBG2", "CA", "Amazon.ca", _NA, "https://sellercentral.amazon.ca",
            "CAD", "America/Toronto"),
        _mp("ATVPDKIKX0DER", "US", "Amazon.com", _NA, "https://sellercentral.amazon.com",
            "USD", "America/Los_Angeles"),
        _mp("A1AM78C64UM0Y8", "MX", "Amazon.com.mx", _NA, "https://sellercentral.amazon.com.mx",
            "MXN", "America/Mexico_City"),
        _mp("A2Q3Y263D00KWC", "BR", "Amazon.com.br", _NA, "https://sellercentral.amazon.com.br",
            "BRL", "America/Sao_Paulo"),
        # IE and ZA Seller Central hosts are third-party sourced (§4.3 "Unverified").
        _mp("A28R8C7NBKEWEA", "IE", "Amazon.ie", _EU, "https://sellercentral.amazon.ie",
            "EUR", "Europe/Dublin"),
        _mp("A1RKKUPIHCS9HS", "ES", "Amazon.es", _EU, _SC_EUROPE, "EUR", "Europe/Madrid"),
        _mp("A1F83G8C2ARO7P", "GB", "Amazon.co.uk", _EU, _SC_EUROPE, "GBP", "Europe/London"),
        _mp("A13V1IB3VIYZZH", "FR", "Amazon.fr", _EU, _SC_EUROPE, "EUR", "Europe/Paris"),
        _mp("AMEN7PMS3EDWL", "BE", "Amazon.com.be", _EU, "https://sellercentral.amazon.com.be",
            "EUR", "Europe/Brussels"),
        _mp("A1805IZSGTT6HS", "NL", "Amazon.nl", _EU, "https://sellercentral.amazon.nl",
            "EUR", "Europe/Amsterdam"),
        _mp("A1PA6795UKMFR9", "DE", "Amazon.de", _EU, _SC_EUROPE, "EUR", "Europe/Berlin"),
        _mp("APJ6JRA9NG5V4", "IT", "Amazon.it", _EU, _SC_EUROPE, "EUR", "Europe/Rome"),
        _mp("A2NODRKZP88ZB9", "SE", "Amazon.se", _EU, "https://sellercentral.amazon.se",
            "SEK", "Europe/Stockholm"),
        _mp("AE08WJ6YKNBMC", "ZA", "Amazon.co.za", _EU, "https://sellercentral.amazon.co.za",
            "ZAR", "Africa/Johannesburg"),
        _mp("A1C3SOZRARQ6R3", "PL", "Amazon.pl", _EU, "https://sellercentral.amazon.pl",
            "PLN", "Europe/Warsaw"),
        _mp("ARBP9OOSHTCHU", "EG", "Amazon.eg", _EU, "https://sellercentral.amazon.eg",
            "EGP", "Africa/Cairo"),
        _mp("A33AVAJ2PDY3EV", "TR", "Amazon.com.tr", _EU, "https://sellercentral.amazon.com.tr",
            "TRY", "Europe/Istanbul"),
        _mp("A17E79C6D8DWNP", "SA", "Amazon.sa", _EU, "https://sellercentral.amazon.sa",
            "SAR", "Asia/Riyadh"),
        _mp("A2VIGQ35RCS4UG", "AE", "Amazon.ae", _EU, "https://sellercentral.amazon.ae",
            "AED", "Asia/Dubai"),
        # India is served by the EU endpoint (§4.2).
        _mp("A21TJRUUN4KGV", "IN", "Amazon.in", _EU, "https://sellercentral.amazon.in",
            "INR", "Asia/Kolkata"),
        _mp("A19VAU5U5O7RUS", "SG", "Amazon.sg", _FE, "https://sellercentral.amazon.sg",
            "SGD", "Asia/Singapore"),
        _mp("A39IBJ37TRP1C6", "AU", "Amazon.com.au", _FE, "https://sellercentral.amazon.com.au",
            "AUD", "Australia/Sydney"),
        _mp("A1VC38T7YXB528", "JP", "Amazon.co.jp", _FE, "https://sellercentral.amazon.co.jp",
            "JPY", "Asia/Tokyo"),
    )
}

# Amazon's own table writes the UK as "UK", while the Sellers API returns ISO "GB": accept both.
MARKETPLACES_BY_COUNTRY: dict[str, Marketplace] = {
    **{m.country_code: m for m in MARKETPLACES.values()},
    "UK": MARKETPLACES["A1F83G8C2ARO7P"],
}


def marketplaces_in(region: Region) -> list[Marketplace]:
    return [m for m in MARKETPLACES.values() if m.region is region]


def get_marketplace(marketplace_id: str) -> Marketplace | None:
    """The marketplace for an id, or None for ids we don't know (e.g. non-retail ones)."""
    return MARKETPLACES.get(marketplace_id)


def get_marketplace_by_country(country_code: str) -> Marketplace | None:
    return MARKETPLACES_BY_COUNTRY.get(country_code.upper())
