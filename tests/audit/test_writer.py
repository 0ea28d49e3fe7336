"""The audit write path: one INSERT per transaction, at commit, chained in the recorded order;
nothing from a rolled-back transaction or savepoint."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.audit.integrity import signing_keys, verify
from minthub_api.audit.models import AuditEvent
from minthub_api.core.rls import act_for_store, system_context
from minthub_api.core.settings import Settings
from tests.conftest import OwnerDb


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)


def _record(session: Any, store_id: uuid.UUID | None, rows: int) -> None:
    audit.record(
        session,
        audit.SYSTEM,
        AuditAction.store_data_read,
        reason=AuditReason.user_view,
        store_id=store_id,
        details={"endpoint": "test", "rows": rows},
    )


async def _stored(owner_db: OwnerDb, store_id: uuid.UUID) -> list[AuditEvent]:
    async with owner_db() as session:
        rows = await session.scalars(
            select(AuditEvent).where(AuditEvent.store_id == store_id).order_by(AuditEvent.seq)
        )
        return list(rows)


async def test_a_transaction_writes_its_events_in_one_insert_at_commit(
    owner_db: OwnerDb, settings: Settings
) -> None:
    store = uuid.uuid4()
    engine = owner_db.kw["bind"]
    with statements(engine) as seen:
        async with owner_db() as session, session.begin():
            await act_for_store(session, store, "test.audit_writer")
            for i in range(3):
                _record(session, store, i)
            # Recording sends nothing: the events wait for the commit.
            assert not any("audit_events" in s for s in seen)
            await session.execute(select(func.now()))
            assert not any("audit_events" in s for s in seen)
    writes = [s for s in seen if "audit_events" in s]
    assert len(writes) == 1 and writes[0].startswith("INSERT INTO audit_events")
    assert "RETURNING" not in writes[0]
    stored = await _stored(owner_db, store)
    assert [e.details["rows"] for e in stored] == [0, 1, 2]  # chained in the order recorded
    assert [e.seq for e in stored] == [1, 2, 3]
    async with owner_db() as session:
        [report] = await verify(session, signing_keys(settings), store_id=store, only_store=True)
    assert report.broken is None and report.events == 3


async def test_rolled_back_work_leaves_no_event(owner_db: OwnerDb) -> None:
    store = uuid.uuid4()
    async with owner_db() as session:
        async with session.begin():
            _record(session, store, 0)
            await session.rollback()
        # The same session's next transaction does not inherit the dropped event.
        async with session.begin():
            _record(session, store, 1)
    assert [e.details["rows"] for e in await _stored(owner_db, store)] == [1]


async def test_a_rolled_back_savepoint_drops_only_its_events(owner_db: OwnerDb) -> None:
    store = uuid.uuid4()
    async with owner_db() as session, session.begin():
        _record(session, store, 0)
        savepoint = await session.begin_nested()
        _record(session, store, 1)
        await savepoint.rollback()
        async with session.begin_nested():
            _record(session, store, 2)
        _record(session, store, 3)
    stored = await _stored(owner_db, store)
    assert [e.details["rows"] for e in stored] == [0, 2, 3]
    assert [e.seq for e in stored] == [1, 2, 3]


async def test_an_explicit_flush_writes_pending_events_inside_a_system_context(
    owner_db: OwnerDb,
) -> None:
    store = uuid.uuid4()
    engine = owner_db.kw["bind"]
    with statements(engine) as seen:
        async with owner_db() as session, session.begin():
            async with system_context(session, "test.audit_writer"):
                _record(session, store, 0)
            # Written before the context closed (its closing statement comes after the insert).
            insert = next(i for i, s in enumerate(seen) if s.startswith("INSERT INTO audit_e"))
            assert any("set_config" in s for s in seen[insert + 1 :])
            count = await session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.store_id == store)
            )
            assert count == 1
