from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from minthub_api.amazon import (
    LWA_TOKEN_URL,
    AccessToken,
    LwaClient,
    LwaError,
    LwaInvalidClient,
    LwaInvalidGrant,
    LwaTemporaryError,
    LwaTokens,
    build_code_exchange_form,
    build_refresh_form,
    parse_token_response,
)
from tests.amazon.conftest import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeTime, lwa_ok

CODE = "ANDfzIhWfKlyvbPLvxZm"
REDIRECT = "https://minthub.example.com/amazon/oauth/callback"
INVALID_GRANT_CODE = {
    "error": "invalid_grant",
    "error_description": "The request has an invalid grant parameter : code",
}
INVALID_GRANT_REFRESH = {
    "error": "invalid_grant",
    "error_description": "The request has an invalid grant parameter : refresh_token. "
    "User may have revoked or didn't grant the permission.",
}
INVALID_CLIENT = {"error": "invalid_client", "error_description": "Client authentication failed"}
SERVER_ERROR = {"error": "server_error", "error_description": "Internal error"}


def form_of(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode(), strict_parsing=True).items()}


class TestForms:
    def test_code_exchange_form(self) -> None:
        assert build_code_exchange_form(
            code=CODE, redirect_uri=REDIRECT, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        ) == {
            "grant_type": "authorization_code",
            "code": CODE,
            "redirect_uri": REDIRECT,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }

    def test_refresh_form(self) -> None:
        assert build_refresh_form(
            refresh_token=REFRESH_TOKEN, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        ) == {
            "grant_type": "refresh_token",
            "refresh_token": REFRESH_TOKEN,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }


class TestParseTokenResponse:
    def test_success(self) -> None:
        tokens = parse_token_response(200, lwa_ok(1).json())
        assert tokens == LwaTokens("Atza|IwEBAccess1+tok/en==", REFRESH_TOKEN, 3600, "bearer")

    def test_refresh_response_without_refresh_token_keeps_the_sent_one(self) -> None:
        body = {"access_token": "Atza|x", "token_type": "bearer", "expires_in": 3600}
        assert parse_token_response(200, body, sent_refresh_token="Atzr|y").refresh_token == (
            "Atzr|y"
        )
        with pytest.raises(LwaError):
            parse_token_response(200, body)

    @pytest.mark.parametrize(
        ("status", "body", "exc"),
        [
            (400, INVALID_GRANT_CODE, LwaInvalidGrant),
            (400, INVALID_GRANT_REFRESH, LwaInvalidGrant),
            (401, INVALID_CLIENT, LwaInvalidClient),
            (401, None, LwaInvalidClient),
            (400, {"error": "unauthorized_client"}, LwaInvalidClient),
            (500, SERVER_ERROR, LwaTemporaryError),
            (503, {"error": "temporarily_unavailable"}, LwaTemporaryError),
            (502, "<html>bad gateway</html>", LwaTemporaryError),
            (400, {"error": "invalid_request"}, LwaError),
            (200, {"unexpected": True}, LwaError),
        ],
    )
    def test_errors(self, status: int, body: object, exc: type[LwaError]) -> None:
        with pytest.raises(exc) as info:
            parse_token_response(status, body)
        assert type(info.value) is exc
        assert info.value.status_code == status


