"""The beta gate: public requests, admin decisions, and connecting without beta access."""

from __future__ import annotations

import uuid

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from minthub_api.audit.models import AuditEvent
from minthub_api.beta.models import BetaRequest
from minthub_api.core.settings import Settings
from minthub_api.main import create_app
from tests.conftest import (
    TEST_PASSWORD,
    OwnerDb,
    anonymous_client,
    enroll_mfa,
    login,
    signed_in_client,
)
from tests.invitations.test_endpoints import last_link_token


def form(email: str) -> dict[str, object]:
    return {
        "company_name": "Greenleaf Kitchenware",
        "contact_email": email,
        "marketplaces": ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"],
        "monthly_order_volume": "1k-10k",
        "message": "We sell kitchenware in the US and Canada.",
    }


class TestBetaRequests:
    async def test_request_is_stored_audited_and_never_reveals_a_repeat(
        self, app: FastAPI, owner_db: OwnerDb
    ) -> None:
        email = f"seller-{uuid.uuid4().hex[:8]}@example.com"
        async with anonymous_client(app) as c:
            first = await c.post("/api/v1/beta-requests", json=form(email))
            second = await c.post("/api/v1/beta-requests", json=form(email.upper()))
        assert first.status_code == second.status_code == 202
        assert first.json() == second.json()
        async with owner_db() as session:
            rows = (
                await session.scalars(select(BetaRequest).where(BetaRequest.contact_email == email))
            ).all()
            events = (
                await session.scalars(
                    select(AuditEvent).where(AuditEvent.action == "beta_request_received")
                )
            ).all()
        assert len(rows) == 1 and rows[0].status == "pending"
        assert any(e.details.get("beta_request_id") == str(rows[0].id) for e in events)

    async def test_invalid_requests_are_problem_documents(self, app: FastAPI) -> None:
        async with anonymous_client(app) as c:
            bad = form("not-an-email") | {"marketplaces": ["NOPE"], "monthly_order_volume": "x"}
            r = await c.post("/api/v1/beta-requests", json=bad)
        assert r.status_code == 422 and r.json()["code"] == "validation_error"
        fields = {e["loc"][-1] for e in r.json()["errors"]}
        assert {"contact_email", "marketplaces", "monthly_order_volume"} <= fields

    async def test_requests_are_rate_limited_per_address(self, settings: Settings) -> None:
        strict = settings.model_copy(update={"beta_requests_per_address_per_hour": 2})
        application = create_app(strict)
        async with application.router.lifespan_context(application):
            transport = httpx.ASGITransport(app=application, client=("198.51.100.7", 999))
            async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
                codes = [
                    (
                        await c.post("/api/v1/beta-requests", json=form(f"{i}@example.com"))
                    ).status_code
                    for i in range(3)
                ]
        assert codes == [202, 202, 429]


class TestBetaGate:
    async def test_connect_without_beta_access_points_to_the_form(self, app: FastAPI) -> None:
        async with signed_in_client(app, beta_access=False) as c:
            r = await c.get("/api/v1/stores/connect?region=na&format=json")
        assert r.status_code == 403
        problem = r.json()
        assert problem["code"] == "beta_access_required"
        assert "/api/v1/beta-requests" in problem["detail"]
        assert "/api/v1/beta-requests" in r.headers["link"]

    async def test_gate_off_lets_anyone_connect(self, settings: Settings) -> None:
        open_app = create_app(settings.model_copy(update={"beta_gate": False}))
        async with (
            open_app.router.lifespan_context(open_app),
            signed_in_client(open_app, beta_access=False) as c,
        ):
            r = await c.get("/api/v1/stores/connect?region=na&format=json")
        assert r.status_code == 200

    async def test_admin_approves_and_the_contact_creates_an_account_that_can_connect(
        self, app: FastAPI
    ) -> None:
        email = f"approved-{uuid.uuid4().hex[:8]}@example.com"
        async with anonymous_client(app) as c:
            await c.post("/api/v1/beta-requests", json=form(email))
        async with signed_in_client(app, admin=True) as admin, signed_in_client(app) as user:
            r = await user.get("/api/v1/admin/beta-requests")
            assert r.status_code == 403 and r.json()["code"] == "admin_required"
            pending = (await admin.get("/api/v1/admin/beta-requests?status=pending")).json()
            mine = next(p for p in pending if p["contact_email"] == email)
            r = await admin.post(f"/api/v1/admin/beta-requests/{mine['id']}/approve")
            assert r.status_code == 200 and r.json()["status"] == "approved"
            again = await admin.post(f"/api/v1/admin/beta-requests/{mine['id']}/reject")
            assert again.status_code == 409 and again.json()["code"] == "beta_request_decided"
            # An admin sees no store data without membership.
            assert (await admin.get("/api/v1/stores")).json() == []
        token = last_link_token(app, email)
        async with anonymous_client(app) as newcomer:
            r = await newcomer.post(
                "/api/v1/invitations/accept", json={"token": token, "password": TEST_PASSWORD}
            )
            assert r.status_code == 200 and r.json()["kind"] == "beta"
            await login(newcomer, email)
            await enroll_mfa(newcomer)
            r = await newcomer.get("/api/v1/stores/connect?region=na&format=json")
            assert r.status_code == 200, r.text

    async def test_admin_rejects(self, app: FastAPI) -> None:
        email = f"rejected-{uuid.uuid4().hex[:8]}@example.com"
        async with anonymous_client(app) as c:
            await c.post("/api/v1/beta-requests", json=form(email))
        async with signed_in_client(app, admin=True) as admin:
            pending = (await admin.get("/api/v1/admin/beta-requests?status=pending")).json()
            mine = next(p for p in pending if p["contact_email"] == email)
            r = await admin.post(f"/api/v1/admin/beta-requests/{mine['id']}/reject")
        assert r.status_code == 200 and r.json()["status"] == "rejected"
