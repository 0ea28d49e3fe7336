"""Our payload models use the official models' field names exactly and parse their examples."""

from __future__ import annotations

import inspect
from types import ModuleType
from typing import Any

import pytest

from minthub_api.amazon.schemas import inventory, orders, sellers
from minthub_api.amazon.schemas.base import SpApiModel
from tests.amazon.conftest import load_model, sandbox_examples

MODELS: dict[ModuleType, str] = {
    inventory: "fbaInventory.json",
    orders: "orders_2026-01-01.json",
    sellers: "sellers.json",
}
# Our class name → the model's definition name, where they differ.
RENAMED = {"MarketplaceInfo": "Marketplace", "ApiOrder": "Order"}
CASES = [
    (module, name, cls)
    for module in MODELS
    for name, cls in vars(module).items()
    if inspect.isclass(cls) and issubclass(cls, SpApiModel) and cls.__module__ == module.__name__
]


@pytest.mark.parametrize(("module", "name", "cls"), CASES, ids=[c[1] for c in CASES])
def test_aliases_are_the_model_property_names(
    module: ModuleType, name: str, cls: type[SpApiModel]
) -> None:
    definition = load_model(MODELS[module])["definitions"][RENAMED.get(name, name)]
    properties = definition["properties"]
    for field_name, info in cls.model_fields.items():
        assert info.alias in properties, f"{name}.{field_name} → {info.alias!r}"


def _examples() -> list[tuple[str, Any]]:
    out = [(f"searchOrders-{i}", e["response"]) for i, e in
           enumerate(sandbox_examples("orders_2026-01-01.json", "searchOrders", "200"))]
    out += [(f"getOrder-{i}", e["response"]) for i, e in
            enumerate(sandbox_examples("orders_2026-01-01.json", "getOrder", "200"))]
    return out


@pytest.mark.parametrize(("label", "body"), _examples(), ids=[e[0] for e in _examples()])
def test_order_examples_parse(label: str, body: dict[str, Any]) -> None:
    if "orders" in body:
        parsed = orders.SearchOrdersResponse.model_validate(body)
        assert parsed.orders
    else:
        orders.GetOrderResponse.model_validate(body)
