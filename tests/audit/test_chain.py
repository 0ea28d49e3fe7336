"""The hash chain: computed by the database on insert, recomputed by `audit verify`."""

from __future__ import annotations

import asyncio
import base64
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from minthub_api.audit.chain import checkpoint_key
from minthub_api.audit.models import AuditEvent
from minthub_api.cli import app as cli_app
from tests.audit.support import add_events, first_break, migrated_database, sessions, tamper

KEK = bytes(range(32))
KEYS = {"local-1": checkpoint_key(KEK)}


@pytest.fixture(scope="module")
def tamper_db() -> Iterator[str]:
    yield from migrated_database()


async def test_python_and_database_hash_the_same_bytes(tamper_db: str) -> None:
    store = uuid.uuid4()
    awkward = {
        "text": 'quotes " \\ back\\slash, new\nline, tab\t, unicode ünï ✓ 𝄞, nul-ish \u0001',
        "nested": {"b": [1, 2.5, None, True], "a": {"z": "", "y": -0.0001}},
        "long_key_name_first": 1,
        "k": 10**18,
    }
    async with sessions(tamper_db) as maker:
        await add_events(maker, store, 3, details=awkward)
        await add_events(maker, store, 2, details={})
        events, broken = await first_break(maker, KEYS, store)
    assert broken is None and events == 5


async def test_concurrent_inserts_for_one_store_chain_correctly(tamper_db: str) -> None:
    store = uuid.uuid4()
    async with sessions(tamper_db) as maker:
        await asyncio.gather(*(add_events(maker, store, 3) for _ in range(12)))
        async with maker() as session:
            seqs = (
                await session.scalars(
                    select(AuditEvent.seq).where(AuditEvent.store_id == store).order_by("seq")
                )
            ).all()
        events, broken = await first_break(maker, KEYS, store)
    assert list(seqs) == list(range(1, 37))
    assert broken is None and events == 36


async def test_store_chains_are_independent(tamper_db: str) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    async with sessions(tamper_db) as maker:
        await add_events(maker, a, 2)
        await add_events(maker, b, 1)
        await add_events(maker, a, 1)
        async with maker() as session:
            rows = (
                await session.execute(
                    select(AuditEvent.store_id, AuditEvent.seq).where(
                        AuditEvent.store_id.in_([a, b])
                    )
                )
            ).all()
    assert sorted((str(s), q) for s, q in rows) == sorted(
        [(str(a), 1), (str(a), 2), (str(a), 3), (str(b), 1)]
    )


