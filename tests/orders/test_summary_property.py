"""GET .../orders/summary (aggregated in PostgreSQL) against a plain Python reference.

A few hundred random orders and lines are written straight into the snapshot tables (NULL
marketplace, currency, SKU and unit price, cancelled and unknown statuses, purchases minutes
around local midnight in Los Angeles, Tokyo and Toronto); each summary is recomputed from the
raw rows by `reference`, the per-line loop the service used before it grouped in SQL.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import insert, select, update

from minthub_api.stores.models import Store
from minthub_api.sync.models import OrderItemSnapshot, OrderSnapshot
from tests.conftest import OwnerDb, connect_store

US, JP, CA, DE = "ATVPDKIKX0DER", "A1VC38T7YXB528", "A2EUQ1WTGCTBG2", "A1PA6795UKMFR9"
ZONES = {US: "America/Los_Angeles", JP: "Asia/Tokyo", CA: "America/Toronto"}
STORE_MARKETPLACES = [US, JP, CA]  # US first: the store's default time zone
STATUSES = ["PENDING", "UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED", "CANCELLED"]
FIELD = {"PENDING_AVAILABILITY": "pending"} | {s: s.lower() for s in STATUSES}
SEED = 20261203


@dataclass
class Line:
    order_id: str
    order_item_id: str
    sku: str | None
    asin: str | None
    quantity: int
    unit_price: Decimal | None
    currency: str | None


@dataclass
class Order:
    order_id: str
    status: str
    purchase_date: datetime
    marketplace_id: str | None
    latest_ship_date: datetime | None
    lines: list[Line] = field(default_factory=list)


def random_orders(rng: random.Random, now: datetime, count: int) -> list[Order]:
    """Purchases over the last ~45 days; half of them within 2 h of some zone's midnight."""
    orders = []
    for n in range(count):
        if rng.random() < 0.5:
            zone = ZoneInfo(rng.choice(list(ZONES.values())))
            day = now.astimezone(zone).date() - timedelta(days=rng.randint(0, 44))
            midnight = datetime.combine(day, time(0), tzinfo=zone)
            purchased = midnight + timedelta(
                seconds=rng.choice([0, -1, 1, rng.randint(-7200, 7200)])
            )
        else:
            purchased = now - timedelta(seconds=rng.randint(0, 45 * 86400))
        purchased = min(purchased, now).astimezone(UTC)
        status = rng.choice([*STATUSES, "CANCELLED", "PENDING_AVAILABILITY", "INVOICE_UNCONFIRMED"])
        ship_by = None if rng.random() < 0.2 else purchased + timedelta(hours=rng.randint(1, 96))
        order = Order(
            order_id=f"P-{n:05d}",
            status=status,
            purchase_date=purchased,
            marketplace_id=rng.choice([US, US, JP, JP, CA, DE, None]),
            latest_ship_date=ship_by,
        )
        for k in range(rng.choice([0, 1, 1, 2, 3, 4])):
            price = Decimal(rng.randint(0, 50_000)).scaleb(-2)
            order.lines.append(
                Line(
                    order_id=order.order_id,
                    order_item_id=f"I-{n}-{k}",
                    sku=rng.choice(["SKU-A", "SKU-B", "SKU-C", "SKU-D", "SKU-E", "", None]),
                    asin=rng.choice(["B000000001", "B000000002", "B000000003", None]),
                    quantity=rng.randint(0, 5),
                    unit_price=rng.choice([price, price, price, Decimal("0.00"), None]),
                    currency=rng.choice(["USD", "USD", "JPY", "CAD", "EUR", None]),
                )
            )
        orders.append(order)
    return orders


def _add(revenue: dict[str, Decimal], currency: str | None, amount: Decimal) -> None:
    revenue[currency or "?"] = revenue.get(currency or "?", Decimal(0)) + amount


def _money(revenue: dict[str, Decimal]) -> dict[str, str]:
    return {k: str(v) for k, v in revenue.items()}


def _counts() -> dict[str, int]:
    return dict.fromkeys(
        ("pending", "unshipped", "partially_shipped", "shipped", "cancelled", "other"), 0
    )


