import base64
import os

import pytest

from minthub_api.core.settings import ConfigurationError, Environment, Settings, check_settings


def production(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": Environment.production,
        "database_url": "postgresql+asyncpg://app@db/minthub",
        "public_url": "https://ops.example.com",
        "lwa_client_id": "amzn1.application-oa2-client.abc",
        "lwa_client_secret": "amzn1.oa2-cs.v1.realsecretvalue",
        "spapi_application_id": "amzn1.sp.solution.abc",
        "token_kek": base64.b64encode(os.urandom(32)).decode(),
    }
    return Settings(**(values | overrides))  # type: ignore[arg-type]


class TestCheckSettings:
    def test_complete_production_settings_start(self) -> None:
        check_settings(production())

    @pytest.mark.parametrize(
        ("field", "value", "named"),
        [
            ("lwa_client_secret", "", "MINTHUB_LWA_CLIENT_SECRET is not set"),
            (
                "lwa_client_secret",
                "changethis",
                "MINTHUB_LWA_CLIENT_SECRET still holds a placeholder",
            ),
            ("lwa_client_id", "", "MINTHUB_LWA_CLIENT_ID is not set"),
            ("spapi_application_id", "", "MINTHUB_SPAPI_APPLICATION_ID is not set"),
            ("token_kek", "", "MINTHUB_TOKEN_KEK is not set"),
            ("token_kek", "bm90LTMyLWJ5dGVz", "MINTHUB_TOKEN_KEK must decode to exactly 32 bytes"),
            ("public_url", "http://ops.example.com", "MINTHUB_PUBLIC_URL must be https://"),
        ],
    )
    def test_production_refuses_missing_or_placeholder(
        self, field: str, value: str, named: str
    ) -> None:
        with pytest.raises(ConfigurationError, match=named):
            check_settings(production(**{field: value}))

    def test_development_starts_without_secrets(self) -> None:
        check_settings(Settings(environment=Environment.development))

    def test_roles_parse_from_comma_list(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("MINTHUB_SPAPI_ROLES", "product_listing, inventory_and_order_tracking")
        assert Settings().spapi_roles == ["product_listing", "inventory_and_order_tracking"]

    def test_redirect_uri_derives_from_public_url(self) -> None:
        s = Settings(public_url="https://ops.example.com/")
        assert s.redirect_uri == "https://ops.example.com/api/v1/oauth/amazon/callback"


def test_env_example_lists_every_setting() -> None:
    """Operators configure from .env.example: every setting must be there, with its name."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / ".env.example").read_text(encoding="utf-8")
    missing = [f for f in Settings.model_fields if f"MINTHUB_{f.upper()}=" not in text]
    assert missing == []
