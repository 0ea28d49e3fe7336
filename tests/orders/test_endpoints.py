from datetime import UTC, datetime, timedelta

import httpx

from tests.conftest import connect_store

PII_WORDS = ("buyer", "recipient", "address", "email", "phone", "shipping")


async def test_orders_of_last_30_days_without_pii(
    user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    url = f"/api/v1/stores/{store['id']}/orders"
    orders: list[dict[str, object]] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"days": 30, "limit": 50}
        if cursor:
            params["cursor"] = cursor
        r = await user_client.get(url, params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        orders.extend(body["items"])
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert orders, "the simulator's catalogue has orders in the last 30 days"
    since = datetime.now(UTC) - timedelta(days=30, minutes=5)
    for order in orders:
        assert datetime.fromisoformat(str(order["purchase_date"])) >= since
        assert order["order_id"] and order["status"]
        assert not any(w in key.lower() for key in order for w in PII_WORDS)
    assert len({o["order_id"] for o in orders}) == len(orders)


async def test_days_out_of_range(
    user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    r = await user_client.get(f"/api/v1/stores/{store['id']}/orders?days=0")
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
