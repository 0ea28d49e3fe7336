import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

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


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a Prometheus exposition, by name and labels."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(
    scraped: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return scraped.get((name, frozenset(labels.items())), 0.0)


class TestMetrics:
    async def test_every_family_has_a_real_value_after_activity(
        self,
        client: httpx.AsyncClient,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        store = await connect_store(user_client, sim_http)  # queues its first sync (no worker)
        base = f"/api/v1/stores/{store['id']}"
        assert (await user_client.get(f"{base}/inventory")).status_code == 200
        # A live read: SP-API calls from this process, one answered 429 first (then retried).
        await sim_http.post(
            "/_sim/faults",
            json={
                "operation": "searchOrders",
                "kind": "throttled",
                "selling_partner_id": store["selling_partner_id"],
            },
        )
        assert (await user_client.get(f"{base}/orders?days=2")).status_code == 200
        gone = await connect_store(user_client, sim_http)
        r = await user_client.delete(f"/api/v1/stores/{gone['id']}/authorization")
        assert r.status_code == 200, r.text

        r = await client.get("/metrics")
        assert r.status_code == 200
        assert str(store["id"]) not in r.text  # labels are route templates, never raw paths
        got = samples(r.text)
        latency = "minthub_http_request_duration_seconds"
        inventory = {
            "method": "GET",
            "route": "/api/v1/stores/{store_id}/inventory",
            "status": "200",
        }
        assert value(got, f"{latency}_count", **inventory) >= 1
        assert value(got, f"{latency}_sum", **inventory) > 0
        calls = "minthub_spapi_calls_total"
        assert value(got, calls, operation="searchOrders", status="429") >= 1
        assert value(got, calls, operation="searchOrders", status="200") >= 1
        assert value(got, "minthub_spapi_throttled_total", operation="searchOrders") >= 1
        assert value(got, "minthub_lwa_token_refreshes_total", outcome="ok") >= 1
        # Queue depth and lag, read from procrastinate's table at scrape time.
        assert value(got, "minthub_queue_jobs", queue="sync", status="todo") >= 1
        assert ("minthub_queue_jobs", frozenset({("queue", "sync"), ("status", "doing")})) in got
        assert value(got, "minthub_queue_oldest_job_age_seconds", queue="sync") > 0
        assert value(got, "minthub_revoked_stores") >= 1
        assert value(got, "minthub_lwa_credentials_valid") == 1
        # Job run time and outcomes are observed where jobs run: the worker's own /metrics
        # (tests/sync/test_worker_operations.py); here the families exist, empty.
        assert "# TYPE minthub_job_run_seconds histogram" in r.text

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


class TestOverload:
    async def test_exhausted_database_pool_is_a_503_problem(
        self, database_url: str, simulator: RunningSimulator
    ) -> None:
        app = create_app(
            make_settings(
                database_url,
                simulator,
                db_pool_size=1,
                db_max_overflow=0,
                db_pool_timeout_seconds=0.2,
            )
        )
        async with running(app) as c, app.state.engine.connect() as held:
            await held.exec_driver_sql("SELECT 1")  # the pool's only connection, kept busy
            c.cookies.set("minthub_session", "not-a-session")
            r = await c.get("/api/v1/stores")
        assert r.status_code == 503, r.text
        assert r.json()["code"] == "database_busy" and r.headers["retry-after"] == "1"
