"""The simulator against Amazon's official models (../shared/spapi-models), and the validator.

Every SP-API response in this test package already goes through ``validate_response`` (see
``conftest.Sim.spapi``); this module adds the sanity checks of the validator itself and
structural comparisons with the models' sandbox examples.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from minthub_api.simulator import inventory, listings, orders, reports, sales
from minthub_api.simulator.params import Param
from minthub_api.simulator.usage_plans import PLANS
from tests.support.spapi_models import (
    METHODS,
    find_operation,
    load_model,
    model_files,
    validate_request,
    validate_response,
)

from .conftest import MODELS, US, Sim

# Amazon's own example for getAccount lacks fields its schema requires (upstream model bug).
KNOWN_BAD_EXAMPLES = {("sellers.json", "getAccount", "200")}


def sandbox_examples() -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for filename in model_files():
        for item in load_model(filename)["paths"].values():
            for method, op in item.items():
                if method not in METHODS:
                    continue
                for status, response in op.get("responses", {}).items():
                    for example in response.get("x-amzn-api-sandbox", {}).get("static", []):
                        yield filename, op["operationId"], status, example


class TestValidatorOnSandboxExamples:
    def test_all_static_examples_validate(self) -> None:
        checked = 0
        for filename, op_id, status, example in sandbox_examples():
            body = example.get("response")
            if (filename, op_id, status) in KNOWN_BAD_EXAMPLES:
                with pytest.raises(AssertionError, match="required property"):
                    validate_response(op_id, int(status), body, model=filename)
            else:
                validate_response(op_id, int(status), body, model=filename)
            checked += 1
        assert checked >= 80

    def test_example_requests_validate(self) -> None:
        for filename, op_id, status, example in sandbox_examples():
            if filename != "orders_2026-01-01.json" or status != "200":
                continue
            _spec, path, method, _op = find_operation(op_id, filename)
            params = {k: v["value"] for k, v in example["request"]["parameters"].items()}
            order_id = params.pop("orderId", None)
            if order_id is not None:
                path = path.replace("{orderId}", order_id)
            query = {k: ",".join(v) if isinstance(v, list) else v for k, v in params.items()}
            validate_request(op_id, method, path, query, model=filename)

    def test_rejects_wrong_bodies(self) -> None:
        with pytest.raises(AssertionError, match="orders"):
            validate_response("searchOrders", 200, {"payload": []})
        with pytest.raises(AssertionError, match="date-time"):
            validate_response("searchOrders", 200, {"orders": [], "createdBefore": "yesterday"})
        with pytest.raises(AssertionError, match="declares no 418"):
            validate_response("searchOrders", 418, {})

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ({"granularityType": "Marketplace", "granularityId": US}, "missing required"),
            ({"granularityType": "Region", "granularityId": US, "marketplaceIds": US}, "enum"),
            (
                {
                    "granularityType": "Marketplace",
                    "granularityId": US,
                    "marketplaceIds": f"{US},A2EUQ1WTGCTBG2",
                },
                "maxItems",
            ),
            (
                {
                    "granularityType": "Marketplace",
                    "granularityId": US,
                    "marketplaceIds": US,
                    "details": "1",
                },
                "true/false",
            ),
            (
                {
                    "granularityType": "Marketplace",
                    "granularityId": US,
                    "marketplaceIds": US,
                    "MarketplaceIds": US,
                },
                "unknown query parameter",
            ),
            (
                {"granularityType": "Marketplace", "granularityId": US, "marketplaceIds": [US, US]},
                "repeated",
            ),
            (
                {
                    "granularityType": "Marketplace",
                    "granularityId": US,
                    "marketplaceIds": US,
                    "startDateTime": "2024-01-01",
                },
                "date-time",
            ),
        ],
    )
    def test_rejects_wrong_requests(self, query: dict[str, Any], message: str) -> None:
        with pytest.raises(AssertionError, match=message):
            validate_request("getInventorySummaries", "GET", "/fba/inventory/v1/summaries", query)

    def test_path_and_method(self) -> None:
        validate_request("getOrder", "GET", "/orders/2026-01-01/orders/111-1234567-1234567", {})
        with pytest.raises(AssertionError, match="does not match"):
            validate_request("getOrder", "GET", "/orders/v0/orders/111-1234567-1234567", {})
        with pytest.raises(AssertionError, match="method POST"):
            validate_request("getOrder", "POST", "/orders/2026-01-01/orders/1", {})

    def test_get_order_disambiguation(self) -> None:
        _spec, path, _method, _op = find_operation("getOrder")
        assert path == "/orders/2026-01-01/orders/{orderId}"
        _spec, path, _method, op = find_operation("getOrder", "ordersV0.json")
        assert path == "/orders/v0/orders/{orderId}" and op["deprecated"] is True


def _declared(operation: str) -> dict[str, dict[str, Any]]:
    _spec, _path, _method, op = find_operation(operation, MODELS[operation])
    return {p["name"]: p for p in op.get("parameters", []) if p["in"] == "query"}


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("getInventorySummaries", inventory.PARAMS),
        ("searchOrders", orders.SEARCH_PARAMS),
        ("getOrder", orders.GET_PARAMS),
        ("getMarketplaceParticipations", ()),
        ("getOrderMetrics", sales.PARAMS),
        ("getListingsItem", listings.GET_PARAMS),
        ("searchListingsItems", listings.SEARCH_PARAMS),
        ("getReports", reports.GET_REPORTS_PARAMS),
        ("getReport", ()),
        ("cancelReport", ()),
        ("getReportDocument", reports.DOCUMENT_PARAMS),
        ("createReport", ()),
    ],
)
def test_simulator_parameters_match_the_model(operation: str, params: tuple[Param, ...]) -> None:
    declared = _declared(operation)
    assert {p.name for p in params} == set(declared)
    for p in params:
        model = declared[p.name]
        assert p.type == model["type"], p.name
        assert p.required == model.get("required", False), p.name
        assert p.max_items == model.get("maxItems"), p.name
        enum = model.get("items", {}).get("enum") if p.type == "array" else model.get("enum")
        assert p.enum == (tuple(enum) if enum else None), p.name
        assert p.date_time == (model.get("format") == "date-time"), p.name


def test_usage_plans_match_the_model_descriptions() -> None:
    for operation, plan in PLANS.items():
        _spec, _path, _method, op = find_operation(operation, MODELS[operation])
        # The usage-plan table's row, e.g. "| 0.0056 | 20 |" (getOrderMetrics writes ".5").
        rows = re.findall(r"\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|", op["description"])
        assert rows, operation
        rate, burst = rows[-1]
        assert (float(rate), int(burst)) == (plan.rate, plan.burst), operation


def _key_paths(value: Any, prefix: str = "") -> set[str]:
    if isinstance(value, dict):
        out: set[str] = set()
        for key, child in value.items():
            out |= {f"{prefix}.{key}"} | _key_paths(child, f"{prefix}.{key}")
        return out
    if isinstance(value, list):
        return set().union(*(_key_paths(item, prefix + "[]") for item in value)) if value else set()
    return set()


async def test_orders_reuse_the_sandbox_examples_structure(connected: Sim) -> None:
    example_paths: set[str] = set()
    for filename, _op_id, status, example in sandbox_examples():
        if filename == "orders_2026-01-01.json" and status == "200":
            body = example["response"]
            for order in body.get("orders", [body.get("order")]):
                example_paths |= _key_paths(order)
    found = (
        await connected.spapi(
            "searchOrders",
            "/orders/2026-01-01/orders",
            {"createdAfter": "2000-01-01T00:00:00Z", "includedData": "PROCEEDS,FULFILLMENT"},
        )
    ).json()["orders"]
    ours = set().union(*(_key_paths(order) for order in found))
    assert ours <= example_paths, sorted(ours - example_paths)
    assert not {p for p in ours if p.startswith((".buyer", ".recipient"))}


async def test_sellers_match_the_sandbox_example_structure(connected: Sim) -> None:
    examples = [e for f, op, s, e in sandbox_examples() if op == "getMarketplaceParticipations"]
    body = (
        await connected.spapi(
            "getMarketplaceParticipations", "/sellers/v1/marketplaceParticipations"
        )
    ).json()
    assert _key_paths(body) == _key_paths(examples[0]["response"])
    assert body["payload"][0]["marketplace"] == examples[0]["response"]["payload"][0]["marketplace"]


async def test_every_error_kind_matches_the_models(connected: Sim) -> None:
    """403/400/404/429/500/503 bodies of each operation validate (done inside Sim.spapi)."""
    inventory_query = {"granularityType": "Marketplace", "granularityId": US, "marketplaceIds": US}
    calls: list[tuple[str, str, dict[str, str]]] = [
        ("getInventorySummaries", "/fba/inventory/v1/summaries", inventory_query),
        ("searchOrders", "/orders/2026-01-01/orders", {"createdAfter": "2000-01-01T00:00:00Z"}),
        ("getOrder", "/orders/2026-01-01/orders/111-0000000-0000000", {}),
        ("getMarketplaceParticipations", "/sellers/v1/marketplaceParticipations", {}),
    ]
    for operation, path, query in calls:
        await connected.spapi(operation, path, query, token="")  # 403 missing token
        await connected.spapi(operation, path, query, token="Atza|forged")  # 403 Unauthorized
        bad = await connected.spapi(operation, path, query | {"bogus": "1"}, valid_request=False)
        assert bad.status_code == 400
        for status in (500, 503):
            await connected.client.post(
                "/_sim/faults", json={"operation": operation, "kind": "status", "status": status}
            )
            assert (await connected.spapi(operation, path, query)).status_code == status
        statuses = {
            (await connected.spapi(operation, path, query)).status_code
            for _ in range(PLANS[operation].burst + 1)
        }
        assert 429 in statuses
