"""Isolation is tested, not trusted: every route under /stores/{store_id} in the OpenAPI
document is called by a non-member, an anonymous caller and with malformed ids."""

import re
import uuid

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import anonymous_client, connect_store, signed_in_client

STORE_PREFIX = "/api/v1/stores/{store_id}"


def store_routes(app: FastAPI) -> list[tuple[str, str]]:
    routes: list[tuple[str, str]] = []
    for path, ops in app.openapi()["paths"].items():
        if path == STORE_PREFIX or path.startswith(STORE_PREFIX + "/"):
            routes.extend((method.upper(), path) for method in ops)
    return sorted(routes)


async def test_routes_are_enumerated(app: FastAPI) -> None:
    routes = store_routes(app)
    # The walking skeleton's store routes; the list grows as routes are added.
    assert {
        ("GET", STORE_PREFIX),
        ("GET", STORE_PREFIX + "/inventory"),
        ("GET", STORE_PREFIX + "/orders"),
        ("GET", STORE_PREFIX + "/audit-events"),
    } <= set(routes)


async def test_every_store_route_hides_other_stores(
    app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    routes = store_routes(app)
    async with (
        signed_in_client(app) as outsider,
        anonymous_client(app) as anonymous,
    ):
        for method, template in routes:
            for store_id in (str(store["id"]), str(uuid.uuid4()), "not-a-uuid"):
                path = template.replace("{store_id}", store_id)
                r = await outsider.request(method, path)
                assert r.status_code == 404, (method, path, r.status_code, r.text)
                assert r.json()["code"] == "store_not_found", (method, path)
                assert r.headers["content-type"].startswith("application/problem+json")
            anon = await anonymous.request(method, template.replace("{store_id}", str(store["id"])))
            assert anon.status_code == 401, (method, template)
        # The owner reaches every read route (a sanity check that the 404s above mean
        # something); writes are checked per role in test_authorization_matrix.py.
        for method, template in routes:
            if method != "GET":
                continue
            path = re.sub(r"\{(?!store_id)\w+\}", str(uuid.uuid4()), template)
            r = await user_client.request(method, path.replace("{store_id}", str(store["id"])))
            if path != template:  # a random child id: its own 404, never the store's
                assert r.status_code == 404, (method, template, r.status_code, r.text)
                assert r.json()["code"] != "store_not_found", (method, template)
                continue
            assert r.status_code < 400, (method, template, r.status_code, r.text)


@pytest.mark.parametrize("path", ["/api/v1/audit-events", "/api/v1/stores"])
async def test_lists_show_only_own_stores(
    app: FastAPI, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient, path: str
) -> None:
    mine = await connect_store(user_client, sim_http)
    async with signed_in_client(app) as other:
        theirs = await connect_store(other, sim_http)
        seen = (await other.get(path)).json()
    items = seen["items"] if isinstance(seen, dict) else seen
    ids = {str(i.get("store_id", i.get("id"))) for i in items}
    assert str(theirs["id"]) in ids
    assert str(mine["id"]) not in ids
