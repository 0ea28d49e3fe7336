"""LWA token endpoint and the consent pages of the simulated Amazon."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from minthub_api.simulator import SimulatorConfig, create_simulator_app

from .conftest import APP_ID, BASE, CLIENT, REDIRECT, US, Sim

INVALID_CODE = {"error": "invalid_grant",
                "error_description": "The request has an invalid grant parameter : code"}
INVALID_REFRESH = {
    "error": "invalid_grant",
    "error_description": "The request has an invalid grant parameter : refresh_token. User may "
                         "have revoked or didn't grant the permission."}
SUMMARIES = {"granularityType": "Marketplace", "granularityId": US, "marketplaceIds": US}


class TestConsentPage:
    async def test_shows_app_and_prefilled_seller(self, sim: Sim) -> None:
        response = await sim.client.get("/apps/authorize/consent", params={
            "application_id": APP_ID, "state": "s", "version": "beta", "redirect_uri": REDIRECT})
        assert response.status_code == 200
        assert APP_ID in response.text and "Simulated" in response.text
        assert "value='A1MINTHUB00007'" in response.text
        assert "name=decision value=approve" in response.text

    async def test_draft_app_without_beta_is_md1000(self, sim: Sim) -> None:
        response = await sim.client.get("/apps/authorize/consent",
                                        params={"application_id": APP_ID, "state": "s"})
        assert response.status_code == 400 and "MD1000" in response.text

    async def test_published_app_needs_no_beta(self) -> None:
        app = create_simulator_app(SimulatorConfig(draft_app=False, redirect_uris=[REDIRECT]))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url=BASE) as client:
            response = await client.get("/apps/authorize/consent",
                                        params={"application_id": APP_ID, "state": "s"})
        assert response.status_code == 200
        assert f"value='{REDIRECT}'" in response.text  # first registered URI is used

    async def test_unknown_app(self, sim: Sim) -> None:
        response = await sim.client.get("/apps/authorize/consent", params={
            "application_id": "amzn1.sp.solution.other", "state": "s", "version": "beta"})
        assert response.status_code == 400 and "not valid" in response.text

    async def test_unregistered_redirect_is_md5101(self, sim: Sim) -> None:
        response = await sim.client.get("/apps/authorize/consent", params={
            "application_id": APP_ID, "state": "s", "version": "beta",
            "redirect_uri": "https://evil.example/cb"})
        assert response.status_code == 400 and "MD5101" in response.text

    async def test_missing_redirect_without_configured_one_is_md5100(self, sim: Sim) -> None:
        response = await sim.client.get("/apps/authorize/consent", params={
            "application_id": APP_ID, "state": "s", "version": "beta"})
        assert response.status_code == 400 and "MD5100" in response.text

    async def test_deny_redirects_with_access_denied(self, sim: Sim) -> None:
        response = await sim.client.post("/apps/authorize/consent", data={
            "application_id": APP_ID, "state": "st", "redirect_uri": REDIRECT + "?x=1",
            "version": "beta", "selling_partner_id": "A1MINTHUB00007", "decision": "deny"})
        assert response.status_code == 302
        query = parse_qs(urlsplit(response.headers["location"]).query)
        assert query["x"] == ["1"] and query["state"] == ["st"]
        assert query["error"] == ["access_denied"] and "spapi_oauth_code" not in query

    async def test_bad_seller_id_rerenders_form(self, sim: Sim) -> None:
        response = await sim.client.post("/apps/authorize/consent", data={
            "application_id": APP_ID, "state": "st", "redirect_uri": REDIRECT,
            "version": "beta", "selling_partner_id": "nope", "decision": "approve"})
        assert response.status_code == 400 and "selling partner ID" in response.text


class TestAppstoreFlow:
    async def test_start_then_confirm_issues_code(self, sim: Sim) -> None:
        start = await sim.client.get("/_sim/appstore/start", params={
            "selling_partner_id": "A2APPSTORE0001", "login_uri": "http://localhost:3000/login"})
        assert start.status_code == 302
        login = urlsplit(start.headers["location"])
        query = {k: v[0] for k, v in parse_qs(login.query).items()}
        assert query["amazon_callback_uri"] == f"{BASE}/apps/authorize/confirm/{APP_ID}"
        assert query["selling_partner_id"] == "A2APPSTORE0001" and query["version"] == "beta"
        confirm = await sim.client.get(urlsplit(query["amazon_callback_uri"]).path, params={
            "amazon_state": query["amazon_state"], "state": "ours", "redirect_uri": REDIRECT,
            "version": "beta"})
        assert confirm.status_code == 302
        back = parse_qs(urlsplit(confirm.headers["location"]).query)
        assert back["state"] == ["ours"] and back["selling_partner_id"] == ["A2APPSTORE0001"]
        exchanged = await sim.token(grant_type="authorization_code", redirect_uri=REDIRECT,
                                    code=back["spapi_oauth_code"][0])
        assert exchanged.status_code == 200
        # amazon_state is single-use.
        again = await sim.client.get(f"/apps/authorize/confirm/{APP_ID}", params={
            "amazon_state": query["amazon_state"], "state": "ours", "redirect_uri": REDIRECT,
            "version": "beta"})
        assert again.status_code == 400

    async def test_unknown_amazon_state(self, sim: Sim) -> None:
        response = await sim.client.get(f"/apps/authorize/confirm/{APP_ID}", params={
            "amazon_state": "forged", "state": "s", "redirect_uri": REDIRECT, "version": "beta"})
        assert response.status_code == 400


class TestTokenEndpoint:
    async def test_full_flow_exchange_and_refresh(self, sim: Sim) -> None:
        params = await sim.consent(state="csrf-1")
        assert params["state"] == "csrf-1" and params["selling_partner_id"] == "A1MINTHUB00007"
        response = await sim.token(grant_type="authorization_code", redirect_uri=REDIRECT,
                                   code=params["spapi_oauth_code"])
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        body = response.json()
        assert body["access_token"].startswith("Atza|")
        assert body["refresh_token"].startswith("Atzr|")
        assert body["token_type"] == "bearer" and body["expires_in"] == 3600
        refreshed = await sim.client.post("/auth/o2/token", json={
            **CLIENT, "grant_type": "refresh_token", "refresh_token": body["refresh_token"]})
        assert refreshed.status_code == 200
        assert refreshed.json()["refresh_token"] == body["refresh_token"]
        assert refreshed.json()["access_token"] != body["access_token"]
        calls = (await sim.client.get("/_sim/calls")).json()
        assert calls["lwa"] == {"authorization_code": 1, "refresh_token": 1}

    async def test_code_is_single_use(self, sim: Sim) -> None:
        code = (await sim.consent())["spapi_oauth_code"]
        first = await sim.token(grant_type="authorization_code", redirect_uri=REDIRECT, code=code)
        assert first.status_code == 200
        second = await sim.token(grant_type="authorization_code", redirect_uri=REDIRECT,
                                 code=code)
        assert second.status_code == 400 and second.json() == INVALID_CODE

    async def test_code_expires_after_five_minutes(self, sim: Sim) -> None:
        code = (await sim.consent())["spapi_oauth_code"]
        sim.clock.advance(301)
        response = await sim.token(grant_type="authorization_code", redirect_uri=REDIRECT,
                                   code=code)
        assert response.status_code == 400 and response.json() == INVALID_CODE

    async def test_code_bound_to_redirect_uri(self, sim: Sim) -> None:
        code = (await sim.consent())["spapi_oauth_code"]
        response = await sim.token(grant_type="authorization_code", code=code,
                                   redirect_uri="http://127.0.0.1:9999/other")
        assert response.status_code == 400 and response.json() == INVALID_CODE

    async def test_wrong_client(self, sim: Sim) -> None:
        code = (await sim.consent())["spapi_oauth_code"]
        response = await sim.client.post("/auth/o2/token", data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "client_id": CLIENT["client_id"], "client_secret": "wrong"})
        assert response.status_code == 401
        assert response.json() == {"error": "invalid_client",
                                   "error_description": "Client authentication failed"}

    async def test_unknown_refresh_token(self, sim: Sim) -> None:
        response = await sim.token(grant_type="refresh_token", refresh_token="Atzr|nope")
        assert response.status_code == 400 and response.json() == INVALID_REFRESH

    async def test_missing_field_and_bad_grant_type(self, sim: Sim) -> None:
        missing = await sim.token(grant_type="authorization_code", redirect_uri=REDIRECT)
        assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
        bad = await sim.token(grant_type="password")
        assert bad.status_code == 400 and bad.json()["error"] == "unsupported_grant_type"

    async def test_access_token_expires_after_an_hour(self, connected: Sim) -> None:
        ok = await connected.spapi("getInventorySummaries", "/fba/inventory/v1/summaries",
                                   SUMMARIES)
        assert ok.status_code == 200
        connected.clock.advance(3601)
        expired = await connected.spapi("getInventorySummaries", "/fba/inventory/v1/summaries",
                                        SUMMARIES)
        assert expired.status_code == 403
        assert expired.json()["errors"][0]["code"] == "Unauthorized"


class TestRevocation:
    async def test_revoke_kills_refresh_and_access_tokens(self, sim: Sim) -> None:
        tokens = await sim.connect()
        revoked = await sim.client.post("/_sim/sellers/A1MINTHUB00007/revoke")
        assert revoked.json()["revoked_refresh_tokens"] == 1
        refresh = await sim.token(grant_type="refresh_token",
                                  refresh_token=tokens["refresh_token"])
        assert refresh.status_code == 400 and refresh.json() == INVALID_REFRESH
        call = await sim.spapi("getInventorySummaries", "/fba/inventory/v1/summaries",
                               SUMMARIES)
        assert call.status_code == 403
        assert call.json() == {"errors": [{
            "code": "Unauthorized", "message": "Access to requested resource is denied.",
            "details": "The access token you provided is revoked, malformed or invalid."}]}
        assert "x-amzn-RateLimit-Limit" not in call.headers
        # Re-authorizing yields working tokens again.
        await sim.connect()
        again = await sim.spapi("getInventorySummaries", "/fba/inventory/v1/summaries",
                                SUMMARIES)
        assert again.status_code == 200
