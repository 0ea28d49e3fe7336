from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from minthub_api.reports.values import (
    conventions_for,
    parse_bool,
    parse_datetime,
    parse_decimal,
    parse_int,
)

US, UK, DE, FR, JP = (
    "ATVPDKIKX0DER",
    "A1F83G8C2ARO7P",
    "A1PA6795UKMFR9",
    "A13V1IB3VIYZZH",
    "A1VC38T7YXB528",
)


class TestParseDecimal:
    @pytest.mark.parametrize(
        ("text", "market", "language", "expected"),
        [
            ("1,234.56", US, "en", "1234.56"),
            ("1234.56", US, "en", "1234.56"),
            ("1.234,56", DE, "de", "1234.56"),
            ("1.234", DE, "de", "1234"),
            ("12,5", DE, "de", "12.5"),
            ("0.35", DE, "de", "0.35"),  # a dot with two decimals is still a decimal point
            ("1\u00a0234,56", FR, "fr", "1234.56"),
            ("1\u202f234,56", FR, "fr", "1234.56"),
            ("1,980", JP, "ja", "1980"),
            ("￥1,980", JP, "ja", "1980"),
            ("EUR 12,99", DE, "de", "12.99"),
            ("-4,50", DE, "de", "-4.50"),
        ],
    )
    def test_locale_formats(self, text: str, market: str, language: str, expected: str) -> None:
        assert parse_decimal(text, conventions_for(market, language)) == Decimal(expected)

    def test_empty_is_none_and_garbage_is_an_error(self) -> None:
        conv = conventions_for(US, "en")
        assert parse_decimal("  ", conv) is None
        with pytest.raises(ValueError, match="not a number"):
            parse_decimal("12.3.4", conv)
        with pytest.raises(ValueError, match="whole"):
            parse_int("1.5", conv)


class TestParseDatetime:
    @pytest.mark.parametrize(
        ("text", "market", "language", "expected"),
        [
            ("2013-01-07 07:35:42 PST", US, "en", datetime(2013, 1, 7, 15, 35, 42)),
            ("08/07/2016 10:12:40 BST", UK, "en", datetime(2016, 7, 8, 9, 12, 40)),
            ("07/08/2016 10:12:40 PDT", US, "en", datetime(2016, 7, 8, 17, 12, 40)),
            ("07.01.2013 07:35:42 MEZ", DE, "de", datetime(2013, 1, 7, 6, 35, 42)),
            ("07.01.2013", DE, "de", datetime(2013, 1, 6, 23, 0)),  # Berlin midnight
            ("2016/08/07 10:12:40 JST", JP, "ja", datetime(2016, 8, 7, 1, 12, 40)),
            ("2016/08/07", JP, "ja", datetime(2016, 8, 6, 15, 0)),
            ("2025-06-01T08:00:00+00:00", JP, "ja", datetime(2025, 6, 1, 8, 0)),
            ("2025-06-01T08:00:00Z", DE, "de", datetime(2025, 6, 1, 8, 0)),
            ("2025-06-01 10:00:00 +02:00", FR, "fr", datetime(2025, 6, 1, 8, 0)),
            ("2025-07-01 10:00:00", DE, "de", datetime(2025, 7, 1, 8, 0)),  # summer time
        ],
    )
    def test_to_utc(self, text: str, market: str, language: str, expected: datetime) -> None:
        value = parse_datetime(text, conventions_for(market, language))
        assert value == expected.replace(tzinfo=UTC) and value.tzinfo is UTC

    def test_unknown_zone_and_bad_dates_are_errors(self) -> None:
        conv = conventions_for(DE, "de")
        with pytest.raises(ValueError, match="time zone"):
            parse_datetime("07.01.2013 07:35:42 XYZ", conv)
        with pytest.raises(ValueError, match="not a date"):
            parse_datetime("31.02.2013", conv)


def test_yes_no_in_every_language() -> None:
    assert [parse_bool(t) for t in ("Yes", "はい", "Ja", "Oui", "Sí", "Sì", "true")] == [True] * 7
    assert [parse_bool(t) for t in ("No", "いいえ", "Nein", "Non", "false")] == [False] * 5
    assert parse_bool("") is None
    with pytest.raises(ValueError, match="yes/no"):
        parse_bool("maybe")
