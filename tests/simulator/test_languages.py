"""A seller's Seller Central language: configured from the environment, validated."""

from __future__ import annotations

import pytest

from minthub_api.simulator.config import SimulatorConfig
from minthub_api.simulator.reports_data import LISTINGS, charset_for, localize
from minthub_api.simulator.state import SimState

DE, JP, US = "A1PA6795UKMFR9", "A1VC38T7YXB528", "ATVPDKIKX0DER"


def test_languages_come_from_the_environment() -> None:
    config = SimulatorConfig.from_env({"MINTHUB_SIM_SELLER_LANGUAGES": "AJP=ja_JP, ADE=de_DE"})
    state = SimState(config)
    assert (state.language("AJP"), state.language("ADE"), state.language("AX")) == (
        "ja_JP",
        "de_DE",
        "en_US",
    )


@pytest.mark.parametrize("bad", ["xx_XX", "de", "ADE=", "zh_CN"])
def test_unsupported_language_is_refused(bad: str) -> None:
    entry = bad if "=" in bad else f"ADE={bad}"
    with pytest.raises(ValueError, match="Seller Central language"):
        SimState(SimulatorConfig(seller_languages=[entry]))


def test_charsets_by_language() -> None:
    assert charset_for(LISTINGS, US) == "Cp1252"  # unchanged English behaviour
    assert charset_for("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL", DE) == "UTF-8"
    assert charset_for("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL", DE, "de_DE") == (
        "Cp1252"
    )
    assert charset_for(LISTINGS, JP, "en_US") == "windows-31j"
    assert charset_for(LISTINGS, US, "ja_JP") == "windows-31j"


def test_localize_formats_numbers_and_dates() -> None:
    rows = [["seller-sku", "price", "open-date"], ["A", "1234.50", "x"]]
    assert localize(rows, LISTINGS, "en_US", DE) == rows
    assert localize(rows, LISTINGS, "de_DE", DE) == [
        ["Händler-SKU", "Preis", "Erstellungsdatum"],
        ["A", "1.234,50", "01.06.2025 17:00:00 MESZ"],
    ]
    assert localize(rows, LISTINGS, "fr_FR", DE)[1][1] == "1\u00a0234,50"
    assert localize(rows, LISTINGS, "ja_JP", JP)[1] == ["A", "1,234.50", "2025/06/02 00:00:00 JST"]
