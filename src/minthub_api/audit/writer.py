"""The audit write path: the events of a transaction go to the database in one statement.

`audit.record()` only appends an `AuditRecord` to the session (`session.info`); nothing is sent
until the transaction commits (or the session is flushed explicitly), and then every pending
event of the transaction is inserted by ONE `INSERT ... SELECT FROM jsonb_to_recordset($1)`:
one parameter, one prepared statement whatever the number of events, no RETURNING, no ORM
unit of work. The BEFORE INSERT trigger `audit_events_chain` then chains the rows in the order
they were recorded (rows processed earlier by the same INSERT are visible to the trigger's
lookup of the previous hash).

Why at commit: the trigger takes the store's chain lock (an advisory transaction lock) on the
first insert and holds it until the transaction ends. Inserting last (after the commit's own
flush of ORM changes) keeps that window to the INSERT and the COMMIT, never a call to Amazon
or the rest of the request, and takes the chain lock after any row lock of the transaction.

The hooks are registered on SQLAlchemy's `Session` class, so every session writes its pending
events before it commits and drops them when its transaction rolls back (the events describe
work that did not happen). `AuditSession` (the sessions of `core.db.create_sessionmaker`) also
writes them on an explicit `flush()`: `system_context()` flushes before it closes, so events
recorded inside it are inserted while the context is open, and code that reads events back in
the same transaction flushes first, as with any ORM object.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session, SessionTransaction

PENDING = "minthub.audit_pending"

COLUMNS = (
    "occurred_at",
    "actor_type",
    "actor_id",
    "store_id",
    "action",
    "reason",
    "operation",
    "amazon_request_id",
    "status_code",
    "request_id",
    "details",
)

# `ORDER BY n` (WITH ORDINALITY): rows are inserted, hence chained, in the order recorded.
_COLUMN_LIST = ", ".join(COLUMNS)
INSERT_EVENTS = text(
    f"INSERT INTO audit_events ({_COLUMN_LIST}) SELECT {_COLUMN_LIST}"  # noqa: S608 - constants
    " FROM ROWS FROM (jsonb_to_recordset(CAST(:events AS jsonb))"
    " AS (occurred_at timestamptz, actor_type text, actor_id uuid, store_id uuid, action text,"
    " reason text, operation text, amazon_request_id text, status_code integer,"
    f" request_id text, details jsonb)) WITH ORDINALITY AS e({_COLUMN_LIST}, n) ORDER BY n"
)


@dataclass(slots=True)
class AuditRecord:
    """An event recorded in this transaction and not yet inserted. The database assigns its
    id, `seq`, `prev_hash` and `hash` on insert; read them back as `AuditEvent` rows."""

    occurred_at: datetime
    actor_type: str
    actor_id: uuid.UUID | None
    store_id: uuid.UUID | None
    action: str
    reason: str
    operation: str | None
    amazon_request_id: str | None
    status_code: int | None
    request_id: str | None
    details: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "occurred_at": self.occurred_at.isoformat(),
            "actor_type": self.actor_type,
            "actor_id": None if self.actor_id is None else str(self.actor_id),
            "store_id": None if self.store_id is None else str(self.store_id),
            "action": self.action,
            "reason": self.reason,
            "operation": self.operation,
            "amazon_request_id": self.amazon_request_id,
            "status_code": self.status_code,
            "request_id": self.request_id,
            "details": self.details,
        }


def add_pending(session: Session, record: AuditRecord) -> None:
    pending: list[AuditRecord] | None = session.info.get(PENDING)
    if pending is None:
        session.info[PENDING] = [record]
    else:
        pending.append(record)


def write_pending(session: Session) -> int:
    """Insert this session's pending events (one statement); returns how many."""
    pending: list[AuditRecord] | None = session.info.get(PENDING)
    if not pending:
        return 0
    # Taken off first: a failed insert fails the transaction, which is then rolled back.
    session.info[PENDING] = []
    payload = json.dumps([r.as_json() for r in pending], separators=(",", ":"))
    session.connection().execute(INSERT_EVENTS, {"events": payload})
    return len(pending)


def pending_count(session: Session) -> int:
    return len(session.info.get(PENDING) or ())


class AuditSession(Session):
    """A session whose `flush()` also writes the pending audit events."""

    def flush(self, objects: Any = None) -> None:
        super().flush(objects)
        if self.info.get(PENDING) and self.in_transaction():
            write_pending(self)


@event.listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    if session.info.get(PENDING):
        # The transaction's own rows first, the audit events last: every process then takes
        # row locks (a sync_datasets row, say) before the store's chain lock, never after it.
        # Inserting the events before the commit's flush made a worker (chain lock held, waiting
        # for a dataset row) and an API request (that row held, waiting for the chain lock)
        # deadlock; tests/e2e/test_scale_out.py found it.
        session.flush()
    if session.info.get(PENDING):
        write_pending(session)


@event.listens_for(Session, "after_transaction_end")
def _drop_after_rollback(session: Session, transaction: SessionTransaction) -> None:
    # A commit (or a savepoint's release) wrote the list in `before_commit`; what is still
    # pending here was recorded in a transaction or savepoint that rolled back, so it
    # describes work that did not happen. (A savepoint starts with a flush: nothing recorded
    # before it is pending any more.)
    if (transaction.parent is None or transaction.nested) and session.info.get(PENDING):
        session.info[PENDING] = []
