import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from minthub_api.core import migrations
from minthub_api.main import create_app
from tests.conftest import RunningSimulator, connect_store, make_settings
from tests.support.db import temporary_database_async


@asynccontextmanager
async def running(app: FastAPI, client_host: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=(client_host, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


class TestReady:
    async def test_ready_when_everything_works(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/v1/ready")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["status"] == "ready"
        assert set(body["checks"]) == {"database", "migrations", "key_provider", "lwa_credentials"}
        assert all(c["ok"] for c in body["checks"].values())

    async def test_wrong_lwa_secret_is_not_ready(
        self, database_url: str, simulator: RunningSimulator
    ) -> None:
        app = create_app(make_settings(database_url, simulator, lwa_client_secret="wrong-secret"))
        async with running(app) as c:
            r = await c.get("/api/v1/ready")
        assert r.status_code == 503
        check = r.json()["checks"]["lwa_credentials"]
        assert check["ok"] is False and "invalid_client" in check["detail"]
        assert "wrong-secret" not in r.text

    async def test_database_behind_head_is_not_ready(self, simulator: RunningSimulator) -> None:
        async with temporary_database_async("minthub_ready") as url:
            await asyncio.to_thread(migrations.upgrade, url)
            await asyncio.to_thread(migrations.downgrade, url, "base")
            app = create_app(make_settings(url, simulator))
            async with running(app) as c:
                r = await c.get("/api/v1/ready")
        assert r.status_code == 503
        assert r.json()["checks"]["migrations"]["ok"] is False


class TestMetrics:
    async def test_metrics_on_loopback(
        self,
        client: httpx.AsyncClient,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        store = await connect_store(user_client, sim_http)
        assert (await user_client.get(f"/api/v1/stores/{store['id']}/inventory")).status_code == 200
        r = await client.get("/metrics")
        assert r.status_code == 200
        text = r.text
        assert 'route="/api/v1/stores/{store_id}/inventory"' in text
        assert str(store["id"]) not in text  # labels are route templates, never raw paths
        assert 'minthub_spapi_calls_total{operation="getInventorySummaries",status="200"}' in text
        assert "minthub_lwa_token_refreshes_total" in text
        assert "minthub_revoked_stores" in text

    async def test_metrics_refused_to_remote_clients_without_token(
        self, database_url: str, simulator: RunningSimulator
    ) -> None:
        app = create_app(make_settings(database_url, simulator))
        async with running(app, client_host="203.0.113.9") as c:
            r = await c.get("/metrics")
        assert r.status_code == 403 and r.json()["code"] == "forbidden"

    async def test_metrics_token(self, database_url: str, simulator: RunningSimulator) -> None:
        app = create_app(make_settings(database_url, simulator, metrics_token="s3cret-metrics"))
        async with running(app, client_host="203.0.113.9") as c:
            assert (await c.get("/metrics")).status_code == 401
            wrong = await c.get("/metrics", headers={"authorization": "Bearer nope"})
            assert wrong.status_code == 401
            ok = await c.get("/metrics", headers={"authorization": "Bearer s3cret-metrics"})
            assert ok.status_code == 200
