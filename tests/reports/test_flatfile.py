"""Fixtures per marketplace (US, JP, DE, FR, ES, IT) and report type → canonical rows.

The expected rows are written out here by hand, from what each fixture line says, not derived
from the parser's header tables or number rules.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from minthub_api.amazon.errors import ReportCharsetError
from minthub_api.reports import (
    INVENTORY,
    LISTINGS,
    ORDERS,
    RESTOCK,
    BadValueError,
    MissingColumnError,
    Money,
    decode_report,
    parse_report,
)

FIXTURES = Path(__file__).parent / "fixtures"
MARKETS = {
    "us": ("ATVPDKIKX0DER", "USD", "en"),
    "jp": ("A1VC38T7YXB528", "JPY", "ja"),
    "de": ("A1PA6795UKMFR9", "EUR", "de"),
    "fr": ("A13V1IB3VIYZZH", "EUR", "fr"),
    "es": ("A1RKKUPIHCS9HS", "EUR", "es"),
    "it": ("APJ6JRA9NG5V4", "EUR", "it"),
}
# The charset each fixture was written in, as the download's Content-Type would declare it.
DECLARED = {"jp": "windows-31j", "de": "Cp1252", "fr": "Cp1252", "es": "Cp1252", "it": "Cp1252"}
US_DECLARED = {
    "listings": "Cp1252",
    "inventory": "ISO-8859-1",
    "orders": "UTF-8",
    "restock": "ISO-8859-1",
}
# Prices: the big one, the small one, (orders) the tax and the shipping of the first line.
PRICES = {
    "USD": ("1234.50", "12.99", "2469.00", "197.52", "4.99"),
    "EUR": ("1234.50", "12.99", "2469.00", "197.52", "4.99"),
    "JPY": ("1980", "300", "3960", "360", "0"),
}
NAMES = {
    "us": ("Mint Hub Ceramic Mug, 350 ml \u2013 Mint", 'Tea Infuser "Deluxe"'),
    "jp": ("ステンレス製マグカップ 350ml ミントグリーン", '茶こし "デラックス"'),
    "de": (
        "Edelstahl-Trinkflasche für Kinder, 500 ml \u2013 Grün",
        'Teesieb "Deluxe" \u2013 Größe M',
    ),
    "fr": ("Mug en céramique, 350 ml \u2013 Menthe", 'Infuseur à thé "Deluxe"'),
    "es": ("Taza de cerámica, 350 ml \u2013 Menta", 'Infusor de té "Deluxe"'),
    "it": ("Tazza in ceramica, 350 ml \u2013 Menta", 'Infusore per tè "Deluxe"'),
}
FBA_CHANNEL = {"us": "AMAZON_NA", "jp": "AMAZON_JP"}
PII_VALUES = ("PII", "buyer-pii@example.com")


def load(kind: str, market: str) -> str:
    data = (FIXTURES / f"{kind}_{market}.tsv").read_bytes()
    charset = DECLARED.get(market) or US_DECLARED[kind]
    return decode_report(data, charset=charset, marketplace_id=MARKETS[market][0])


def money(market: str, index: int) -> Money:
    currency = MARKETS[market][1]
    return Money(Decimal(PRICES[currency][index]), currency)


@pytest.mark.parametrize("market", list(MARKETS))
class TestFixtures:
    def test_listings(self, market: str) -> None:
        marketplace_id, _, language = MARKETS[market]
        parsed = parse_report(
            load("listings", market), report_type=LISTINGS, marketplace_id=marketplace_id
        )
        assert parsed.language == language
        assert len(parsed.ignored_columns) == 1  # the unknown last column
        assert parsed.rows == [
            {
                "item_name": NAMES[market][0],
                "listing_id": "0101ABC",
                "sku": "MINT-MUG-350",
                "price": money(market, 0),
                "quantity": 3,
                "open_date": datetime(2025, 6, 1, 15, 0, tzinfo=UTC),
                "asin": "B0MINT0001",
                "fulfillment_channel": "DEFAULT",
                "status": "Active",
            },
            {
                "item_name": NAMES[market][1],
                "listing_id": "0102ABC",
                "sku": 'TEA "Q"-01',
                "price": money(market, 1),
                "quantity": None,
                "open_date": datetime(2013, 1, 7, 15, 35, 42, tzinfo=UTC),
                "asin": "B0TEA00002",
                "fulfillment_channel": FBA_CHANNEL.get(market, "AMAZON_EU"),
                "status": "Inactive",
            },
        ]

    def test_restock(self, market: str) -> None:
        marketplace_id, currency, language = MARKETS[market]
        parsed = parse_report(
            load("restock", market), report_type=RESTOCK, marketplace_id=marketplace_id
        )
        assert parsed.language == language
        assert len(parsed.ignored_columns) == 1  # the column we don't know
        first, second = parsed.rows
        sales = Decimal("1234") if currency == "JPY" else Decimal("1234.50")
        price = Decimal("1980") if currency == "JPY" else Decimal("24.99")
        assert {k: first[k] for k in first if k not in ("country", "product_name")} == {
            "fnsku": "X00MINT001",
            "sku": "MINT-MUG-350",
            "asin": "B0MINT0001",
            "currency": currency,
            "price": Money(price, currency),
            "sales_last_30_days": Money(sales, currency),
            "units_sold_last_30_days": 49,
            "inbound": 12,
            "available": 0,
            "total_days_of_supply": 7,
            "days_of_supply_at_amazon": 0,
            "alert": "out_of_stock",
            "recommended_replenishment_qty": 1227,
            "recommended_ship_date": date(2026, 7, 4),  # 07/04 in the US, 04/07 in Europe
        }
        assert second["sku"] == 'TEA "Q"-01' and second["recommended_replenishment_qty"] == 0
        assert second["recommended_ship_date"] is None and second["total_days_of_supply"] is None
        assert second["alert"] == ""

    def test_inventory(self, market: str) -> None:
        marketplace_id, _, language = MARKETS[market]
        parsed = parse_report(
            load("inventory", market), report_type=INVENTORY, marketplace_id=marketplace_id
        )
        assert parsed.language == language
        assert parsed.ignored_columns == ()
        first, second = parsed.rows
        assert first["sku"] == "MINT-MUG-350" and first["fnsku"] == "X00MINT001"
        assert first["your_price"] == money(market, 0)
        assert (first["mfn_listing_exists"], first["afn_listing_exists"]) == (False, True)
        assert first["mfn_fulfillable_quantity"] is None
        assert [
            first[c]
            for c in (
                "afn_warehouse_quantity",
                "afn_fulfillable_quantity",
                "afn_unsellable_quantity",
                "afn_reserved_quantity",
                "afn_total_quantity",
                "afn_inbound_working_quantity",
                "afn_inbound_shipped_quantity",
                "afn_inbound_receiving_quantity",
                "afn_researching_quantity",
            )
        ] == [1204, 1180, 4, 20, 1234, 10, 15, 5, 2]
        assert first["per_unit_volume"] == Decimal("0.35")
        assert second["sku"] == 'TEA "Q"-01' and second["your_price"] == money(market, 1)
        assert second["mfn_listing_exists"] is True and second["mfn_fulfillable_quantity"] == 7
        assert second["afn_researching_quantity"] is None  # trailing empty column kept
        assert second["per_unit_volume"] == Decimal("0.05")

    def test_orders(self, market: str) -> None:
        marketplace_id, currency, language = MARKETS[market]
        parsed = parse_report(
            load("orders", market), report_type=ORDERS, marketplace_id=marketplace_id
        )
        assert parsed.language == language
        assert len(parsed.dropped_columns) == 5  # city, state, postal code, PO number, email
        purchased = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
        updated = datetime(2025, 6, 2, 9, 30, tzinfo=UTC)
        country = "US" if market == "us" else market.upper()
        common = {
            "merchant_order_id": "",
            "purchase_date": purchased,
            "last_updated_date": updated,
            "currency": currency,
            "ship_country": country,
        }
        first, second, cancelled = parsed.rows
        assert first == {
            **common,
            "amazon_order_id": first["amazon_order_id"],
            "order_status": "Shipped",
            "fulfillment_channel": "Amazon",
            "sales_channel": first["sales_channel"],
            "sku": "MINT-MUG-350",
            "asin": "B0MINT0001",
            "item_status": "Shipped",
            "quantity": 2,
            "item_price": money(market, 2),
            "item_tax": money(market, 3),
            "shipping_price": money(market, 4),
            "is_business_order": False,
        }
        assert str(first["amazon_order_id"]).endswith("-0000001-0000001")
        assert second["sku"] == 'TEA "Q"-01' and second["item_price"] == money(market, 1)
        assert second["item_tax"] is None and second["shipping_price"] is None
        assert cancelled["order_status"] == "Cancelled" and cancelled["quantity"] == 0
        assert cancelled["item_price"] is None and cancelled["is_business_order"] is True


class TestPrivacy:
    @pytest.mark.parametrize("market", list(MARKETS))
    def test_buyer_columns_are_dropped(self, market: str) -> None:
        parsed = parse_report(
            load("orders", market), report_type=ORDERS, marketplace_id=MARKETS[market][0]
        )
        forbidden = {"ship_city", "ship_state", "ship_postal_code", "purchase_order_number"}
        assert not forbidden & {key for row in parsed.rows for key in row}
        dump = repr(parsed)
        assert not any(value in dump for value in PII_VALUES)

    def test_every_buyer_column_variant_is_dropped(self) -> None:
        header = (
            "amazon-order-id\tpurchase-date\tsku\tquantity\tbuyer-name\tbuyer-phone-number\t"
            "recipient-name\tship-address-1\tship-address-2\tbill-address-1\tbill-city\t"
            "ship-phone-number\tship-country"
        )
        line = "1\t2025-06-01T08:00:00+00:00\tS\t1\t" + "\t".join(["SECRET"] * 8) + "\tUS"
        parsed = parse_report(
            f"{header}\n{line}\n", report_type=ORDERS, marketplace_id="ATVPDKIKX0DER"
        )
        assert len(parsed.dropped_columns) == 8
        assert "SECRET" not in repr(parsed)
        assert parsed.rows[0]["ship_country"] == "US"


class TestCharset:
    def test_undecodable_bytes_name_the_charset_and_offset(self) -> None:
        data = (FIXTURES / "listings_de.tsv").read_bytes()
        broken = data[:200] + b"\x81" + data[200:]  # 0x81 is undefined in windows-1252
        with pytest.raises(ReportCharsetError) as caught:
            decode_report(broken, charset="Cp1252", marketplace_id="A1PA6795UKMFR9")
        assert caught.value.offset == 200 and caught.value.byte == 0x81
        assert caught.value.charset == "Cp1252"
        assert "Cp1252" in str(caught.value) and "offset 200" in str(caught.value)

    def test_japanese_bytes_under_the_wrong_charset_are_an_error(self) -> None:
        data = (FIXTURES / "listings_jp.tsv").read_bytes()
        with pytest.raises(ReportCharsetError, match="UTF-8"):
            decode_report(data, charset="UTF-8", marketplace_id="A1VC38T7YXB528")

    def test_missing_charset_uses_the_marketplace_default(self) -> None:
        data = (FIXTURES / "listings_jp.tsv").read_bytes()
        text = decode_report(data, charset=None, marketplace_id="A1VC38T7YXB528")
        assert text.startswith("商品名\t")
        with pytest.raises(ReportCharsetError, match="cp1252"):
            # The same bytes as if it were a German document: cp1252 can't read them all.
            decode_report(data, charset=None, marketplace_id="A1PA6795UKMFR9")


class TestHeaderErrors:
    def test_missing_required_column_is_named(self) -> None:
        with pytest.raises(MissingColumnError, match="'sku'") as caught:
            parse_report(
                "item-name\tprice\nMug\t1.00\n",
                report_type=LISTINGS,
                marketplace_id="ATVPDKIKX0DER",
            )
        assert caught.value.column == "sku"
        assert "seller-sku" in str(caught.value) and "出品者SKU" in str(caught.value)

    def test_optional_columns_may_be_missing(self) -> None:
        parsed = parse_report(
            "Händler-SKU\nA-1\n", report_type=LISTINGS, marketplace_id="A1PA6795UKMFR9"
        )
        assert parsed.rows == [{"sku": "A-1"}] and parsed.language == "de"

    def test_bad_number_names_line_and_column(self) -> None:
        text = "sku\tafn-total-quantity\nA\t12\nB\tlots\n"
        with pytest.raises(BadValueError, match=r"line 3, column 'afn_total_quantity'"):
            parse_report(text, report_type=INVENTORY, marketplace_id="ATVPDKIKX0DER")