class TestVerifyDetectsTampering:
    async def test_edited_event(self, tamper_db: str) -> None:
        store = uuid.uuid4()
        async with sessions(tamper_db) as maker:
            await add_events(maker, store, 5)
            await tamper(
                maker,
                "UPDATE audit_events SET details = '{\"rows\": 0}' WHERE store_id = :s AND seq = 3",
                s=store,
            )
            events, broken = await first_break(maker, KEYS, store)
        assert broken is not None and broken.seq == 3 and "edited" in broken.problem
        assert events == 2

    async def test_edited_timestamp(self, tamper_db: str) -> None:
        store = uuid.uuid4()
        async with sessions(tamper_db) as maker:
            await add_events(maker, store, 4)
            await tamper(
                maker,
                "UPDATE audit_events SET occurred_at = occurred_at - interval '1 day'"
                " WHERE store_id = :s AND seq = 2",
                s=store,
            )
            _, broken = await first_break(maker, KEYS, store)
        assert broken is not None and broken.seq == 2 and "edited" in broken.problem

    async def test_deleted_event(self, tamper_db: str) -> None:
        store = uuid.uuid4()
        async with sessions(tamper_db) as maker:
            await add_events(maker, store, 5)
            await tamper(maker, "DELETE FROM audit_events WHERE store_id = :s AND seq = 2", s=store)
            events, broken = await first_break(maker, KEYS, store)
        assert broken is not None and broken.seq == 3 and "missing" in broken.problem
        assert events == 1

    async def test_deleted_first_event(self, tamper_db: str) -> None:
        store = uuid.uuid4()
        async with sessions(tamper_db) as maker:
            await add_events(maker, store, 3)
            await tamper(maker, "DELETE FROM audit_events WHERE store_id = :s AND seq = 1", s=store)
            _, broken = await first_break(maker, KEYS, store)
        assert broken is not None and broken.seq == 2 and "checkpoint" in broken.problem

    async def test_deleted_and_renumbered_events(self, tamper_db: str) -> None:
        """A careful tamperer deletes seq 2 and renumbers the rest: the hashes still break."""
        store = uuid.uuid4()
        async with sessions(tamper_db) as maker:
            await add_events(maker, store, 4)
            await tamper(maker, "DELETE FROM audit_events WHERE store_id = :s AND seq = 2", s=store)
            await tamper(
                maker,
                "UPDATE audit_events SET seq = seq - 1 WHERE store_id = :s AND seq > 2",
                s=store,
            )
            _, broken = await first_break(maker, KEYS, store)
        assert broken is not None and broken.seq == 2 and "previous" in broken.problem

    async def test_reordered_events(self, tamper_db: str) -> None:
        store = uuid.uuid4()
        async with sessions(tamper_db) as maker:
            await add_events(maker, store, 5)
            # Swap the chain positions of events 2 and 4.
            for src, dst in ((2, -1), (4, 2), (-1, 4)):
                await tamper(
                    maker,
                    "UPDATE audit_events SET seq = :dst WHERE store_id = :s AND seq = :src",
                    s=store,
                    src=src,
                    dst=dst,
                )
            events, broken = await first_break(maker, KEYS, store)
        assert broken is not None and broken.seq == 2 and "reordered" in broken.problem
        assert events == 1

    async def test_swapped_content_keeps_positions_but_breaks(self, tamper_db: str) -> None:
        store = uuid.uuid4()
        async with sessions(tamper_db) as maker:
            await add_events(maker, store, 3)
            await tamper(
                maker,
                "UPDATE audit_events a SET occurred_at = b.occurred_at, details = b.details"
                " FROM audit_events b WHERE a.store_id = :s AND b.store_id = :s"
                " AND a.seq + b.seq = 4 AND a.seq <> b.seq",
                s=store,
            )
            _, broken = await first_break(maker, KEYS, store)
        assert broken is not None and broken.seq == 1


def _cli(url: str, *args: str) -> Result:
    """`minthub-api ...` in-process, with its settings from the environment."""
    env = {
        "MINTHUB_DATABASE_URL": url,
        "MINTHUB_TOKEN_KEK": base64.b64encode(KEK).decode(),
        "MINTHUB_TOKEN_KEK_ID": "local-1",
    }
    return CliRunner().invoke(cli_app, list(args), env=env)


def test_cli_names_the_first_broken_link(tamper_db: str) -> None:
    store, other = uuid.uuid4(), uuid.uuid4()

    async def setup() -> None:
        async with sessions(tamper_db) as maker:
            await add_events(maker, store, 4)
            await add_events(maker, other, 2)
            await tamper(
                maker,
                "UPDATE audit_events SET reason = 'export' WHERE store_id = :s AND seq = 3",
                s=store,
            )

    asyncio.run(setup())
    ok = _cli(tamper_db, "audit", "verify", "--store", str(other))
    assert ok.exit_code == 0, ok.output
    assert "OK: 1 chain(s), 2 event(s) verified" in ok.stdout
    bad = _cli(tamper_db, "audit", "verify", "--store", str(store))
    assert bad.exit_code == 1, bad.output
    assert f"store {store}: first broken link at seq 3" in bad.stdout
    assert "edited" in bad.stdout
    everything = _cli(tamper_db, "audit", "verify")
    assert everything.exit_code == 1 and "BROKEN" in everything.stdout
