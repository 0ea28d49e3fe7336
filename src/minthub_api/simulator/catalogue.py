"""Deterministic seller data: marketplaces, SKU catalogue and FBA inventory.

Everything derives from ``random.Random(f"{seed}:{selling_partner_id}:...")`` (string seeds are
hashed with SHA-512, so values are stable across processes and restarts). Absolute timestamps are
"day anchor minus a fixed offset", the anchor being today's 00:00 UTC: the data moves with the
calendar but is stable within a day.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@dataclass(frozen=True)
class Marketplace:
    id: str
    country_code: str  # ISO 3166-1 (the UK is "GB", SPAPI-NOTES §4.2)
    name: str
    currency: str
    language: str
    domain: str
    region: str
    order_prefixes: tuple[str, ...]


# The simulator cannot tell a seller's region (consent has no host, the token records nothing),
# so every seller participates in these 11 marketplaces of NA/EU/FE (ids: SPAPI-NOTES §4.2).
MARKETPLACES: tuple[Marketplace, ...] = (
    Marketplace("ATVPDKIKX0DER", "US", "Amazon.com", "USD", "en_US", "www.amazon.com", "NA",
                ("111", "112", "113", "114")),
    Marketplace("A2EUQ1WTGCTBG2", "CA", "Amazon.ca", "CAD", "en_CA", "www.amazon.ca", "NA",
                ("701", "702")),
    Marketplace("A1AM78C64UM0Y8", "MX", "Amazon.com.mx", "MXN", "es_MX", "www.amazon.com.mx",
                "NA", ("701",)),
    Marketplace("A1PA6795UKMFR9", "DE", "Amazon.de", "EUR", "de_DE", "www.amazon.de", "EU",
                ("302", "303", "304", "305", "306")),
    Marketplace("A13V1IB3VIYZZH", "FR", "Amazon.fr", "EUR", "fr_FR", "www.amazon.fr", "EU",
                ("402", "403", "404", "405", "406", "407")),
    Marketplace("APJ6JRA9NG5V4", "IT", "Amazon.it", "EUR", "it_IT", "www.amazon.it", "EU",
                ("403", "404", "405", "406", "407")),
    Marketplace("A1RKKUPIHCS9HS", "ES", "Amazon.es", "EUR", "es_ES", "www.amazon.es", "EU",
                ("405", "406", "407", "408")),
    Marketplace("A1F83G8C2ARO7P", "GB", "Amazon.co.uk", "GBP", "en_GB", "www.amazon.co.uk", "EU",
                ("202", "203", "204", "205", "206")),
    Marketplace("A1VC38T7YXB528", "JP", "Amazon.co.jp", "JPY", "ja_JP", "www.amazon.co.jp", "FE",
                ("249", "250", "503")),
    Marketplace("A39IBJ37TRP1C6", "AU", "Amazon.com.au", "AUD", "en_AU", "www.amazon.com.au",
                "FE", ("249", "250")),
    Marketplace("A19VAU5U5O7RUS", "SG", "Amazon.sg", "SGD", "en_SG", "www.amazon.sg", "FE",
                ("171", "249")),
)
MARKETPLACES_BY_ID = {m.id: m for m in MARKETPLACES}
US = MARKETPLACES[0].id

# Rough FX from the USD list price; JPY has no minor unit.
_FX = {"USD": "1", "CAD": "1.37", "MXN": "17.2", "EUR": "0.92", "GBP": "0.79", "JPY": "150",
       "AUD": "1.52", "SGD": "1.35"}

_ITEMS = ["Ceramic Mug", "Tea Infuser", "Bamboo Cutting Board", "Water Bottle", "Travel Tumbler",
          "Cotton Tote Bag", "Desk Organizer", "Notebook", "Phone Stand", "Plant Pot",
          "Coffee Scoop", "Glass Jar", "Kitchen Towel Set", "Candle", "Lunch Box"]
_VARIANTS = ["Sage Green", "Charcoal", "Sand", "Ocean Blue", "Terracotta", "White", "Mint"]
_SIZES = ["250 ml", "350 ml", "500 ml", "Small", "Medium", "Large", "Set of 2", "Set of 4"]
_CONDITIONS = ["NewItem"] * 18 + ["UsedLikeNew", "UsedVeryGood"]

# Fixed first entries so every catalogue has the awkward shapes clients must handle:
# a space, a slash and a comma in the SKU (SPAPI-NOTES §6 URL encoding, §9.7), non-ASCII names.
_SPECIAL: list[tuple[str, str]] = [
    ("MINT MUG 350", "Mint Hub Ceramic Mug, 350 ml, Mint"),
    ("TEA/INFUSER-01", "Stainless Steel Tea Infuser / Strainer"),
    ("GIFT,SET-3PK", "Kitchen Gift Set, 3-Pack"),
    ("DE-FLASCHE-500", "Edelstahl-Trinkflasche für Kinder, 500 ml \u2013 Grün"),
    ("JP-MUG-350", "ステンレス製マグカップ 350ml ミントグリーン"),
    ("CN-BOARD-3", "竹制砧板 三件套"),
]


@dataclass(frozen=True)
class Sku:
    seller_sku: str
    asin: str
    fn_sku: str
    product_name: str
    condition: str
    list_price_usd: Decimal

    def price(self, currency: str) -> Decimal:
        value = self.list_price_usd * Decimal(_FX[currency])
        return value.quantize(Decimal("1") if currency == "JPY" else Decimal("0.01"))


def seller_rng(seed: int, selling_partner_id: str, purpose: str) -> random.Random:
    # Not for secrets: reproducible demo data is the point.
    return random.Random(f"{seed}:{selling_partner_id}:{purpose}")  # noqa: S311


def _code(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_ALNUM) for _ in range(n))


def build_catalogue(seed: int, selling_partner_id: str, size: int) -> list[Sku]:
    rng = seller_rng(seed, selling_partner_id, "catalogue")
    skus: list[Sku] = []
    seen: set[str] = set()
    for i in range(size):
        if i < len(_SPECIAL):
            sku, name = _SPECIAL[i]
        else:
            item, variant, size_label = (rng.choice(_ITEMS), rng.choice(_VARIANTS),
                                         rng.choice(_SIZES))
            name = f"Mint Hub {item}, {size_label}, {variant}"
            # Mix of seller-chosen SKUs and Amazon auto-generated ones ("GM-ZDPI-9B4E" style).
            if rng.random() < 0.7:
                sku = f"MH-{item.split()[-1][:4].upper()}-{i:04d}"
            else:
                sku = f"{_code(rng, 2)}-{_code(rng, 4)}-{_code(rng, 4)}"
        while sku in seen:
            sku += "-B"
        seen.add(sku)
        cents = rng.choice(["99", "49", "95", "00"])
        price = Decimal(f"{rng.randint(4, 89)}.{cents}")
        skus.append(Sku(sku, "B0" + _code(rng, 8), "X00" + _code(rng, 7), name,
                        rng.choice(_CONDITIONS), price))
    return skus


def build_inventory(seed: int, selling_partner_id: str, marketplace_id: str,
                    catalogue: list[Sku]) -> list[dict[str, Any]]:
    """Quantities per SKU for one marketplace; ``_offset`` is seconds before the day anchor."""
    rng = seller_rng(seed, selling_partner_id, f"inventory:{marketplace_id}")
    rows: list[dict[str, Any]] = []
    for sku in catalogue:
        profile = rng.choices(["stock", "low", "zero", "inbound", "damaged"],
                              weights=[50, 15, 12, 15, 8])[0]
        fulfillable = {"stock": rng.randint(20, 600), "low": rng.randint(1, 5), "zero": 0,
                       "inbound": rng.randint(0, 15), "damaged": rng.randint(0, 40)}[profile]
        working = rng.randint(10, 200) if profile == "inbound" else 0
        shipped = rng.randint(0, 120) if profile == "inbound" else 0
        receiving = rng.randint(0, 30) if profile == "inbound" and rng.random() < 0.5 else 0
        pending_order = rng.randint(0, min(fulfillable, 12)) if fulfillable else 0
        transship = rng.randint(0, 8) if rng.random() < 0.2 else 0
        fc_processing = rng.randint(0, 5) if rng.random() < 0.15 else 0
        damaged = [rng.randint(0, 6) if profile == "damaged" or rng.random() < 0.05 else 0
                   for _ in range(6)]
        researching = rng.randint(1, 4) if rng.random() < 0.08 else 0
        reserved = pending_order + transship + fc_processing
        unfulfillable = sum(damaged)
        total = fulfillable + working + shipped + receiving + reserved + unfulfillable + researching
        details: dict[str, Any] = {
            "fulfillableQuantity": fulfillable,
            "inboundWorkingQuantity": working,
            "inboundShippedQuantity": shipped,
            "inboundReceivingQuantity": receiving,
            "reservedQuantity": {"totalReservedQuantity": reserved,
                                 "pendingCustomerOrderQuantity": pending_order,
                                 "pendingTransshipmentQuantity": transship,
                                 "fcProcessingQuantity": fc_processing},
            "researchingQuantity": {
                "totalResearchingQuantity": researching,
                "researchingQuantityBreakdown": (
                    [{"name": "researchingQuantityInShortTerm", "quantity": researching}]
                    if researching else []),
            },
            "unfulfillableQuantity": {
                "totalUnfulfillableQuantity": unfulfillable,
                "customerDamagedQuantity": damaged[0], "warehouseDamagedQuantity": damaged[1],
                "distributorDamagedQuantity": damaged[2], "carrierDamagedQuantity": damaged[3],
                "defectiveQuantity": damaged[4], "expiredQuantity": damaged[5]},
        }
        rows.append({"sku": sku, "details": details, "total": total,
                     "_offset": rng.randint(0, 30 * 86400)})
    return rows


def summary(row: dict[str, Any], anchor: datetime, with_details: bool) -> dict[str, Any]:
    sku: Sku = row["sku"]
    out: dict[str, Any] = {
        "asin": sku.asin, "fnSku": sku.fn_sku, "sellerSku": sku.seller_sku,
        "condition": sku.condition,
    }
    if with_details:
        out["inventoryDetails"] = row["details"]
    out["lastUpdatedTime"] = iso(anchor - timedelta(seconds=row["_offset"]))
    out["productName"] = sku.product_name
    out["totalQuantity"] = row["total"]
    return out


def iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def day_anchor(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)
