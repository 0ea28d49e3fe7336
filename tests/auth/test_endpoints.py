import httpx
from fastapi import FastAPI
from sqlalchemy import select

from minthub_api.audit.models import AuditEvent
from minthub_api.auth.models import UserSession
from tests.conftest import TEST_PASSWORD, OwnerDb, create_user, login


class TestLogin:
    async def test_login_sets_http_only_cookie_and_me_works(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        email = await create_user(app)
        r = await client.post(
            "/api/v1/auth/login", json={"email": email.upper(), "password": TEST_PASSWORD}
        )
        assert r.status_code == 200
        assert r.json()["email"] == email
        cookie = r.headers["set-cookie"]
        assert "minthub_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
        me = await client.get("/api/v1/me")
        assert me.status_code == 200 and me.json()["email"] == email

    async def test_session_token_is_stored_hashed(
        self, owner_db: OwnerDb, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        email = await create_user(app)
        await client.post("/api/v1/auth/login", json={"email": email, "password": TEST_PASSWORD})
        token = client.cookies["minthub_session"]
        async with owner_db() as session:
            hashes = (await session.scalars(select(UserSession.token_hash))).all()
        assert all(token.encode() not in h for h in hashes)

    async def test_wrong_password_is_a_problem_document_and_audited(
        self, owner_db: OwnerDb, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        email = await create_user(app)
        r = await client.post(
            "/api/v1/auth/login", json={"email": email, "password": "wrong-password-123"}
        )
        assert r.status_code == 401
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"] == "invalid_credentials"
        async with owner_db() as session:
            failed = await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "user_sign_in_failed")
            )
            assert failed.first() is not None

    async def test_unknown_email_gets_the_same_answer(self, client: httpx.AsyncClient) -> None:
        r = await client.post(
            "/api/v1/auth/login",
            json={"email": "nobody@example.com", "password": "whatever-password"},
        )
        assert r.status_code == 401 and r.json()["code"] == "invalid_credentials"

    async def test_malformed_body_is_validation_problem(self, client: httpx.AsyncClient) -> None:
        r = await client.post("/api/v1/auth/login", json={"email": "x"})
        assert r.status_code == 422
        assert r.json()["code"] == "validation_error"


class TestLogout:
    async def test_logout_revokes_the_session_server_side(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        email = await create_user(app)
        await login(client, email)
        token = client.cookies["minthub_session"]
        assert (await client.post("/api/v1/auth/logout")).status_code == 204
        # Replaying the old cookie must fail: the session is revoked, not just forgotten.
        client.cookies.set("minthub_session", token)
        me = await client.get("/api/v1/me")
        assert me.status_code == 401 and me.json()["code"] == "not_authenticated"

    async def test_me_requires_sign_in(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/v1/me")
        assert r.status_code == 401
        assert r.json()["code"] == "not_authenticated"
