from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from minthub_api.amazon import AccessToken, AccessTokenCache, LwaInvalidGrant
from tests.amazon.conftest import FakeTime


class Refresher:
    """Hands out token-1, token-2 ... each valid for an hour from the fake clock."""

    def __init__(self, fake_time: FakeTime, *, fail_with: Exception | None = None) -> None:
        self.fake_time = fake_time
        self.calls = 0
        self.fail_with = fail_with

    async def __call__(self) -> AccessToken:
        self.calls += 1
        await asyncio.sleep(0)  # let other callers pile up behind the lock
        if self.fail_with is not None:
            raise self.fail_with
        return AccessToken(f"token-{self.calls}", self.fake_time.wall + timedelta(hours=1))


class TestGet:
    async def test_caches_until_sixty_seconds_before_expiry(
        self, token_cache: AccessTokenCache, fake_time: FakeTime
    ) -> None:
        refresh = Refresher(fake_time)
        assert (await token_cache.get("s1", refresh)).value == "token-1"
        fake_time.advance(3600 - 61)
        assert (await token_cache.get("s1", refresh)).value == "token-1"
        fake_time.advance(1)  # now exactly 60 s before expiry
        assert (await token_cache.get("s1", refresh)).value == "token-2"
        assert refresh.calls == 2

    async def test_ten_concurrent_callers_share_one_refresh(
        self, token_cache: AccessTokenCache, fake_time: FakeTime
    ) -> None:
        refresh = Refresher(fake_time)
        tokens = await asyncio.gather(*(token_cache.get("s1", refresh) for _ in range(10)))
        assert refresh.calls == 1
        assert {t.value for t in tokens} == {"token-1"}

    async def test_keys_are_isolated(
        self, token_cache: AccessTokenCache, fake_time: FakeTime
    ) -> None:
        a, b = Refresher(fake_time), Refresher(fake_time)
        await token_cache.get("store-a", a)
        await token_cache.get("store-b", b)
        assert (a.calls, b.calls) == (1, 1)

    async def test_concurrent_callers_share_a_failed_refresh(
        self, token_cache: AccessTokenCache, fake_time: FakeTime
    ) -> None:
        refresh = Refresher(fake_time, fail_with=LwaInvalidGrant("revoked", error="invalid_grant"))
        results = await asyncio.gather(
            *(token_cache.get("s1", refresh) for _ in range(10)), return_exceptions=True
        )
        assert all(isinstance(r, LwaInvalidGrant) for r in results)
        assert refresh.calls == 1
        # A later, separate call tries again.
        with pytest.raises(LwaInvalidGrant):
            await token_cache.get("s1", refresh)
        assert refresh.calls == 2


class TestEvict:
    async def test_evict_forces_a_refresh(
        self, token_cache: AccessTokenCache, fake_time: FakeTime
    ) -> None:
        refresh = Refresher(fake_time)
        await token_cache.get("s1", refresh)
        token_cache.evict("s1")
        assert (await token_cache.get("s1", refresh)).value == "token-2"

    async def test_evict_only_if_still_current(
        self, token_cache: AccessTokenCache, fake_time: FakeTime
    ) -> None:
        refresh = Refresher(fake_time)
        old = await token_cache.get("s1", refresh)
        token_cache.evict("s1", only_if=old)
        new = await token_cache.get("s1", refresh)
        token_cache.evict("s1", only_if=old)  # a late request that saw the old token
        assert await token_cache.get("s1", refresh) is new
        assert refresh.calls == 2

    async def test_clear_and_unknown_key(
        self, token_cache: AccessTokenCache, fake_time: FakeTime
    ) -> None:
        refresh = Refresher(fake_time)
        token_cache.evict("never-seen")
        await token_cache.get("s1", refresh)
        token_cache.clear()
        await token_cache.get("s1", refresh)
        assert refresh.calls == 2
        assert "token-" not in repr(token_cache)
