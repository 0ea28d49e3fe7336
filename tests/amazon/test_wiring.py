"""`main.build_amazon`: sandbox hosts, overrides, roles and the shared limiter from settings."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from minthub_api.amazon import InMemoryRateLimiter, Region, SpApiRole
from minthub_api.amazon.throttle_pg import PostgresRateLimiter
from minthub_api.core.settings import ConfigurationError, Settings
from minthub_api.main import build_amazon

KEK = base64.b64encode(b"k" * 32).decode()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def settings(**kw: object) -> Settings:
    return Settings(token_kek=KEK, lwa_client_id="id", lwa_client_secret="s", **kw)  # type: ignore[arg-type]


class TestBuildAmazon:
    async def test_sandbox_hosts(self, http: httpx.AsyncClient) -> None:
        client = build_amazon(settings(spapi_sandbox=True), http).client
        assert client.base_url(Region.EU) == "https://sandbox.sellingpartnerapi-eu.amazon.com"
        prod = build_amazon(settings(), http).client
        assert prod.base_url(Region.FE) == "https://sellingpartnerapi-fe.amazon.com"

    async def test_override_wins_over_sandbox(self, http: httpx.AsyncClient) -> None:
        client = build_amazon(
            settings(spapi_sandbox=True, spapi_endpoint="http://127.0.0.1:9/"), http
        ).client
        assert client.base_url(Region.NA) == "http://127.0.0.1:9"

    async def test_roles_from_settings(self, http: httpx.AsyncClient) -> None:
        client = build_amazon(settings(spapi_roles="pricing, amazon_fulfillment"), http).client
        assert client.roles == {SpApiRole.pricing, SpApiRole.amazon_fulfillment}
        with pytest.raises(ConfigurationError, match="MINTHUB_SPAPI_ROLES"):
            build_amazon(settings(spapi_roles="pricing,finance"), http)

    async def test_postgres_limiter_with_an_engine(
        self, http: httpx.AsyncClient, database_url: str
    ) -> None:
        engine = create_async_engine(database_url)
        try:
            shared = build_amazon(settings(), http, engine).client
            assert isinstance(shared.rate_limiter, PostgresRateLimiter)
        finally:
            await engine.dispose()
        assert isinstance(build_amazon(settings(), http).client.rate_limiter, InMemoryRateLimiter)