class TestExchangeCode:
    async def test_posts_form_and_returns_tokens(
        self, lwa: LwaClient, router: respx.MockRouter
    ) -> None:
        route = router.post(LWA_TOKEN_URL).mock(return_value=lwa_ok(1))
        tokens = await lwa.exchange_code(CODE, REDIRECT)
        assert tokens.refresh_token == REFRESH_TOKEN
        request = route.calls.last.request
        assert request.headers["content-type"].startswith("application/x-www-form-urlencoded")
        assert form_of(request) == build_code_exchange_form(
            code=CODE, redirect_uri=REDIRECT, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        )

    async def test_invalid_grant_is_not_retried(
        self, lwa: LwaClient, router: respx.MockRouter
    ) -> None:
        route = router.post(LWA_TOKEN_URL).mock(
            return_value=httpx.Response(400, json=INVALID_GRANT_CODE)
        )
        with pytest.raises(LwaInvalidGrant) as info:
            await lwa.exchange_code(CODE, REDIRECT)
        assert route.call_count == 1
        assert info.value.error == "invalid_grant"
        assert CODE not in str(info.value) and CODE not in repr(info.value)

    async def test_read_timeout_is_not_retried_because_the_code_is_single_use(
        self, lwa: LwaClient, router: respx.MockRouter
    ) -> None:
        route = router.post(LWA_TOKEN_URL).mock(side_effect=httpx.ReadTimeout("slow"))
        with pytest.raises(LwaTemporaryError):
            await lwa.exchange_code(CODE, REDIRECT)
        assert route.call_count == 1

    async def test_connect_error_is_retried(
        self, lwa: LwaClient, router: respx.MockRouter
    ) -> None:
        route = router.post(LWA_TOKEN_URL).mock(
            side_effect=[httpx.ConnectError("refused"), lwa_ok(1)]
        )
        assert (await lwa.exchange_code(CODE, REDIRECT)).access_token.startswith("Atza|")
        assert route.call_count == 2


class TestRefresh:
    async def test_returns_access_token_with_expiry(
        self, lwa: LwaClient, router: respx.MockRouter, fake_time: FakeTime
    ) -> None:
        route = router.post(LWA_TOKEN_URL).mock(return_value=lwa_ok(1, expires_in=3600))
        token = await lwa.refresh(REFRESH_TOKEN)
        expected = AccessToken("Atza|IwEBAccess1+tok/en==", fake_time.wall + timedelta(hours=1))
        assert token == expected
        assert form_of(route.calls.last.request) == build_refresh_form(
            refresh_token=REFRESH_TOKEN, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        )

    async def test_invalid_grant_means_revoked(
        self, lwa: LwaClient, router: respx.MockRouter
    ) -> None:
        router.post(LWA_TOKEN_URL).mock(
            return_value=httpx.Response(400, json=INVALID_GRANT_REFRESH)
        )
        with pytest.raises(LwaInvalidGrant):
            await lwa.refresh(REFRESH_TOKEN)

    async def test_invalid_client_401(self, lwa: LwaClient, router: respx.MockRouter) -> None:
        route = router.post(LWA_TOKEN_URL).mock(
            return_value=httpx.Response(401, json=INVALID_CLIENT)
        )
        with pytest.raises(LwaInvalidClient):
            await lwa.refresh(REFRESH_TOKEN)
        assert route.call_count == 1

    async def test_server_error_retried_with_backoff(
        self, lwa: LwaClient, router: respx.MockRouter, fake_time: FakeTime
    ) -> None:
        route = router.post(LWA_TOKEN_URL).mock(
            side_effect=[
                httpx.Response(500, json=SERVER_ERROR),
                httpx.Response(503, json={"error": "temporarily_unavailable"}),
                httpx.ConnectError("refused"),
                lwa_ok(7),
            ]
        )
        token = await lwa.refresh(REFRESH_TOKEN)
        assert token.value == "Atza|IwEBAccess7+tok/en=="
        assert route.call_count == 4
        # rand() = 0.5 → half of base * 2**(n-1): 0.25, 0.5, 1.0
        assert fake_time.sleeps == [0.25, 0.5, 1.0]

    async def test_server_error_gives_up_after_max_retries(
        self, lwa: LwaClient, router: respx.MockRouter
    ) -> None:
        route = router.post(LWA_TOKEN_URL).mock(
            return_value=httpx.Response(500, json=SERVER_ERROR)
        )
        with pytest.raises(LwaTemporaryError):
            await lwa.refresh(REFRESH_TOKEN)
        assert route.call_count == 4  # 1 + max_retries (3)


class TestRepr:
    def test_tokens_and_secrets_are_masked(self, lwa: LwaClient) -> None:
        tokens = parse_token_response(200, lwa_ok(1).json())
        token = AccessToken("Atza|secret", datetime(2026, 1, 1, tzinfo=UTC))
        for text in (repr(tokens), str(tokens), repr(token), str(token), repr(lwa)):
            assert "Atza|" not in text and "Atzr|" not in text
            assert CLIENT_SECRET not in text
        assert "***" in repr(tokens) and "***" in repr(token)
