from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest
import respx

from minthub_api.amazon import (
    AmazonUnavailable,
    InMemoryRateLimiter,
    LwaClient,
    Region,
    SpApiBadRequest,
    SpApiCall,
    SpApiClient,
    SpApiNotFound,
    SpApiServerError,
    SpApiThrottled,
    SpApiUnauthorized,
    StoreApi,
)
from minthub_api.amazon.auth import AccessTokenCache
from tests.amazon.conftest import (
    DENIED,
    EXPIRED,
    SELLER_ID,
    THROTTLED,
    Calls,
    FakeTime,
    access_token,
    credentials,
    make_client,
    sandbox_examples,
    serve,
    sp_response,
)

OP = "getMarketplaceParticipations"
PATH = "/sellers/v1/marketplaceParticipations"
PARTICIPATIONS = sandbox_examples("sellers.json", OP, "200")[0]["response"]
BAD_REQUEST = sandbox_examples("orders_2026-01-01.json", "searchOrders", "400")[0]["response"]


async def call(api: StoreApi) -> Any:
    return await api.request(OP, "GET", PATH)


class TestHeaders:
    async def test_sends_auth_user_agent_date_and_accept(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        fake = serve(router, OP, sp_response(200, PARTICIPATIONS, rate_limit="0.016"))
        response = await call(api)
        assert response.status_code == 200 and response.body == PARTICIPATIONS
        assert response.request_id == "rid-1" and response.rate_limit == 0.016
        headers = fake.requests[0].headers
        assert headers["x-amz-access-token"] == access_token(1)
        assert re.fullmatch(
            r"MintHubOperations/0\.1\.0 \(Language=Python/3\.\d+\.\d+; Platform=\w+\)",
            headers["user-agent"],
        )
        assert headers["x-amz-date"] == "20260301T120000Z"
        assert headers["accept"] == "application/json"
        assert "authorization" not in headers

    @pytest.mark.parametrize(
        ("region", "sandbox", "override", "host"),
        [
            (Region.EU, False, None, "sellingpartnerapi-eu.amazon.com"),
            (Region.FE, True, None, "sandbox.sellingpartnerapi-fe.amazon.com"),
            (Region.NA, False, "https://sim.example.test/", "sim.example.test"),
        ],
    )
    async def test_host_follows_region_sandbox_and_override(
        self,
        http: httpx.AsyncClient,
        lwa: LwaClient,
        token_cache: AccessTokenCache,
        limiter: InMemoryRateLimiter,
        fake_time: FakeTime,
        router: respx.MockRouter,
        lwa_route: respx.Route,
        region: Region,
        sandbox: bool,
        override: str | None,
        host: str,
    ) -> None:
        client = make_client(
            http, lwa, token_cache, limiter, fake_time, sandbox=sandbox, endpoint_override=override
        )
        fake = serve(router, OP, sp_response(200, PARTICIPATIONS), host=host)
        await call(client.for_store(credentials(region=region)))
        assert str(fake.requests[0].url) == f"https://{host}{PATH}"

    def test_user_agent_is_bounded(
        self,
        http: httpx.AsyncClient,
        lwa: LwaClient,
        token_cache: AccessTokenCache,
        limiter: InMemoryRateLimiter,
    ) -> None:
        with pytest.raises(ValueError):
            SpApiClient(http, lwa, token_cache=token_cache, rate_limiter=limiter,
                        user_agent="x" * 501)


class TestAccessToken:
    async def test_token_is_reused_across_calls(
        self, api: StoreApi, router: respx.MockRouter, lwa_route: respx.Route
    ) -> None:
        fake = serve(router, OP, sp_response(200, PARTICIPATIONS))
        await call(api)
        await call(api)
        assert lwa_route.call_count == 1
        assert {r.headers["x-amz-access-token"] for r in fake.requests} == {access_token(1)}

    async def test_concurrent_first_calls_share_one_refresh(
        self, api: StoreApi, router: respx.MockRouter, lwa_route: respx.Route
    ) -> None:
        fake = serve(router, OP, sp_response(200, PARTICIPATIONS))
        await asyncio.gather(*(call(api) for _ in range(10)))
        assert lwa_route.call_count == 1 and len(fake.requests) == 10

    async def test_expired_403_refreshes_once_and_retries_once(
        self, api: StoreApi, router: respx.MockRouter, lwa_route: respx.Route
    ) -> None:
        fake = serve(router, OP, sp_response(403, EXPIRED), sp_response(200, PARTICIPATIONS))
        assert (await call(api)).status_code == 200
        assert lwa_route.call_count == 2
        sent = [r.headers["x-amz-access-token"] for r in fake.requests]
        assert sent == [access_token(1), access_token(2)]

    async def test_second_expired_403_raises_unauthorized(
        self, api: StoreApi, router: respx.MockRouter, lwa_route: respx.Route
    ) -> None:
        fake = serve(router, OP, sp_response(403, EXPIRED, request_id="rid-403"))
        with pytest.raises(SpApiUnauthorized) as info:
            await call(api)
        assert len(fake.requests) == 2 and lwa_route.call_count == 2
        assert info.value.request_id == "rid-403" and info.value.errors == EXPIRED["errors"]

    async def test_plain_access_denied_is_not_retried(
        self, api: StoreApi, router: respx.MockRouter, lwa_route: respx.Route
    ) -> None:
        fake = serve(router, OP, sp_response(403, DENIED))
        with pytest.raises(SpApiUnauthorized):
            await call(api)
        assert len(fake.requests) == 1 and lwa_route.call_count == 1


class TestRetries:
    async def test_429_honours_retry_after(
        self, api: StoreApi, router: respx.MockRouter, fake_time: FakeTime
    ) -> None:
        fake = serve(
            router,
            OP,
            sp_response(429, THROTTLED, headers={"Retry-After": "3"}),
            sp_response(429, THROTTLED),
            sp_response(200, PARTICIPATIONS),
        )
        assert (await call(api)).status_code == 200
        assert len(fake.requests) == 3
        # Retry-After first, then full-jitter backoff (rand 0.5 → 0.5 * 0.5 * 2**1).
        assert fake_time.sleeps == [3.0, 0.5]

    async def test_429_gives_up_after_max_retries(
        self, api: StoreApi, router: respx.MockRouter, fake_time: FakeTime
    ) -> None:
        fake = serve(router, OP, sp_response(429, THROTTLED, request_id="rid-429"))
        with pytest.raises(SpApiThrottled) as info:
            await call(api)
        assert len(fake.requests) == 5  # 1 + max_retries
        assert fake_time.sleeps == [0.25, 0.5, 1.0, 2.0]
        assert info.value.status_code == 429 and info.value.request_id == "rid-429"
        assert info.value.error_code == "QuotaExceeded"

    async def test_retry_after_beyond_the_cap_is_left_to_the_caller(
        self, api: StoreApi, router: respx.MockRouter, fake_time: FakeTime
    ) -> None:
        fake = serve(router, OP, sp_response(429, THROTTLED, headers={"Retry-After": "120"}))
        with pytest.raises(SpApiThrottled) as info:
            await call(api)
        assert len(fake.requests) == 1 and fake_time.sleeps == []
        assert info.value.retry_after == 120.0

    @pytest.mark.parametrize("status", [500, 502, 503, 504])
    async def test_5xx_retried(
        self, api: StoreApi, router: respx.MockRouter, status: int
    ) -> None:
        error = {"errors": [{"code": "InternalFailure", "message": "We encountered an error"}]}
        fake = serve(router, OP, sp_response(status, error), sp_response(200, PARTICIPATIONS))
        assert (await call(api)).status_code == 200
        assert len(fake.requests) == 2

    async def test_5xx_gives_up_with_server_error(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        fake = serve(router, OP, sp_response(503, {"errors": [{"code": "ServiceUnavailable",
                                                               "message": "try later"}]}))
        with pytest.raises(SpApiServerError):
            await call(api)
        assert len(fake.requests) == 5

    @pytest.mark.parametrize(
        "exc",
        [
            httpx.ConnectError("refused"),
            httpx.ReadTimeout("slow"),
            httpx.RemoteProtocolError("eof"),
        ],
    )
    async def test_network_errors_retried_then_unavailable(
        self, api: StoreApi, router: respx.MockRouter, exc: Exception
    ) -> None:
        fake = serve(router, OP, exc, sp_response(200, PARTICIPATIONS))
        assert (await call(api)).status_code == 200
        assert len(fake.requests) == 2
        fake.replies = [exc]
        with pytest.raises(AmazonUnavailable) as info:
            await call(api)
        assert info.value.attempts == 5
        # Nothing chained: the httpx exception holds the request with its token header.
        assert info.value.__cause__ is None and info.value.__context__ is None

    async def test_400_is_not_retried_and_carries_amazon_errors(
        self, api: StoreApi, router: respx.MockRouter
    ) -> None:
        fake = serve(router, OP, sp_response(400, BAD_REQUEST, request_id="rid-400"))
        with pytest.raises(SpApiBadRequest) as info:
            await call(api)
        assert len(fake.requests) == 1
        assert info.value.errors == BAD_REQUEST["errors"]
        assert info.value.request_id == "rid-400" and info.value.operation == OP
        assert "InvalidInput" in str(info.value) and "rid-400" in str(info.value)

    async def test_404_not_found(self, api: StoreApi, router: respx.MockRouter) -> None:
        serve(router, OP, sp_response(404, {"errors": [{"code": "NotFound", "message": "x"}]}))
        with pytest.raises(SpApiNotFound):
            await call(api)


class TestOnCall:
    async def test_called_once_per_attempt(
        self, api: StoreApi, router: respx.MockRouter, calls: Calls
    ) -> None:
        serve(
            router,
            OP,
            sp_response(429, THROTTLED, request_id="r1"),
            httpx.ConnectError("refused"),
            sp_response(200, PARTICIPATIONS, request_id="r3"),
        )
        await call(api)
        summary = [(c.operation, c.method, c.path, c.status_code, c.request_id, c.error_code)
                   for c in calls.records]
        assert summary == [
            (OP, "GET", PATH, 429, "r1", "QuotaExceeded"),
            (OP, "GET", PATH, None, None, "ConnectError"),
            (OP, "GET", PATH, 200, "r3", None),
        ]
        assert all(c.duration_ms >= 0 for c in calls.records)

    async def test_a_failing_hook_does_not_break_the_call(
        self, sp_client: SpApiClient, router: respx.MockRouter, lwa_route: respx.Route
    ) -> None:
        async def broken(call: SpApiCall) -> None:
            raise RuntimeError("audit table is down")

        serve(router, OP, sp_response(200, PARTICIPATIONS))
        api = sp_client.for_store(credentials(), on_call=broken)
        assert (await call(api)).status_code == 200


class TestRateLimiting:
    async def test_paced_per_seller_and_operation_and_learns_the_header(
        self,
        api: StoreApi,
        router: respx.MockRouter,
        limiter: InMemoryRateLimiter,
        fake_time: FakeTime,
    ) -> None:
        fake = serve(router, OP, sp_response(200, PARTICIPATIONS, rate_limit="2.5"))
        for _ in range(16):  # burst 15, then paced at the learned 2.5 rps
            await call(api)
        assert len(fake.requests) == 16
        assert limiter.rate_for((SELLER_ID, "na", OP)) == 2.5
        assert fake_time.sleeps == pytest.approx([0.4])

    async def test_missing_header_on_429_keeps_the_known_rate(
        self, api: StoreApi, router: respx.MockRouter, limiter: InMemoryRateLimiter
    ) -> None:
        serve(router, OP, sp_response(200, PARTICIPATIONS, rate_limit="0.5"),
              sp_response(429, THROTTLED), sp_response(200, PARTICIPATIONS))
        await call(api)
        await call(api)
        assert limiter.rate_for((SELLER_ID, "na", OP)) == 0.5


class TestJsonBody:
    async def test_post_sends_json(self, api: StoreApi, router: respx.MockRouter) -> None:
        example = sandbox_examples("reports_2021-06-30.json", "createReport", "202")[0]
        body = example["request"]["parameters"]["body"]["value"]
        fake = serve(router, "createReport", sp_response(202, example["response"]))
        response = await api.request("createReport", "POST", "/reports/2021-06-30/reports",
                                     json=body)
        assert response.body == {"reportId": "ID323"}
        assert fake.requests[0].headers["content-type"] == "application/json"