def reference(
    orders: list[Order], *, first: date, last: date, tz_name: str, mp: str | None, now: datetime
) -> dict[str, Any]:
    """The summary's figures from the raw rows, one order and one line at a time."""
    tz = ZoneInfo(tz_name)
    start = datetime.combine(first, time(0), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)
    mine = [
        o
        for o in orders
        if start <= o.purchase_date < end and (mp is None or o.marketplace_id == mp)
    ]
    day_count = (last - first).days + 1
    days: dict[date, dict[str, Any]] = {
        first + timedelta(days=i): {"orders": 0, "units": 0, "revenue": {}}
        for i in range(day_count)
    }
    by_mp: dict[str, dict[str, Any]] = {}
    counts = _counts()
    revenue: dict[str, Decimal] = {}
    units = 0

    def mp_row(o: Order) -> dict[str, Any]:
        key = o.marketplace_id or "?"
        return by_mp.setdefault(
            key,
            {
                "marketplace_id": key,
                "time_zone": ZONES.get(key) or {DE: "Europe/Berlin"}.get(key, "UTC"),
                "orders": 0,
                "units": 0,
                "revenue": {},
                "status_counts": _counts(),
            },
        )

    skus: dict[tuple[str, str | None], dict[str, Any]] = {}
    for o in mine:
        local_day = o.purchase_date.astimezone(tz).date()
        status = FIELD.get(o.status, "other")
        days[local_day]["orders"] += 1
        counts[status] += 1
        row = mp_row(o)
        row["orders"] += 1
        row["status_counts"][status] += 1
        if o.status == "CANCELLED":
            continue
        for li in o.lines:
            # A 0.00 price keeps its scale ("0.00"); only a missing price is a bare 0.
            price = li.unit_price if li.unit_price is not None else Decimal(0)
            amount = price * li.quantity
            days[local_day]["units"] += li.quantity
            _add(days[local_day]["revenue"], li.currency, amount)
            units += li.quantity
            _add(revenue, li.currency, amount)
            row["units"] += li.quantity
            _add(row["revenue"], li.currency, amount)
            sku = skus.setdefault(
                (li.sku or "?", o.marketplace_id),
                {"units": 0, "orders": set(), "asins": set(), "revenue": {}},
            )
            sku["units"] += li.quantity
            sku["orders"].add(o.order_id)
            if li.asin:
                sku["asins"].add(li.asin)
            _add(sku["revenue"], li.currency, amount)

    late = sorted(
        (
            o
            for o in orders
            if o.status in ("UNSHIPPED", "PARTIALLY_SHIPPED")
            and o.latest_ship_date is not None
            and o.latest_ship_date < now
            and (mp is None or o.marketplace_id == mp)
        ),
        key=lambda o: (o.latest_ship_date, o.order_id),
    )
    sku_rows = [
        {
            "sku": key[0],
            "asin": min(s["asins"]) if s["asins"] else None,  # the documented rule
            "marketplace_id": key[1],
            "units": s["units"],
            "orders": len(s["orders"]),
            "units_per_day": str(
                (Decimal(s["units"]) / day_count).quantize(Decimal("0.01"), ROUND_HALF_UP)
            ),
            "revenue": _money(s["revenue"]),
        }
        for key, s in skus.items()
    ]
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "day_count": day_count,
        "time_zone": tz_name,
        "marketplace_id": mp,
        "range_start_utc": start,
        "range_end_utc": end,
        "orders": len(mine),
        "units": units,
        "revenue": _money(revenue),
        "status_counts": counts,
        "days": [
            {"date": d.isoformat(), **v, "revenue": _money(v["revenue"])} for d, v in days.items()
        ],
        # Ties: marketplace id; SKU ties: SKU, then marketplace id (NULL last).
        "marketplaces": [
            {**m, "revenue": _money(m["revenue"])}
            for m in sorted(by_mp.values(), key=lambda m: (-m["orders"], m["marketplace_id"]))
        ],
        "skus": sorted(
            sku_rows,
            key=lambda s: (
                -s["units"],
                s["sku"],
                s["marketplace_id"] is None,
                s["marketplace_id"] or "",
            ),
        ),
        "late_unshipped": [
            {
                "order_id": o.order_id,
                "marketplace_id": o.marketplace_id,
                "status": o.status,
                "purchase_date": o.purchase_date,
                "latest_ship_date": o.latest_ship_date,
                "hours_late": str(
                    (Decimal((now - o.latest_ship_date).total_seconds()) / 3600).quantize(
                        Decimal("0.1"), rounding=ROUND_HALF_UP
                    )
                ),
            }
            for o in late
            if o.latest_ship_date is not None
        ],
    }


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    """The response's figures, datetimes parsed (the JSON spells them in UTC)."""
    out = {k: body[k] for k in body if k not in ("source", "synced_at", "as_of", "stale", "sync")}
    out.pop("source_dataset")
    for k in ("range_start_utc", "range_end_utc"):
        out[k] = datetime.fromisoformat(out[k])
    out["late_unshipped"] = [
        x
        | {
            "purchase_date": datetime.fromisoformat(x["purchase_date"]),
            "latest_ship_date": datetime.fromisoformat(x["latest_ship_date"]),
        }
        for x in out["late_unshipped"]
    ]
    return out


