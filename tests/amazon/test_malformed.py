"""A 2xx whose body is not JSON is retried, then surfaces as a typed server error."""

from __future__ import annotations

import httpx
import pytest
import respx

from minthub_api.amazon import SpApiServerError, StoreApi, get_marketplace_participations
from tests.amazon.conftest import NA, Calls

PATH = "/sellers/v1/marketplaceParticipations"
CUT = httpx.Response(
    200,
    content=b'{"payload": [{"marketplace": {"id": "ATV',
    headers={"content-type": "application/json", "x-amzn-RequestId": "r"},
)


async def test_cut_off_body_is_retried(
    api: StoreApi, router: respx.MockRouter, calls: Calls
) -> None:
    route = router.get(NA + PATH).mock(side_effect=[CUT, httpx.Response(200, json={"payload": []})])
    assert await get_marketplace_participations(api) == []
    assert route.call_count == 2
    assert [c.error_code for c in calls.records] == ["MalformedResponse", None]


async def test_persistent_malformed_body_is_a_server_error(
    api: StoreApi, router: respx.MockRouter
) -> None:
    route = router.get(NA + PATH).mock(return_value=CUT)
    with pytest.raises(SpApiServerError, match="malformed") as info:
        await get_marketplace_participations(api)
    assert info.value.error_code == "MalformedResponse" and route.call_count == 5
