"""No token, code or secret ever shows up in an exception, a hook record or a repr."""

from __future__ import annotations

import httpx
import pytest
import respx

from minthub_api.amazon import (
    LWA_TOKEN_URL,
    AmazonError,
    LwaClient,
    SpApiClient,
    StoreApi,
)
from tests.amazon.conftest import (
    CLIENT_SECRET,
    EXPIRED,
    REFRESH_TOKEN,
    THROTTLED,
    Calls,
    access_token,
    credentials,
    serve,
    sp_response,
)

OP = "getMarketplaceParticipations"
PATH = "/sellers/v1/marketplaceParticipations"
CODE = "ANDfzIhWfKlyvbPLvxZm"
SECRETS = [access_token(n) for n in range(1, 20)] + [REFRESH_TOKEN, CLIENT_SECRET, CODE]


def texts_of(exc: BaseException) -> list[str]:
    """str/repr of the exception, its args and every exception chained to it."""
    out: list[str] = []
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        out += [str(link), repr(link), *map(repr, link.args), repr(vars(link))]
        link = link.__cause__ or link.__context__
    return out


def assert_clean(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text
        assert "Atza|" not in text and "Atzr|" not in text


LWA_FAILURES = [
    httpx.Response(400, json={"error": "invalid_grant", "error_description":
                              f"bad refresh_token {REFRESH_TOKEN}"}),
    httpx.Response(401, json={"error": "invalid_client"}),
    httpx.Response(500, json={"error": "server_error"}),
    httpx.ConnectError(f"refused while sending {CLIENT_SECRET}"),
]


@pytest.mark.parametrize("failure", LWA_FAILURES)
async def test_lwa_failures_during_a_call(
    sp_client: SpApiClient, router: respx.MockRouter, calls: Calls, failure: object
) -> None:
    kw = {"side_effect": failure} if isinstance(failure, Exception) else {"return_value": failure}
    router.post(LWA_TOKEN_URL).mock(**kw)
    api = sp_client.for_store(credentials(), on_call=calls.hook)
    with pytest.raises(AmazonError) as info:
        await api.request(OP, "GET", PATH)
    assert_clean(*texts_of(info.value))


async def test_code_exchange_failure(lwa: LwaClient, router: respx.MockRouter) -> None:
    router.post(LWA_TOKEN_URL).mock(return_value=httpx.Response(
        400, json={"error": "invalid_grant", "error_description": "invalid grant : code"}))
    with pytest.raises(AmazonError) as info:
        await lwa.exchange_code(CODE, "https://example.test/cb")
    assert_clean(*texts_of(info.value))


SP_FAILURES = [
    sp_response(403, EXPIRED),
    sp_response(429, THROTTLED),
    sp_response(400, {"errors": [{"code": "InvalidInput", "message": "bad token",
                                  "details": f"token {access_token(1)} rejected"}]}),
    httpx.ConnectError("refused"),
    httpx.ReadTimeout("slow"),
]


@pytest.mark.parametrize("failure", SP_FAILURES)
async def test_sp_api_failures(
    api: StoreApi, router: respx.MockRouter, calls: Calls, failure: httpx.Response | Exception
) -> None:
    serve(router, OP, failure)
    with pytest.raises(AmazonError) as info:
        await api.request(OP, "GET", PATH)
    assert_clean(*texts_of(info.value), *map(repr, calls.records))
    assert calls.records


def test_reprs(sp_client: SpApiClient, lwa: LwaClient, api: StoreApi) -> None:
    assert_clean(repr(sp_client), repr(lwa), repr(api), repr(credentials()))
