"""The authorization matrix: every operation of the OpenAPI document, every kind of caller.

Every operation must be classified in ROUTES; one the matrix does not know fails
`test_every_route_is_classified`, so a new route cannot be forgotten. For each route under
/stores/{store_id} the subjects are: owner, viewer (read allowed, write refused), non-member,
anonymous, an API token scoped to another store, an API token of a removed member, an API
token of a member (reads only: tokens are read-only) and an expired session. Routes outside the
store router are checked against anonymous callers, API tokens, sessions still waiting for
their second factor and (for admin routes) signed-in non-admins.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from minthub_api.auth.models import User, UserSession
from minthub_api.auth.security import token_hash
from minthub_api.core.db import utcnow
from minthub_api.stores.models import Store, StoreMembership
from tests.conftest import (
    OwnerDb,
    anonymous_client,
    connect_store,
    create_user,
    login,
    signed_in_client,
)

STORE = "/api/v1/stores/{store_id}"

# Kinds of route.
PUBLIC = "public"  # anyone
SIGNED_IN = "signed_in"  # any cookie session, also one waiting for its second factor
PRINCIPAL = "principal"  # verified session or API token (reads)
SESSION = "session"  # verified cookie session only (tokens refused)
ADMIN = "admin"  # verified session of a workspace admin
STORE_READ = "store_read"
STORE_WRITE = "store_write"


@dataclass(frozen=True)
class Route:
    kind: str
    body: dict[str, Any] | None = None
    # What the owner gets once past the wall (a write may end on its own 404 for a random id).
    owner: set[int] = field(default_factory=lambda: {200})


ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/api/v1/health"): Route(PUBLIC),
    ("GET", "/api/v1/ready"): Route(PUBLIC),
    # Amazon's Appstore login URI: anyone may land there (signed out: sent to sign in first).
    ("GET", "/api/v1/oauth/amazon/login"): Route(PUBLIC),
    ("POST", "/api/v1/auth/login"): Route(PUBLIC),
    ("POST", "/api/v1/beta-requests"): Route(PUBLIC),
    ("POST", "/api/v1/invitations/accept"): Route(PUBLIC),
    ("GET", "/api/v1/oauth/amazon/callback"): Route(PUBLIC),
    ("GET", "/api/v1/me"): Route(SIGNED_IN),
    ("POST", "/api/v1/auth/logout"): Route(SIGNED_IN),
    ("POST", "/api/v1/auth/logout-everywhere"): Route(SIGNED_IN),
    ("POST", "/api/v1/auth/mfa/totp/setup"): Route(SIGNED_IN),
    ("POST", "/api/v1/auth/mfa/totp/confirm"): Route(SIGNED_IN),
    ("POST", "/api/v1/auth/mfa/verify"): Route(SIGNED_IN),
    ("GET", "/api/v1/stores"): Route(PRINCIPAL),
    ("GET", "/api/v1/audit-events"): Route(PRINCIPAL),
    ("GET", "/api/v1/audit-events/export"): Route(PRINCIPAL),
    ("GET", "/api/v1/store-health"): Route(PRINCIPAL),
    ("GET", "/api/v1/stores/connect"): Route(SESSION),
    ("GET", "/api/v1/tokens"): Route(SESSION),
    ("POST", "/api/v1/tokens"): Route(SESSION),
    ("DELETE", "/api/v1/tokens/{token_id}"): Route(SESSION),
    ("GET", "/api/v1/admin/beta-requests"): Route(ADMIN),
    ("POST", "/api/v1/admin/beta-requests/{beta_request_id}/approve"): Route(ADMIN),
    ("POST", "/api/v1/admin/beta-requests/{beta_request_id}/reject"): Route(ADMIN),
    ("GET", STORE): Route(STORE_READ),
    ("GET", STORE + "/audit-events"): Route(STORE_READ),
    ("GET", STORE + "/audit-events/export"): Route(STORE_READ),
    ("GET", STORE + "/inventory"): Route(STORE_READ),
    ("GET", STORE + "/orders"): Route(STORE_READ),
    ("GET", STORE + "/orders/summary"): Route(STORE_READ),
    ("GET", STORE + "/replenishment"): Route(STORE_READ),
    ("GET", STORE + "/replenishment/journal"): Route(STORE_READ),
    ("GET", STORE + "/settings/replenishment"): Route(STORE_READ),
    ("PUT", STORE + "/settings/replenishment"): Route(STORE_WRITE, body={}),
    ("GET", STORE + "/listings/attention"): Route(STORE_READ),
    ("GET", STORE + "/sync"): Route(STORE_READ),
    ("GET", STORE + "/reports"): Route(STORE_READ),
    ("POST", STORE + "/reports"): Route(
        STORE_WRITE, body={"report_type": "GET_MERCHANT_LISTINGS_ALL_DATA"}, owner={202}
    ),
    ("GET", STORE + "/reports/{report_id}"): Route(STORE_READ, owner={404}),
    ("GET", STORE + "/reports/{report_id}/rows"): Route(STORE_READ, owner={404}),
    ("GET", STORE + "/reports/{report_id}/document"): Route(STORE_READ, owner={404}),
    ("POST", STORE + "/sync"): Route(STORE_WRITE, body={}, owner={202}),
    ("GET", STORE + "/members"): Route(STORE_READ),
    ("GET", STORE + "/invitations"): Route(STORE_READ),
    ("POST", STORE + "/invitations"): Route(
        STORE_WRITE, body={"email": "teammate@example.com", "role": "viewer"}, owner={201}
    ),
    ("DELETE", STORE + "/invitations/{invitation_id}"): Route(STORE_WRITE, owner={404}),
    ("PATCH", STORE + "/members/{user_id}"): Route(
        STORE_WRITE, body={"role": "viewer"}, owner={404}
    ),
    ("DELETE", STORE + "/members/{user_id}"): Route(STORE_WRITE, owner={404}),
    # Last on purpose: the owner's call disconnects the store ...
    ("DELETE", STORE + "/authorization"): Route(STORE_WRITE, owner={200}),
    # ... after which the owner may delete its synced data at once (409 while connected).
    ("DELETE", STORE + "/data"): Route(STORE_WRITE, owner={204}),
}

STORE_SUBJECTS = [
    "owner",
    "viewer",
    "non_member",
    "anonymous",
    "token_other_store",
    "token_removed_member",
    "token_member",
    "expired_session",
]


def openapi_operations(app: FastAPI) -> list[tuple[str, str]]:
    return sorted(
        (method.upper(), path) for path, ops in app.openapi()["paths"].items() for method in ops
    )


def fill(path: str, store_id: str) -> str:
    """The template with the store id and a random id for every other parameter."""
    out = path.replace("{store_id}", store_id)
    while "{" in out:
        start, end = out.index("{"), out.index("}")
        out = out[:start] + str(uuid.uuid4()) + out[end + 1 :]
    return out


def expected(kind: str, subject: str, route: Route) -> tuple[set[int], str | None]:
    """(allowed statuses, problem code or None) for a store route and a subject."""
    write = kind == STORE_WRITE
    if subject == "owner":
        return route.owner, None
    # Readers past the wall get what the owner gets (a read may end on its own 404 too).
    if subject == "viewer":
        return ({403}, "store_role_forbidden") if write else (route.owner, None)
    if subject == "non_member":
        return {404}, "store_not_found"
    if subject in ("anonymous", "expired_session"):
        return {401}, "not_authenticated"
    if subject in ("token_other_store", "token_removed_member"):
        return ({403}, "token_read_only") if write else ({404}, "store_not_found")
    if subject == "token_member":
        return ({403}, "token_read_only") if write else (route.owner, None)
    raise AssertionError(subject)


async def test_every_route_is_classified(app: FastAPI) -> None:
    operations = openapi_operations(app)
    unknown = [op for op in operations if op not in ROUTES]
    assert not unknown, f"routes the authorization matrix does not know: {unknown}"
    stale = [op for op in ROUTES if op not in operations]
    assert not stale, f"routes in the matrix that no longer exist: {stale}"
    for (_method, path), route in ROUTES.items():
        under_store = path == STORE or path.startswith(STORE + "/")
        assert under_store == (route.kind in (STORE_READ, STORE_WRITE)), path


def bearer(app: FastAPI, token: str) -> httpx.AsyncClient:
    c = anonymous_client(app)
    c.headers["Authorization"] = f"Bearer {token}"
    return c


async def new_token(c: httpx.AsyncClient, store_id: str) -> str:
    r = await c.post("/api/v1/tokens", json={"name": "matrix", "store_ids": [store_id]})
    assert r.status_code == 201, r.text
    token: str = r.json()["token"]
    return token


async def add_member(owner_db: OwnerDb, app: FastAPI, store_id: str, email: str) -> None:
    del app
    async with owner_db() as session, session.begin():
        user = (await session.execute(select(User).where(User.email == email))).scalar_one()
        session.add(StoreMembership(store_id=uuid.UUID(store_id), user_id=user.id, role="viewer"))


async def test_store_routes_matrix(
    app: FastAPI, owner_db: OwnerDb, sim_http: httpx.AsyncClient
) -> None:
    # In ROUTES order: the owner's disconnect (DELETE .../authorization) and data deletion last.
    order = list(ROUTES)
    routes = sorted(
        (op for op in openapi_operations(app) if ROUTES[op].kind in (STORE_READ, STORE_WRITE)),
        key=order.index,
    )
    async with (
        signed_in_client(app) as owner,
        signed_in_client(app) as viewer,
        signed_in_client(app) as outsider,
        signed_in_client(app) as removed,
        signed_in_client(app) as expired,
        anonymous_client(app) as anonymous,
    ):
        store = await connect_store(owner, sim_http)
        sid = str(store["id"])
        other = await connect_store(outsider, sim_http)
        for member in (viewer, removed, expired):
            await add_member(owner_db, app, sid, member.email)  # type: ignore[attr-defined]
        tokens = {
            "token_other_store": await new_token(outsider, str(other["id"])),
            "token_removed_member": await new_token(removed, sid),
            "token_member": await new_token(viewer, sid),
        }
        removed_id = next(
            m["user_id"]
            for m in (await owner.get(f"/api/v1/stores/{sid}/members")).json()
            if m["email"] == removed.email  # type: ignore[attr-defined]
        )
        r = await owner.delete(f"/api/v1/stores/{sid}/members/{removed_id}")
        assert r.status_code == 204, r.text
        async with owner_db() as session, session.begin():
            expired_cookie = expired.cookies["minthub_session"]
            await session.execute(
                update(UserSession)
                .where(UserSession.token_hash == token_hash(expired_cookie))
                .values(expires_at=utcnow() - timedelta(seconds=1))
            )
        clients: dict[str, httpx.AsyncClient] = {
            "owner": owner,
            "viewer": viewer,
            "non_member": outsider,
            "anonymous": anonymous,
            "expired_session": expired,
            **{name: bearer(app, token) for name, token in tokens.items()},
        }
        cells = 0
        failures: list[str] = []
        # Owners last (their writes change the store), and the disconnect last of all.
        for subject in [s for s in STORE_SUBJECTS if s != "owner"] + ["owner"]:
            for method, template in routes:
                route = ROUTES[(method, template)]
                statuses, code = expected(route.kind, subject, route)
                r = await clients[subject].request(
                    method, fill(template, sid), json=route.body if route.body else None
                )
                cells += 1
                got_code = (
                    r.json().get("code")
                    if r.headers.get("content-type", "").startswith("application/problem")
                    else None
                )
                if r.status_code not in statuses or (code is not None and got_code != code):
                    failures.append(
                        f"{subject:>22} {method:6} {template}: {r.status_code} {got_code}"
                        f" (expected {sorted(statuses)} {code})"
                    )
        for name in tokens:
            await clients[name].aclose()
    assert not failures, "\n".join(failures)
    assert cells == len(routes) * len(STORE_SUBJECTS)
    print(f"\nstore routes matrix: {len(routes)} routes x {len(STORE_SUBJECTS)} subjects = {cells}")


@pytest.mark.parametrize("kind", [SIGNED_IN, PRINCIPAL, SESSION, ADMIN])
async def test_account_routes_matrix(app: FastAPI, owner_db: OwnerDb, kind: str) -> None:
    routes = [op for op in openapi_operations(app) if ROUTES[op].kind == kind]
    assert routes
    email = await create_user(app)
    async with (
        signed_in_client(app) as verified,
        anonymous_client(app) as anonymous,
        anonymous_client(app) as unverified,
    ):
        assert (await login(unverified, email)).status_code == 200  # no MFA enrolled yet
        token_store = await create_store_for(owner_db, verified)
        async with bearer(app, await new_token(verified, token_store)) as token:
            failures: list[str] = []
            for method, template in routes:
                path = fill(template, "unused")

                async def check(
                    subject: str,
                    c: httpx.AsyncClient,
                    statuses: set[int],
                    code: str | None,
                    method: str = method,
                    path: str = path,
                ) -> None:
                    r = await c.request(method, path, json={} if method != "GET" else None)
                    got = r.json().get("code") if r.status_code >= 400 else None
                    if r.status_code not in statuses or (code and got != code):
                        failures.append(f"{subject} {method} {path}: {r.status_code} {got}")

                await check("anonymous", anonymous, {401}, "not_authenticated")
                if kind == PRINCIPAL:
                    await check("unverified", unverified, {403}, "mfa_enrollment_required")
                    if method == "GET":
                        await check("token", token, {200}, None)
                if kind in (SESSION, ADMIN):
                    await check("unverified", unverified, {403}, "mfa_enrollment_required")
                    await check(
                        "token",
                        token,
                        {403},
                        "session_required" if method == "GET" else "token_read_only",
                    )
                if kind == ADMIN:
                    await check("non_admin", verified, {403}, "admin_required")
                if kind == SIGNED_IN and method != "GET":
                    await check("token", token, {403}, "token_read_only")
        assert not failures, "\n".join(failures)


async def create_store_for(owner_db: OwnerDb, c: httpx.AsyncClient) -> str:
    """A store for `c` without Amazon: tokens need one; the membership row is what counts."""
    store_id = uuid.uuid4()
    async with owner_db() as session, session.begin():
        session.add(
            Store(
                id=store_id,
                selling_partner_id="A" + uuid.uuid4().hex[:12].upper(),
                region="na",
                name="matrix",
                marketplace_ids=["ATVPDKIKX0DER"],
            )
        )
        await session.flush()
        me = (await c.get("/api/v1/me")).json()
        session.add(StoreMembership(store_id=store_id, user_id=uuid.UUID(me["id"]), role="owner"))
    return str(store_id)


async def test_public_routes_need_no_sign_in(app: FastAPI) -> None:
    async with anonymous_client(app) as anonymous:
        for method, template in openapi_operations(app):
            if ROUTES[(method, template)].kind != PUBLIC:
                continue
            r = await anonymous.request(method, template, json={} if method != "GET" else None)
            assert r.status_code not in (401, 403), (method, template, r.status_code)
