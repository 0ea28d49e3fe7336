"""Personal API tokens: shown once, hashed, scoped, read-only, expiring, revocable."""

from __future__ import annotations

from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import select, update

from minthub_api.core.db import utcnow
from minthub_api.tokens.models import ApiToken
from tests.conftest import OwnerDb, anonymous_client, connect_store, signed_in_client


def bearer(app: FastAPI, token: str) -> httpx.AsyncClient:
    c = anonymous_client(app)
    c.headers["Authorization"] = f"Bearer {token}"
    return c


async def make_token(c: httpx.AsyncClient, store_ids: list[str], **extra: object) -> dict[str, str]:
    r = await c.post("/api/v1/tokens", json={"name": "bi export", "store_ids": store_ids, **extra})
    assert r.status_code == 201, r.text
    body: dict[str, str] = r.json()
    return body


class TestTokens:
    async def test_token_is_shown_once_stored_hashed_and_reads_its_store(
        self,
        app: FastAPI,
        owner_db: OwnerDb,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        store = await connect_store(user_client, sim_http)
        created = await make_token(user_client, [str(store["id"])])
        secret = created["token"]
        assert secret.startswith("mh_pat_")
        listed = (await user_client.get("/api/v1/tokens")).json()
        assert [t["id"] for t in listed] == [created["id"]] and "token" not in listed[0]
        async with owner_db() as session:
            row = await session.get(ApiToken, created["id"])
        assert row is not None and secret.encode() not in row.token_hash
        assert row.last_used_at is None
        async with bearer(app, secret) as api:
            r = await api.get(f"/api/v1/stores/{store['id']}/orders?days=7&limit=2")
            assert r.status_code == 200, r.text
            stores = (await api.get("/api/v1/stores")).json()
            assert [s["id"] for s in stores] == [store["id"]]
            audit = (await api.get(f"/api/v1/stores/{store['id']}/audit-events?limit=3")).json()
        assert audit["items"][0]["actor_type"] == "api_token"
        async with owner_db() as session:
            row = await session.get(ApiToken, created["id"])
        assert row is not None and row.last_used_at is not None

    async def test_token_only_sees_its_scope(
        self, app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        first = await connect_store(user_client, sim_http)
        second = await connect_store(user_client, sim_http)
        token = (await make_token(user_client, [str(first["id"])]))["token"]
        async with bearer(app, token) as api:
            r = await api.get(f"/api/v1/stores/{second['id']}")
            assert r.status_code == 404 and r.json()["code"] == "store_not_found"
            ids = {s["id"] for s in (await api.get("/api/v1/stores")).json()}
            events = (await api.get("/api/v1/audit-events")).json()["items"]
        assert ids == {first["id"]}
        assert {e["store_id"] for e in events} <= {first["id"]}

    async def test_cannot_scope_to_a_foreign_store(
        self, app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        async with signed_in_client(app) as other:
            theirs = await connect_store(other, sim_http)
        r = await user_client.post(
            "/api/v1/tokens", json={"name": "x", "store_ids": [str(theirs["id"])]}
        )
        assert r.status_code == 422 and r.json()["code"] == "token_scope_invalid"

    async def test_tokens_are_read_only_and_cannot_manage_tokens(
        self, app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        store = await connect_store(user_client, sim_http)
        token = (await make_token(user_client, [str(store["id"])]))["token"]
        async with bearer(app, token) as api:
            r = await api.post(
                f"/api/v1/stores/{store['id']}/invitations", json={"email": "a@example.com"}
            )
            assert r.status_code == 403 and r.json()["code"] == "token_read_only"
            r = await api.get("/api/v1/tokens")
            assert r.status_code == 403 and r.json()["code"] == "session_required"

    async def test_revoked_and_expired_tokens_stop_working(
        self,
        app: FastAPI,
        owner_db: OwnerDb,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        store = await connect_store(user_client, sim_http)
        revoked = await make_token(user_client, [str(store["id"])])
        expired = await make_token(user_client, [str(store["id"])], expires_in_days=1)
        assert (await user_client.delete(f"/api/v1/tokens/{revoked['id']}")).status_code == 204
        async with owner_db() as session, session.begin():
            await session.execute(
                update(ApiToken)
                .where(ApiToken.id == expired["id"])
                .values(expires_at=utcnow() - timedelta(seconds=1))
            )
        for secret in (revoked["token"], expired["token"], "mh_pat_made-up"):
            async with bearer(app, secret) as api:
                r = await api.get(f"/api/v1/stores/{store['id']}")
            assert r.status_code == 401 and r.json()["code"] == "not_authenticated"

    async def test_lifetime_is_capped(self, user_client: httpx.AsyncClient) -> None:
        r = await user_client.post(
            "/api/v1/tokens",
            json={
                "name": "x",
                "store_ids": ["00000000-0000-0000-0000-000000000001"],
                "expires_in_days": 3000,
            },
        )
        assert r.status_code == 422 and r.json()["code"] == "token_expiry_too_long"

    async def test_removed_member_token_loses_the_store_at_once(
        self, app: FastAPI, owner_db: OwnerDb, sim_http: httpx.AsyncClient
    ) -> None:
        from tests.test_authorization_matrix import add_member

        async with signed_in_client(app) as owner, signed_in_client(app) as mate:
            store = await connect_store(owner, sim_http)
            await add_member(owner_db, app, str(store["id"]), mate.email)  # type: ignore[attr-defined]
            token = (await make_token(mate, [str(store["id"])]))["token"]
            async with bearer(app, token) as api:
                assert (await api.get(f"/api/v1/stores/{store['id']}")).status_code == 200
                members = (await owner.get(f"/api/v1/stores/{store['id']}/members")).json()
                mate_id = next(m["user_id"] for m in members if m["role"] == "viewer")
                r = await owner.delete(f"/api/v1/stores/{store['id']}/members/{mate_id}")
                assert r.status_code == 204
                assert (await api.get(f"/api/v1/stores/{store['id']}")).status_code == 404
        async with owner_db() as session:
            row = (
                await session.scalars(select(ApiToken).where(ApiToken.token_prefix == token[:11]))
            ).first()
        assert row is not None and row.revoked_at is None  # not revoked: the membership decides
