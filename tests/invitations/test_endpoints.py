"""Inviting a teammate to one store: by email, single-use, expiring, through the mail outbox."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from minthub_api.core.db import utcnow
from minthub_api.invitations.models import Invitation
from minthub_api.mail.sender import OutboxMailSender
from tests.conftest import (
    TEST_PASSWORD,
    OwnerDb,
    anonymous_client,
    connect_store,
    enroll_mfa,
    login,
    signed_in_client,
)


def last_link_token(app: FastAPI, email: str) -> str:
    outbox: OutboxMailSender = app.state.mail
    mail = next(m for m in reversed(outbox.messages) if m.to == email)
    found = re.search(r"#token=([A-Za-z0-9_-]+)", mail.body)
    assert found, mail.body
    return found.group(1)


async def invite(owner: httpx.AsyncClient, store_id: object, email: str, role: str) -> str:
    r = await owner.post(
        f"/api/v1/stores/{store_id}/invitations", json={"email": email, "role": role}
    )
    assert r.status_code == 201, r.text
    assert "token" not in r.json()
    invitation_id: str = r.json()["id"]
    return invitation_id


class TestInvitations:
    async def test_new_teammate_creates_an_account_and_sees_the_store_as_viewer(
        self, app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        store = await connect_store(user_client, sim_http)
        email = f"Mate-{uuid.uuid4().hex[:8]}@Example.com"
        await invite(user_client, store["id"], email, "viewer")
        token = last_link_token(app, email.lower())
        async with anonymous_client(app) as mate:
            weak = await mate.post(
                "/api/v1/invitations/accept", json={"token": token, "password": "password1234"}
            )
            assert weak.status_code == 422 and weak.json()["code"] == "weak_password"
            r = await mate.post(
                "/api/v1/invitations/accept", json={"token": token, "password": TEST_PASSWORD}
            )
            assert r.status_code == 200, r.text
            assert r.json()["account_created"] is True and r.json()["role"] == "viewer"
            again = await mate.post(
                "/api/v1/invitations/accept", json={"token": token, "password": TEST_PASSWORD}
            )
            assert again.status_code == 400 and again.json()["code"] == "invalid_invitation"
            await login(mate, email)
            await enroll_mfa(mate)
            seen = (await mate.get(f"/api/v1/stores/{store['id']}")).json()
            assert seen["role"] == "viewer"
            # A viewer reads but does not manage.
            r = await mate.delete(f"/api/v1/stores/{store['id']}/authorization")
            assert r.status_code == 403 and r.json()["code"] == "store_role_forbidden"
            # New accounts from a store invitation have no beta access of their own.
            r = await mate.get("/api/v1/stores/connect?format=json")
            assert r.status_code == 403 and r.json()["code"] == "beta_access_required"

    async def test_existing_user_attaches_the_store_when_signed_in(
        self, app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        store = await connect_store(user_client, sim_http)
        async with signed_in_client(app) as mate, signed_in_client(app) as stranger:
            await invite(user_client, store["id"], mate.email, "owner")  # type: ignore[attr-defined]
            token = last_link_token(app, mate.email)  # type: ignore[attr-defined]
            wrong = await stranger.post("/api/v1/invitations/accept", json={"token": token})
            assert wrong.status_code == 403
            assert wrong.json()["code"] == "invitation_email_mismatch"
            async with anonymous_client(app) as anon:
                exists = await anon.post(
                    "/api/v1/invitations/accept", json={"token": token, "password": TEST_PASSWORD}
                )
                assert exists.status_code == 409 and exists.json()["code"] == "account_exists"
            r = await mate.post("/api/v1/invitations/accept", json={"token": token})
            assert r.status_code == 200 and r.json()["account_created"] is False
            assert (await mate.get(f"/api/v1/stores/{store['id']}")).json()["role"] == "owner"

    async def test_expired_and_revoked_invitations_do_not_work(
        self,
        app: FastAPI,
        owner_db: OwnerDb,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        store = await connect_store(user_client, sim_http)
        expired_email = f"late-{uuid.uuid4().hex[:8]}@example.com"
        expired_id = await invite(user_client, store["id"], expired_email, "viewer")
        revoked_email = f"revoked-{uuid.uuid4().hex[:8]}@example.com"
        revoked_id = await invite(user_client, store["id"], revoked_email, "viewer")
        pending = (await user_client.get(f"/api/v1/stores/{store['id']}/invitations")).json()
        assert {expired_id, revoked_id} <= {i["id"] for i in pending}
        r = await user_client.delete(f"/api/v1/stores/{store['id']}/invitations/{revoked_id}")
        assert r.status_code == 204
        async with owner_db() as session, session.begin():
            await session.execute(
                update(Invitation)
                .where(Invitation.id == expired_id)
                .values(expires_at=utcnow() - timedelta(seconds=1))
            )
        async with anonymous_client(app) as anon:
            for email in (expired_email, revoked_email):
                r = await anon.post(
                    "/api/v1/invitations/accept",
                    json={"token": last_link_token(app, email), "password": TEST_PASSWORD},
                )
                assert r.status_code == 400 and r.json()["code"] == "invalid_invitation"

    async def test_last_owner_cannot_be_removed(
        self, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        store = await connect_store(user_client, sim_http)
        members = (await user_client.get(f"/api/v1/stores/{store['id']}/members")).json()
        r = await user_client.delete(
            f"/api/v1/stores/{store['id']}/members/{members[0]['user_id']}"
        )
        assert r.status_code == 409 and r.json()["code"] == "last_owner"


class TestMemberRoles:
    async def test_owner_promotes_and_demotes_a_member_and_it_is_audited(
        self, app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        store = await connect_store(user_client, sim_http)
        base = f"/api/v1/stores/{store['id']}"
        async with signed_in_client(app) as mate:
            await invite(user_client, store["id"], mate.email, "viewer")  # type: ignore[attr-defined]
            token = last_link_token(app, mate.email)  # type: ignore[attr-defined]
            assert (await mate.post("/api/v1/invitations/accept", json={"token": token})).is_success
            members = (await user_client.get(f"{base}/members")).json()
            mate_id = next(m["user_id"] for m in members if m["email"] == mate.email)  # type: ignore[attr-defined]
            owner_id = next(m["user_id"] for m in members if m["user_id"] != mate_id)

            # A viewer cannot change roles, not even their own.
            r = await mate.patch(f"{base}/members/{mate_id}", json={"role": "owner"})
            assert r.status_code == 403 and r.json()["code"] == "store_role_forbidden"

            r = await user_client.patch(f"{base}/members/{mate_id}", json={"role": "owner"})
            assert r.status_code == 200, r.text
            assert r.json()["role"] == "owner" and r.json()["user_id"] == mate_id
            assert (await mate.get(base)).json()["role"] == "owner"
            # Two owners: the first may step down; now the teammate is the only owner.
            r = await mate.patch(f"{base}/members/{owner_id}", json={"role": "viewer"})
            assert r.status_code == 200 and r.json()["role"] == "viewer"
            r = await mate.patch(f"{base}/members/{mate_id}", json={"role": "viewer"})
            assert r.status_code == 409 and r.json()["code"] == "last_owner"
            # Setting the role a member already has changes nothing and is not audited.
            r = await mate.patch(f"{base}/members/{mate_id}", json={"role": "owner"})
            assert r.status_code == 200 and r.json()["role"] == "owner"

            r = await mate.patch(f"{base}/members/{mate_id}", json={"role": "admin"})
            assert r.status_code == 422 and r.json()["code"] == "validation_error"
            r = await mate.patch(f"{base}/members/{uuid.uuid4()}", json={"role": "viewer"})
            assert r.status_code == 404 and r.json()["code"] == "member_not_found"

            events = (
                await mate.get(f"{base}/audit-events", params={"action": "membership_role_changed"})
            ).json()["items"]
            changes = [
                (e["details"]["user_id"], e["details"]["old_role"], e["details"]["new_role"])
                for e in events
            ]
            assert sorted(changes) == sorted(
                [(mate_id, "viewer", "owner"), (owner_id, "owner", "viewer")]
            )