async def _seed(owner_db: OwnerDb, store_id: uuid.UUID, orders: list[Order]) -> None:
    async with owner_db() as session, session.begin():
        await session.execute(
            update(Store).where(Store.id == store_id).values(marketplace_ids=STORE_MARKETPLACES)
        )
        await session.execute(
            insert(OrderSnapshot),
            [
                {
                    "store_id": store_id,
                    "order_id": o.order_id,
                    "status": o.status,
                    "purchase_date": o.purchase_date,
                    "last_update_date": o.purchase_date,
                    "marketplace_id": o.marketplace_id,
                    "latest_ship_date": o.latest_ship_date,
                    "synced_at": o.purchase_date,
                }
                for o in orders
            ],
        )
        await session.execute(
            insert(OrderItemSnapshot),
            [{"store_id": store_id, **vars(li)} for o in orders for li in o.lines],
        )


async def _load(owner_db: OwnerDb, store_id: uuid.UUID) -> list[Order]:
    """The store's raw rows as stored (Numeric(14,2) prices, timestamps from PostgreSQL)."""
    async with owner_db() as session:
        found = (
            await session.execute(select(OrderSnapshot).where(OrderSnapshot.store_id == store_id))
        ).scalars()
        orders = {
            o.order_id: Order(
                o.order_id, o.status, o.purchase_date, o.marketplace_id, o.latest_ship_date
            )
            for o in found
        }
        for li in (
            await session.execute(
                select(OrderItemSnapshot).where(OrderItemSnapshot.store_id == store_id)
            )
        ).scalars():
            orders[li.order_id].lines.append(
                Line(
                    li.order_id,
                    li.order_item_id,
                    li.sku,
                    li.asin,
                    li.quantity,
                    li.unit_price,
                    li.currency,
                )
            )
    return list(orders.values())


async def test_summary_matches_the_per_line_reference(
    user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient, owner_db: OwnerDb
) -> None:
    store = await connect_store(user_client, sim_http)
    store_id = uuid.UUID(str(store["id"]))
    rng = random.Random(SEED)
    await _seed(owner_db, store_id, random_orders(rng, datetime.now(UTC), 400))
    orders = await _load(owner_db, store_id)
    assert sum(len(o.lines) for o in orders) > 600
    url = f"/api/v1/stores/{store_id}/orders/summary"

    async def check(params: dict[str, str | int], tz_name: str, mp: str | None) -> None:
        r = await user_client.get(url, params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        first, last = date.fromisoformat(body["from"]), date.fromisoformat(body["to"])
        if "days" in params:
            assert last == datetime.now(ZoneInfo(tz_name)).date() or (
                last == datetime.fromisoformat(body["as_of"]).astimezone(ZoneInfo(tz_name)).date()
            )
            assert (last - first).days + 1 == params["days"]
        expected = reference(
            orders,
            first=first,
            last=last,
            tz_name=tz_name,
            mp=mp,
            now=datetime.fromisoformat(body["as_of"]),
        )
        got = _comparable(body)
        for key in expected.keys() | got.keys():  # one figure at a time: readable failures
            assert got.get(key) == expected.get(key), (params, key)

    today_la = datetime.now(ZoneInfo(ZONES[US])).date()
    await check({"days": 90}, ZONES[US], None)  # whole data set, store's zone (US first)
    await check({"days": 30, "marketplace_id": JP}, ZONES[JP], JP)
    first, last = today_la - timedelta(days=20), today_la - timedelta(days=10)
    await check({"from": str(first), "to": str(last)}, ZONES[US], None)
    await check({"from": str(first), "to": str(last), "marketplace_id": US}, ZONES[US], US)
    await check({"from": str(first), "to": str(last), "marketplace_id": JP}, ZONES[JP], JP)
    await check({"from": str(first), "to": str(first), "marketplace_id": CA}, ZONES[CA], CA)
    await check({"from": str(last), "to": str(last)}, ZONES[US], None)

    # The data exercises what the rules are about.
    whole = reference(
        orders,
        first=today_la - timedelta(days=89),
        last=today_la,
        tz_name=ZONES[US],
        mp=None,
        now=datetime.now(UTC),
    )
    assert whole["status_counts"]["cancelled"] and whole["status_counts"]["other"]
    assert {"?", DE}.issubset(m["marketplace_id"] for m in whole["marketplaces"])
    assert "?" in whole["revenue"] and "?" in {s["sku"] for s in whole["skus"]}
    assert any(s["marketplace_id"] is None for s in whole["skus"]) and whole["late_unshipped"]
