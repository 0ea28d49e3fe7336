"""Accounts and sign-in: password policy, throttling, TOTP MFA, sessions, CSRF."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from minthub_api.auth import service as auth_service
from minthub_api.auth.models import RecoveryCode, User, UserSession, UserTotp
from minthub_api.auth.security import password_problems, token_hash, totp_match
from minthub_api.core.db import utcnow
from minthub_api.core.errors import WeakPassword
from minthub_api.core.settings import Settings
from minthub_api.main import create_app
from tests.conftest import (
    OwnerDb,
    anonymous_client,
    create_user,
    enroll_mfa,
    login,
    signed_in_client,
    totp_now,
)


class TestPasswordPolicy:
    @pytest.mark.parametrize(
        "password",
        ["short-pw", "password1234", "qwertyuiop123", "aaaaaaaaaaaaaaa", "iloveyou1234"],
    )
    def test_short_common_and_guessable_passwords_are_refused(self, password: str) -> None:
        assert password_problems(password)

    def test_the_email_name_is_refused(self) -> None:
        assert password_problems("jane.doe-Tangerine-77", "jane.doe@example.com")

    def test_a_long_uncommon_password_is_accepted(self) -> None:
        assert password_problems("Tangerine-orbit-lamp-42") == []

    async def test_create_user_refuses_a_common_password(self, app: FastAPI) -> None:
        async with app.state.sessionmaker() as session, session.begin():
            with pytest.raises(WeakPassword, match="most common"):
                await auth_service.create_user(
                    session, email="weak@example.com", password="123456789qwe"
                )


class TestThrottling:
    async def test_account_is_throttled_after_repeated_failures(
        self, app: FastAPI, settings: Settings
    ) -> None:
        email = await create_user(app)
        async with anonymous_client(app) as c:
            for _ in range(settings.login_max_failures_per_account):
                r = await login(c, email, "wrong-password-123")
                assert r.status_code == 401
            r = await login(c, email)  # even the right password: the account is locked
        assert r.status_code == 429
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"] == "too_many_requests"
        assert int(r.headers["retry-after"]) > 0

    async def test_unknown_and_known_accounts_are_throttled_alike(
        self, app: FastAPI, settings: Settings
    ) -> None:
        async with anonymous_client(app) as c:
            for _ in range(settings.login_max_failures_per_account):
                await login(c, f"nobody-{uuid.uuid4().hex}@example.com", "x")
            ghost = f"ghost-{uuid.uuid4().hex}@example.com"
            for _ in range(settings.login_max_failures_per_account):
                assert (await login(c, ghost, "wrong")).status_code == 401
            assert (await login(c, ghost, "wrong")).status_code == 429

    async def test_client_address_is_throttled(self, settings: Settings) -> None:
        strict = settings.model_copy(update={"login_max_failures_per_address": 3})
        application = create_app(strict)
        async with application.router.lifespan_context(application):
            transport = httpx.ASGITransport(app=application, client=("203.0.113.9", 1234))
            async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
                for i in range(3):
                    assert (
                        await login(c, f"a{i}-{uuid.uuid4().hex}@x.com", "x")
                    ).status_code == 401
                email = await create_user(application)
                r = await login(c, email)
        assert r.status_code == 429 and r.json()["code"] == "too_many_requests"


class TestMfa:
    async def test_enrolment_stores_secret_encrypted_and_codes_hashed(
        self, app: FastAPI, owner_db: OwnerDb
    ) -> None:
        email = await create_user(app)
        async with anonymous_client(app) as c:
            body = (await login(c, email)).json()
            assert body["next_step"] == "mfa_enroll" and body["mfa_verified"] is False
            secret, codes = await enroll_mfa(c)
            assert len(codes) == 10
            me = (await c.get("/api/v1/me")).json()
            assert me["mfa_enabled"] and me["mfa_verified"] and me["next_step"] is None
        async with owner_db() as session:
            user = (await session.scalars(select(User).where(User.email == email))).one()
            totp = await session.get(UserTotp, user.id)
            hashes = (
                await session.scalars(
                    select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)
                )
            ).all()
        assert totp is not None and secret.encode() not in totp.ciphertext
        assert len(hashes) == 10 and all(c.encode() not in h for c in codes for h in hashes)

    async def test_store_data_needs_the_second_factor(self, app: FastAPI) -> None:
        async with signed_in_client(app) as enrolled:
            email, secret = enrolled.email, enrolled.totp_secret  # type: ignore[attr-defined]
        async with anonymous_client(app) as c:
            body = (await login(c, email)).json()
            assert body["next_step"] == "mfa_verify"
            r = await c.get("/api/v1/stores")
            assert r.status_code == 403 and r.json()["code"] == "mfa_required"
            bad = await c.post("/api/v1/auth/mfa/verify", json={"code": "000000"})
            assert bad.status_code == 400 and bad.json()["code"] == "invalid_mfa_code"
            ok = await c.post("/api/v1/auth/mfa/verify", json={"code": totp_now(secret, 1)})
            assert ok.status_code == 200 and ok.json()["mfa_verified"] is True
            assert (await c.get("/api/v1/stores")).status_code == 200

    async def test_a_code_works_once(self, app: FastAPI) -> None:
        async with signed_in_client(app) as enrolled:
            email, secret = enrolled.email, enrolled.totp_secret  # type: ignore[attr-defined]
        code = totp_now(secret, 1)
        async with anonymous_client(app) as first, anonymous_client(app) as second:
            await login(first, email)
            await login(second, email)
            ok = await first.post("/api/v1/auth/mfa/verify", json={"code": code})
            assert ok.status_code == 200
            replay = await second.post("/api/v1/auth/mfa/verify", json={"code": code})
            assert replay.status_code == 400

    async def test_recovery_code_works_once(self, app: FastAPI) -> None:
        email = await create_user(app)
        async with anonymous_client(app) as c:
            await login(c, email)
            _, codes = await enroll_mfa(c)
        async with anonymous_client(app) as c:
            await login(c, email)
            r = await c.post("/api/v1/auth/mfa/verify", json={"code": codes[0].lower()})
            assert r.status_code == 200
        async with anonymous_client(app) as c:
            await login(c, email)
            r = await c.post("/api/v1/auth/mfa/verify", json={"code": codes[0]})
            assert r.status_code == 400

    async def test_wrong_codes_are_throttled(self, app: FastAPI) -> None:
        async with signed_in_client(app) as enrolled:
            email = enrolled.email  # type: ignore[attr-defined]
        async with anonymous_client(app) as c:
            await login(c, email)
            for _ in range(5):
                await c.post("/api/v1/auth/mfa/verify", json={"code": "123456"})
            r = await c.post("/api/v1/auth/mfa/verify", json={"code": "123456"})
            assert r.status_code == 429

    def test_totp_matches_rfc6238_steps(self) -> None:
        import pyotp

        secret = pyotp.random_base32()
        now = 1_800_000_000.0
        code = pyotp.TOTP(secret).at(now)
        step = totp_match(secret, code, last_used_step=None, now=now)
        assert step == int(now // 30)
        assert totp_match(secret, code, last_used_step=step, now=now) is None
        assert totp_match(secret, code, last_used_step=None, now=now + 120) is None

    async def test_mfa_off_says_so_on_sign_in(self, settings: Settings) -> None:
        relaxed = settings.model_copy(update={"require_mfa": False})
        application = create_app(relaxed)
        async with application.router.lifespan_context(application):
            email = await create_user(application)
            async with anonymous_client(application) as c:
                body = (await login(c, email)).json()
                assert body["mfa_required"] is False and body["mfa_verified"] is True
                assert "MINTHUB_REQUIRE_MFA=false" in body["notice"]
                assert (await c.get("/api/v1/stores")).status_code == 200


class TestSessions:
    async def test_cookies_are_secure_outside_development(self, app: FastAPI) -> None:
        email = await create_user(app)
        async with anonymous_client(app) as c:
            r = await login(c, email)
        cookies = r.headers.get_list("set-cookie")
        session = next(v for v in cookies if v.startswith("minthub_session="))
        csrf = next(v for v in cookies if v.startswith("minthub_csrf="))
        assert "HttpOnly" in session and "Secure" in session and "SameSite=lax" in session
        assert "HttpOnly" not in csrf and "Secure" in csrf

    async def test_idle_session_expires(self, app: FastAPI, owner_db: OwnerDb) -> None:
        async with signed_in_client(app) as c:
            cookie = c.cookies["minthub_session"]
            async with owner_db() as session, session.begin():
                await session.execute(
                    update(UserSession)
                    .where(UserSession.token_hash == token_hash(cookie))
                    .values(last_seen_at=utcnow() - timedelta(hours=2))
                )
            r = await c.get("/api/v1/me")
        assert r.status_code == 401 and r.json()["code"] == "not_authenticated"

    async def test_absolute_expiry(self, app: FastAPI, owner_db: OwnerDb) -> None:
        async with signed_in_client(app) as c:
            cookie = c.cookies["minthub_session"]
            async with owner_db() as session, session.begin():
                await session.execute(
                    update(UserSession)
                    .where(UserSession.token_hash == token_hash(cookie))
                    .values(expires_at=utcnow() - timedelta(seconds=1))
                )
            assert (await c.get("/api/v1/me")).status_code == 401

    async def test_sign_out_everywhere(self, app: FastAPI) -> None:
        async with signed_in_client(app) as first:
            email, secret = first.email, first.totp_secret  # type: ignore[attr-defined]
            async with anonymous_client(app) as second:
                await login(second, email)
                await second.post("/api/v1/auth/mfa/verify", json={"code": totp_now(secret, 1)})
                assert (await second.get("/api/v1/stores")).status_code == 200
                r = await first.post("/api/v1/auth/logout-everywhere")
                assert r.status_code == 200 and r.json()["sessions_revoked"] == 2
                assert (await second.get("/api/v1/me")).status_code == 401
                assert (await first.get("/api/v1/me")).status_code == 401

    async def test_disabled_user_loses_sessions_at_once(
        self, app: FastAPI, owner_db: OwnerDb
    ) -> None:
        async with signed_in_client(app) as c:
            async with owner_db() as session, session.begin():
                await session.execute(
                    update(User).where(User.email == c.email).values(is_active=False)  # type: ignore[attr-defined]
                )
            assert (await c.get("/api/v1/me")).status_code == 401


class TestCsrf:
    async def test_unsafe_cookie_requests_need_the_header(self, app: FastAPI) -> None:
        async with signed_in_client(app) as c:
            good = c.headers.pop("X-CSRF-Token")
            r = await c.post("/api/v1/tokens", json={"name": "x", "store_ids": [str(uuid.uuid4())]})
            assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
            c.headers["X-CSRF-Token"] = "forged-" + good
            r = await c.post("/api/v1/auth/logout")
            assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
            c.headers["X-CSRF-Token"] = good
            assert (await c.post("/api/v1/auth/logout")).status_code == 204

    async def test_another_sessions_csrf_token_is_refused(self, app: FastAPI) -> None:
        async with signed_in_client(app) as a, signed_in_client(app) as b:
            a.headers["X-CSRF-Token"] = b.headers["X-CSRF-Token"]
            r = await a.post("/api/v1/auth/logout")
        assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
