from __future__ import annotations

import platform
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from urllib.parse import unquote

import pytest

from minthub_api.amazon import (
    build_user_agent,
    encode_path_segment,
    encode_query,
    format_datetime,
)


class TestUserAgent:
    def test_default_format(self) -> None:
        assert build_user_agent() == (
            f"MintHubOperations/0.1.0 (Language=Python/{platform.python_version()}; "
            f"Platform={platform.system()})"
        )

    def test_escapes_per_amazon_rules(self) -> None:
        agent = build_user_agent(
            "Mint/Hub\\Ops",
            "1.0(beta",
            language="Python/3.11.7",
            attributes={"Host": "a;b)c", "Odd=Name": "v"},
        )
        assert agent == (
            "Mint\\/Hub\\\\Ops/1.0\\(beta (Language=Python/3.11.7; Platform="
            f"{platform.system()}; Host=a\\;b\\)c; Odd\\=Name=v)"
        )

    def test_rejects_over_500_characters_and_control_characters(self) -> None:
        with pytest.raises(ValueError):
            build_user_agent(attributes={"Host": "h" * 480})
        with pytest.raises(ValueError):
            build_user_agent("Mint\r\nX-Injected: 1")


class TestEncodeQuery:
    def test_token_with_plus_slash_equals_is_encoded_exactly_once(self) -> None:
        token = "2YgYW55+IGNh/cm5hbCBwbGVhc3VyZS4=="
        query = encode_query({"nextToken": token})
        assert query == "nextToken=2YgYW55%2BIGNh%2Fcm5hbCBwbGVhc3VyZS4%3D%3D"
        assert unquote(query.split("=", 1)[1]) == token

    def test_an_already_encoded_token_is_not_decoded_but_encoded_once_more(self) -> None:
        # We send exactly what Amazon gave us: a token that contains "%2B" is sent as "%252B".
        assert encode_query({"nextToken": "a%2Bb"}) == "nextToken=a%252Bb"

    def test_arrays_are_comma_joined_and_items_encoded(self) -> None:
        query = encode_query({"marketplaceIds": ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"],
                              "sellerSkus": ["a b", "x/y", "ü"]})
        assert query == ("marketplaceIds=ATVPDKIKX0DER,A2EUQ1WTGCTBG2"
                         "&sellerSkus=a%20b,x%2Fy,%C3%BC")

    def test_array_items_with_commas_are_refused(self) -> None:
        with pytest.raises(ValueError):
            encode_query({"sellerSkus": ["A,B", "C"]})

    def test_scalars(self) -> None:
        class Color(StrEnum):
            RED = "RED"

        when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
        assert encode_query(
            {"details": True, "n": 5, "when": when, "c": Color.RED, "none": None, "empty": []}
        ) == "details=true&n=5&when=2026-01-02T03%3A04%3A05Z&c=RED"
        assert encode_query({"x": "!'()*"}) == "x=%21%27%28%29%2A"


class TestPathSegment:
    @pytest.mark.parametrize(
        ("sku", "encoded"),
        [
            ("MY SKU", "MY%20SKU"),
            ("A/B", "A%2FB"),
            ("A,B", "A%2CB"),
            ("A&B#C", "A%26B%23C"),
            ("テスト\uff06", "%E3%83%86%E3%82%B9%E3%83%88%EF%BC%86"),  # full-width ampersand
        ],
    )
    def test_encodes_everything_reserved(self, sku: str, encoded: str) -> None:
        assert encode_path_segment(sku) == encoded

    def test_empty_is_refused(self) -> None:
        with pytest.raises(ValueError):
            encode_path_segment("")


class TestFormatDatetime:
    def test_converts_to_utc_z(self) -> None:
        tokyo = timezone(timedelta(hours=9))
        assert format_datetime(datetime(2026, 1, 1, 9, 0, tzinfo=tokyo)) == "2026-01-01T00:00:00Z"
        assert format_datetime(datetime(2026, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)) == (
            "2026-01-01T00:00:00.123Z"
        )

    def test_naive_is_refused(self) -> None:
        with pytest.raises(ValueError):
            format_datetime(datetime(2026, 1, 1))
