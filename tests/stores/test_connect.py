"""The website authorization flow against the simulated Amazon over real HTTP."""

from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi import FastAPI
from sqlalchemy import select, text

from minthub_api.audit.models import AuditEvent
from minthub_api.stores.models import Store, StoreCredential
from tests.conftest import (
    OwnerDb,
    RunningSimulator,
    approve_consent,
    connect_store,
    new_selling_partner_id,
    signed_in_client,
)


class TestConnectStart:
    async def test_redirects_to_consent_page_with_state(
        self, user_client: httpx.AsyncClient, simulator: RunningSimulator
    ) -> None:
        r = await user_client.get("/api/v1/stores/connect?region=eu")
        assert r.status_code == 302
        url = urlsplit(r.headers["location"])
        assert f"{url.scheme}://{url.netloc}" == simulator.url
        assert url.path == "/apps/authorize/consent"
        q = parse_qs(url.query)
        assert q["application_id"] == [simulator.config.application_id]
        assert q["redirect_uri"] == ["http://testserver/api/v1/oauth/amazon/callback"]
        assert q["version"] == ["beta"]
        assert len(q["state"][0]) >= 32

    async def test_json_format(self, user_client: httpx.AsyncClient) -> None:
        r = await user_client.get("/api/v1/stores/connect?format=json")
        assert r.status_code == 200
        assert "/apps/authorize/consent?" in r.json()["authorization_url"]

    async def test_requires_sign_in(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/v1/stores/connect")
        assert r.status_code == 401

    async def test_unknown_region_is_rejected(self, user_client: httpx.AsyncClient) -> None:
        r = await user_client.get("/api/v1/stores/connect?region=mars")
        assert r.status_code == 422 and r.json()["code"] == "validation_error"


class TestCallback:
    async def test_connects_store_with_encrypted_token_and_audit(
        self,
        owner_db: OwnerDb,
        app: FastAPI,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        spid = new_selling_partner_id()
        store = await connect_store(user_client, sim_http, spid)
        assert store["selling_partner_id"] == spid
        assert store["region"] == "na"
        assert store["status"] == "connected"
        assert store["role"] == "owner"
        assert store["marketplace_ids"][0] == "ATVPDKIKX0DER"  # type: ignore[index]
        async with owner_db() as session:
            cred = await session.get(StoreCredential, store["id"])
            assert cred is not None
            assert b"Atzr|" not in cred.ciphertext and b"Atzr|" not in cred.wrapped_key
            # No column anywhere holds the refresh token in clear.
            dump = await session.execute(text("SELECT row_to_json(s)::text FROM stores s"))
            assert all("Atzr|" not in row[0] for row in dump)
            actions = (
                await session.scalars(
                    select(AuditEvent.action).where(AuditEvent.store_id == store["id"])
                )
            ).all()
        assert "store_connected" in actions
        assert "spapi_call" in actions  # getMarketplaceParticipations right after connecting

    async def test_state_is_single_use(
        self, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        r = await user_client.get("/api/v1/stores/connect?format=json")
        params = await approve_consent(
            sim_http, r.json()["authorization_url"], new_selling_partner_id()
        )
        first = await user_client.get("/api/v1/oauth/amazon/callback", params=params)
        assert first.status_code == 302
        again = await user_client.get("/api/v1/oauth/amazon/callback", params=params)
        assert again.status_code == 400 and again.json()["code"] == "invalid_state"

    async def test_unknown_state_creates_nothing(
        self, owner_db: OwnerDb, app: FastAPI, user_client: httpx.AsyncClient
    ) -> None:
        spid = new_selling_partner_id()
        r = await user_client.get(
            "/api/v1/oauth/amazon/callback",
            params={"state": "forged", "selling_partner_id": spid, "spapi_oauth_code": "x"},
        )
        assert r.status_code == 400 and r.json()["code"] == "invalid_state"
        async with owner_db() as session:
            assert (
                await session.scalars(select(Store).where(Store.selling_partner_id == spid))
            ).first() is None

    async def test_browser_gets_a_readable_page(self, user_client: httpx.AsyncClient) -> None:
        r = await user_client.get(
            "/api/v1/oauth/amazon/callback?state=forged",
            headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
        )
        assert r.status_code == 400
        assert r.headers["content-type"].startswith("text/html")
        assert "invalid_state" in r.text

    async def test_another_users_state_is_refused(
        self, app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        r = await user_client.get("/api/v1/stores/connect?format=json")
        params = await approve_consent(
            sim_http, r.json()["authorization_url"], new_selling_partner_id()
        )
        async with signed_in_client(app) as attacker:
            stolen = await attacker.get("/api/v1/oauth/amazon/callback", params=params)
        assert stolen.status_code == 400 and stolen.json()["code"] == "invalid_state"

    async def test_signed_out_callback_is_refused(
        self,
        app: FastAPI,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
        client: httpx.AsyncClient,
    ) -> None:
        r = await user_client.get("/api/v1/stores/connect?format=json")
        params = await approve_consent(
            sim_http, r.json()["authorization_url"], new_selling_partner_id()
        )
        anon = await client.get("/api/v1/oauth/amazon/callback", params=params)
        assert anon.status_code == 400 and anon.json()["code"] == "invalid_state"

    async def test_seller_denies(
        self, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        r = await user_client.get("/api/v1/stores/connect?format=json")
        params = await approve_consent(
            sim_http, r.json()["authorization_url"], new_selling_partner_id(), decision="deny"
        )
        assert "error" in params and "spapi_oauth_code" not in params
        cb = await user_client.get("/api/v1/oauth/amazon/callback", params=params)
        assert cb.status_code == 400 and cb.json()["code"] == "amazon_authorization_denied"
        assert (await user_client.get("/api/v1/stores")).json() == []

    async def test_reused_code_is_invalid_grant(
        self, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        r = await user_client.get("/api/v1/stores/connect?format=json")
        params = await approve_consent(
            sim_http, r.json()["authorization_url"], new_selling_partner_id()
        )
        assert (
            await user_client.get("/api/v1/oauth/amazon/callback", params=params)
        ).status_code == 302
        # A fresh state but the already-exchanged code: LWA answers invalid_grant.
        r2 = await user_client.get("/api/v1/stores/connect?format=json")
        state2 = parse_qs(urlsplit(r2.json()["authorization_url"]).query)["state"][0]
        cb = await user_client.get(
            "/api/v1/oauth/amazon/callback", params=params | {"state": state2}
        )
        assert cb.status_code == 400 and cb.json()["code"] == "oauth_error"
        assert params["spapi_oauth_code"] not in cb.text

    async def test_reauthorization_renews_the_same_store(
        self, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        spid = new_selling_partner_id()
        first = await connect_store(user_client, sim_http, spid)
        second = await connect_store(user_client, sim_http, spid)
        assert first["id"] == second["id"]
        stores = (await user_client.get("/api/v1/stores")).json()
        assert [s["id"] for s in stores] == [first["id"]]

    async def test_same_seller_other_region_is_another_store(
        self, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
    ) -> None:
        spid = new_selling_partner_id()
        na = await connect_store(user_client, sim_http, spid, region="na")
        eu = await connect_store(user_client, sim_http, spid, region="eu")
        assert na["id"] != eu["id"]
        assert eu["region"] == "eu" and eu["marketplace_ids"][0] == "A1PA6795UKMFR9"  # type: ignore[index]
