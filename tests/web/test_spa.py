"""The built web app is served from the API's origin, under a strict Content-Security-Policy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from minthub_api.main import create_app
from minthub_api.web.spa import CONTENT_SECURITY_POLICY
from tests.conftest import RunningSimulator, make_settings

INDEX = "<!doctype html><title>Mint Hub</title><div id=root></div>"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX, encoding="utf-8")
    (tmp_path / "assets" / "index-AbCd1234.js").write_text("console.log(1)", encoding="utf-8")
    (tmp_path / "favicon.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path.parent / "secret.txt").write_text("outside", encoding="utf-8")
    return tmp_path


async def _client(
    database_url: str, simulator: RunningSimulator, dist: Path | None
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(make_settings(database_url, simulator, frontend_dist=dist))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def web(
    database_url: str, simulator: RunningSimulator, dist: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async for c in _client(database_url, simulator, dist):
        yield c


class TestSpa:
    async def test_client_routes_get_index_with_strict_csp(self, web: httpx.AsyncClient) -> None:
        for path in ("/", "/stores/5b1c0c1e-0000-4000-8000-000000000000", "/login", "/audit"):
            response = await web.get(path)
            assert response.status_code == 200, path
            assert response.text == INDEX
            csp = response.headers["content-security-policy"]
            assert csp == CONTENT_SECURITY_POLICY
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp
            assert "frame-ancestors 'none'" in csp
            assert response.headers["cache-control"] == "no-cache"

    async def test_head_is_answered_like_get(self, web: httpx.AsyncClient) -> None:
        response = await web.head("/stores/abc")
        assert response.status_code == 200
        assert "script-src 'self'" in response.headers["content-security-policy"]

    async def test_hashed_assets_are_immutable(self, web: httpx.AsyncClient) -> None:
        response = await web.get("/assets/index-AbCd1234.js")
        assert response.status_code == 200
        assert "immutable" in response.headers["cache-control"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert (await web.get("/favicon.svg")).headers["cache-control"] == "public, max-age=3600"

    async def test_missing_asset_is_a_404_not_the_index(self, web: httpx.AsyncClient) -> None:
        response = await web.get("/assets/gone-12345678.js")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    async def test_api_paths_keep_problem_documents(self, web: httpx.AsyncClient) -> None:
        for method in ("GET", "POST"):
            response = await web.request(method, "/api/v1/no-such-route")
            assert response.status_code == 404, method
            assert response.headers["content-type"].startswith("application/problem+json")

    async def test_the_invitation_link_opens_the_web_app(self, web: httpx.AsyncClient) -> None:
        # The e-mailed link is /invitations/accept#token=...: the app reads the fragment.
        response = await web.get("/invitations/accept")
        assert response.status_code == 200 and response.text == INDEX
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY

    async def test_no_file_outside_dist(self, web: httpx.AsyncClient) -> None:
        response = await web.get("/..%2Fsecret.txt")
        assert "outside" not in response.text

    async def test_without_a_build_the_placeholder_pages_remain(
        self, database_url: str, simulator: RunningSimulator, tmp_path: Path
    ) -> None:
        async for c in _client(database_url, simulator, tmp_path / "nothing-built"):
            response = await c.get("/")
            assert response.status_code == 200
            assert "content-security-policy" not in response.headers
            assert "/api/docs" in response.text

    async def test_without_a_build_the_invitation_link_opens_a_page_that_posts_the_token(
        self, database_url: str, simulator: RunningSimulator, tmp_path: Path
    ) -> None:
        async for c in _client(database_url, simulator, tmp_path / "nothing-built"):
            r = await c.get("/invitations/accept")
            assert r.status_code == 200 and "text/html" in r.headers["content-type"]
            assert "location.hash" in r.text and "/api/v1/invitations/accept" in r.text
            assert r.headers["referrer-policy"] == "no-referrer"
