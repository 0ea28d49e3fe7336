"""Authorization lifecycle: Appstore flow, renewal countdown, disconnect, operator revocation,
KEK rotation and LWA client-secret rotation, against the simulator over real HTTP."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from minthub_api.audit.models import AuditEvent
from minthub_api.core.db import utcnow
from minthub_api.core.settings import Settings
from minthub_api.crypto.envelope import LocalKeyProvider, open_sealed, store_associated_data
from minthub_api.crypto.rotation import rotate
from minthub_api.health.readiness import LwaCredentialCheck
from minthub_api.stores.lwa import AppLwaClient
from minthub_api.stores.models import Store, StoreCredential, StoreMembership
from tests.conftest import (
    OwnerDb,
    RunningSimulator,
    approve_consent,
    connect_store,
    make_settings,
    new_selling_partner_id,
    signed_in_client,
)

BIN = Path(sys.executable).parent / "minthub-api"
LOGIN_URI = "http://testserver/api/v1/oauth/amazon/login"


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


async def sim_calls(sim_http: httpx.AsyncClient, spid: str) -> int:
    calls = (await sim_http.get("/_sim/calls")).json()["spapi"].get(spid, {})
    return sum(op["calls"] for op in calls.values())


class TestAppstoreFlow:
    async def test_appstore_initiated_connection(
        self, owner_db: OwnerDb, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        spid = new_selling_partner_id()
        # The seller clicks "Authorize now" in the Appstore: Amazon opens our login URI.
        start = await sim_http.get(
            "/_sim/appstore/start", params={"selling_partner_id": spid, "login_uri": LOGIN_URI}
        )
        assert start.status_code == 302
        login = await user_client.get(start.headers["location"].replace("http://testserver", ""))
        assert login.status_code == 302, login.text
        back = login.headers["location"]
        q = query(back)
        assert {"amazon_state", "state", "redirect_uri"} <= set(q)
        assert q["redirect_uri"] == "http://testserver/api/v1/oauth/amazon/callback"
        # Amazon confirms and redirects to our callback with a code, as in the website flow.
        confirm = await sim_http.get(back)
        assert confirm.status_code == 302, confirm.text
        cb = await user_client.get(
            "/api/v1/oauth/amazon/callback", params=query(confirm.headers["location"])
        )
        assert cb.status_code == 302, cb.text
        store_id = cb.headers["location"].rsplit("/", 1)[1]
        store = (await user_client.get(f"/api/v1/stores/{store_id}")).json()
        assert store["selling_partner_id"] == spid and store["status"] == "connected"
        async with owner_db() as session:
            details = (
                await session.scalars(
                    select(AuditEvent.details).where(
                        AuditEvent.store_id == uuid.UUID(store_id),
                        AuditEvent.action == "store_connected",
                    )
                )
            ).one()
        assert details["flow"] == "appstore"

    async def test_signed_out_seller_is_sent_to_sign_in_with_the_request_kept(
        self, client: httpx.AsyncClient
    ) -> None:
        params = {
            "amazon_callback_uri": "https://sellercentral.amazon.com/apps/authorize/confirm/x",
            "amazon_state": "abc",
            "selling_partner_id": "A1SELLER0001",
        }
        r = await client.get("/api/v1/oauth/amazon/login", params=params)
        assert r.status_code == 302
        target = urlsplit(r.headers["location"])
        assert target.path == "/login"
        assert query(parse_qs(target.query)["next"][0]) == params

    async def test_callback_uri_must_be_seller_central(
        self, user_client: httpx.AsyncClient
    ) -> None:
        for evil in (
            "https://evil.example/apps/authorize/confirm/x",
            "http://sellercentral.amazon.com/apps/authorize/confirm/x",
            "https://sellercentral.amazon.com.evil.example/apps/authorize/confirm/x",
            "https://sellercentral.amazon.com/somewhere/else",
            "https://user:pw@sellercentral.amazon.com/apps/authorize/confirm/x",
        ):
            r = await user_client.get(
                "/api/v1/oauth/amazon/login",
                params={
                    "amazon_callback_uri": evil,
                    "amazon_state": "s",
                    "selling_partner_id": "A1SELLER0001",
                },
            )
            assert r.status_code == 400, evil
            assert r.json()["code"] == "invalid_state"

    async def test_real_seller_central_hosts_map_to_their_region(
        self, user_client: httpx.AsyncClient
    ) -> None:
        cb = "https://sellercentral.amazon.co.jp/apps/authorize/confirm/amzn1.sp.solution.x"
        r = await user_client.get(
            "/api/v1/oauth/amazon/login",
            params={
                "amazon_callback_uri": cb,
                "amazon_state": "s",
                "selling_partner_id": "A1SELLER0001",
                "version": "beta",
            },
        )
        assert r.status_code == 302
        assert r.headers["location"].startswith(cb + "?")
        assert query(r.headers["location"])["version"] == "beta"

    async def test_callback_for_another_seller_is_refused(
        self, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        start = await sim_http.get(
            "/_sim/appstore/start",
            params={"selling_partner_id": new_selling_partner_id(), "login_uri": LOGIN_URI},
        )
        login = await user_client.get(start.headers["location"].replace("http://testserver", ""))
        state = query(login.headers["location"])["state"]
        cb = await user_client.get(
            "/api/v1/oauth/amazon/callback",
            params={
                "state": state,
                "selling_partner_id": new_selling_partner_id(),
                "spapi_oauth_code": "c",
            },
        )
        assert cb.status_code == 400 and cb.json()["code"] == "oauth_error"


class TestRenewalAndLinks:
    async def test_countdown_and_linked_regions(
        self, owner_db: OwnerDb, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        spid = new_selling_partner_id()
        na = await connect_store(user_client, sim_http, spid, region="na")
        eu = await connect_store(user_client, sim_http, spid, region="eu")
        assert na["days_until_renewal"] in (364, 365) and na["renewal_due"] is False
        shown = (await user_client.get(f"/api/v1/stores/{na['id']}")).json()
        assert shown["linked_store_ids"] == [eu["id"]]
        async with owner_db() as session, session.begin():
            row = await session.get(Store, na["id"])
            assert row is not None
            row.authorized_at = utcnow() - timedelta(days=340)
        later = (await user_client.get(f"/api/v1/stores/{na['id']}")).json()
        assert later["days_until_renewal"] in (24, 25) and later["renewal_due"] is True
        # Renewing (re-authorizing the same seller and region) restarts the countdown.
        renewed = await connect_store(user_client, sim_http, spid, region="na")
        assert renewed["id"] == na["id"] and renewed["days_until_renewal"] in (364, 365)


class TestDisconnect:
    async def test_owner_disconnect_stops_all_access_at_once(
        self, owner_db: OwnerDb, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        store = await connect_store(user_client, sim_http)
        spid = str(store["selling_partner_id"])
        assert (await user_client.get(f"/api/v1/stores/{store['id']}/inventory")).status_code == 200
        r = await user_client.delete(f"/api/v1/stores/{store['id']}/authorization")
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "revoked" and r.json()["revoke_cause"] == "owner_disconnected"
        before = await sim_calls(sim_http, spid)
        base = f"/api/v1/stores/{store['id']}"
        for refused in (
            await user_client.get(f"{base}/orders"),  # a live read
            await user_client.post(f"{base}/sync"),
        ):
            assert refused.status_code == 409 and refused.json()["code"] == "store_revoked"
        # What was synced stays readable until the retention window (never refreshed).
        kept = await user_client.get(f"{base}/inventory")
        assert kept.status_code == 200
        assert await sim_calls(sim_http, spid) == before  # not one more call to Amazon
        async with owner_db() as session:
            assert await session.get(StoreCredential, store["id"]) is None
        again = await user_client.delete(f"/api/v1/stores/{store['id']}/authorization")
        assert again.status_code == 200  # idempotent

    async def test_viewer_cannot_disconnect(
        self,
        app: FastAPI,
        owner_db: OwnerDb,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        store = await connect_store(user_client, sim_http)
        async with signed_in_client(app) as viewer:
            async with owner_db() as session, session.begin():
                from minthub_api.auth.models import User

                row = (await session.scalars(select(User).where(User.email == viewer.email))).one()  # type: ignore[attr-defined]
                session.add(StoreMembership(store_id=store["id"], user_id=row.id, role="viewer"))
            r = await viewer.delete(f"/api/v1/stores/{store['id']}/authorization")
        assert r.status_code == 403 and r.json()["code"] == "store_role_forbidden"
        shown = (await user_client.get(f"/api/v1/stores/{store['id']}")).json()
        assert shown["status"] == "connected"


class TestOperatorCommands:
    async def test_stores_revoke_cli(
        self, settings: Settings, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        store = await connect_store(user_client, sim_http)
        env = {**os.environ, "MINTHUB_DATABASE_URL": str(settings.database_url)}
        done = await asyncio.to_thread(
            subprocess.run,
            [str(BIN), "stores", "revoke", str(store["id"]), "--reason", "seller asked by mail"],
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        shown = (await user_client.get(f"/api/v1/stores/{store['id']}")).json()
        assert shown["status"] == "revoked" and shown["revoke_cause"] == "operator_revoked"
        r = await user_client.get(f"/api/v1/stores/{store['id']}/orders")
        assert r.status_code == 409 and r.json()["code"] == "store_revoked"

    async def test_kek_rotation_rewraps_every_data_key(
        self,
        app: FastAPI,
        owner_db: OwnerDb,
        settings: Settings,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        store = await connect_store(user_client, sim_http)
        old = settings.kek_bytes()
        new = os.urandom(32)
        keyring = LocalKeyProvider({"local-1": old, "local-2": new}, "local-2")
        result = await rotate(app.state.sessionmaker, keyring)
        assert result.rewrapped >= 1
        assert set(result.key_ids_in_use) == {"local-2"}
        async with owner_db() as session:
            cred = await session.get(StoreCredential, store["id"])
            assert cred is not None and cred.key_id == "local-2"
            from minthub_api.crypto.envelope import EncryptedSecret

            sealed = EncryptedSecret(cred.key_id, cred.wrapped_key, cred.nonce, cred.ciphertext)
            aad = store_associated_data(str(store["id"]), str(store["selling_partner_id"]))
            token = open_sealed(
                LocalKeyProvider({"local-2": new}, "local-2"), sealed, associated_data=aad
            )
            assert token.startswith("Atzr|")
        # Put the running app's key back in charge for the other tests.
        await rotate(
            app.state.sessionmaker, LocalKeyProvider({"local-1": old, "local-2": new}, "local-1")
        )


async def test_lwa_secret_rotation_falls_back_to_the_next_secret(
    simulator: RunningSimulator, sim_http: httpx.AsyncClient
) -> None:
    """The current secret was rotated away (invalid_client): the next one is tried and kept."""
    redirect = "http://testserver/api/v1/oauth/amazon/callback"
    consent = (
        f"{simulator.url}/apps/authorize/consent?application_id={simulator.config.application_id}"
        f"&state=rotation-test&redirect_uri={redirect}&version=beta"
    )
    params = await approve_consent(sim_http, consent, new_selling_partner_id())
    async with httpx.AsyncClient() as http:
        lwa = AppLwaClient(
            http,
            token_url=f"{simulator.url}/auth/o2/token",
            client_id=simulator.config.client_id,
            client_secret="expired-old-secret",
            next_client_secret=simulator.config.client_secret,
        )
        tokens = await lwa.exchange_code(params["spapi_oauth_code"], redirect)
        assert lwa.credential_slot == "next"
        assert (await lwa.refresh(tokens.refresh_token)).value.startswith("Atza|")
        check = await LwaCredentialCheck().check(
            http,
            make_settings("postgresql+asyncpg://unused/x", simulator),
            lwa.client_secret_for_checks(),
            lwa.credential_slot,
        )
    assert check.ok and "next client secret" in str(check.detail)
