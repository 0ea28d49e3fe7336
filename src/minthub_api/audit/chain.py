"""Tamper evidence: the per-store hash chain, its verification and signed checkpoints.

Each event carries `hash = sha256(prev_hash || canonical(event))`, where `prev_hash` is the
hash of the previous event of the same chain (a store, or the store-less events) and the first
event's `prev_hash` is 32 zero bytes. The database computes it on insert (trigger
`audit_events_chain`, migration i7_0001); this module recomputes it independently, so an edited,
deleted, inserted or reordered event breaks the chain at a link we can name.

Retention deletes old events only up to a checkpoint signed with HMAC-SHA256 under a key
derived (HKDF) from the token KEK; verification then starts from the checkpoint's hash.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ZERO_HASH = bytes(32)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CHECKPOINT_KEY_INFO = b"minthub audit checkpoint v1"


def _field(value: str | None) -> str:
    return "~" if value is None else f"{len(value.encode())}:{value}"


def _micros(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


@dataclass(frozen=True)
class ChainRow:
    """An event as verification reads it; `details_text` is PostgreSQL's jsonb text."""

    id: int
    store_id: uuid.UUID | None
    seq: int
    occurred_at: datetime
    actor_type: str
    actor_id: uuid.UUID | None
    action: str
    reason: str
    operation: str | None
    amazon_request_id: str | None
    status_code: int | None
    request_id: str | None
    details_text: str
    prev_hash: bytes
    hash: bytes


def canonical(row: ChainRow) -> bytes:
    """The bytes the trigger hashes (`audit_canonical()` in SQL); keep the two identical."""

    def opt(value: Any) -> str | None:
        return None if value is None else str(value)

    parts = [
        opt(row.store_id),
        str(row.seq),
        str(_micros(row.occurred_at)),
        row.actor_type,
        opt(row.actor_id),
        row.action,
        row.reason,
        row.operation,
        row.amazon_request_id,
        opt(row.status_code),
        row.request_id,
        row.details_text,
    ]
    return ("v1" + "".join(_field(p) for p in parts)).encode()


def event_hash(prev_hash: bytes, row: ChainRow) -> bytes:
    return hashlib.sha256(prev_hash + canonical(row)).digest()


def checkpoint_key(kek: bytes) -> bytes:
    """The checkpoint signing key: HKDF-SHA256 of the KEK, so no extra secret to manage."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=CHECKPOINT_KEY_INFO).derive(
        kek
    )


def checkpoint_message(
    store_id: uuid.UUID | None, seq: int, chain_hash: bytes, last_occurred_at: datetime, key_id: str
) -> bytes:
    chain = str(store_id) if store_id else "global"
    return (
        f"minthub-audit-checkpoint-v1|{chain}|{seq}|{chain_hash.hex()}|"
        f"{_micros(last_occurred_at)}|{key_id}"
    ).encode()


def sign_checkpoint(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


@dataclass(frozen=True)
class Checkpoint:
    store_id: uuid.UUID | None
    seq: int
    hash: bytes
    last_occurred_at: datetime
    key_id: str
    signature: bytes

    def is_signed_by(self, keys: dict[str, bytes]) -> bool:
        key = keys.get(self.key_id)
        if key is None:
            return False
        message = checkpoint_message(
            self.store_id, self.seq, self.hash, self.last_occurred_at, self.key_id
        )
        return hmac.compare_digest(sign_checkpoint(key, message), self.signature)


@dataclass(frozen=True)
class BrokenLink:
    store_id: uuid.UUID | None
    event_id: int | None
    seq: int
    problem: str

    def describe(self) -> str:
        chain = f"store {self.store_id}" if self.store_id else "store-less events"
        event = f"event id {self.event_id}" if self.event_id is not None else "no event"
        return f"{chain}: first broken link at seq {self.seq} ({event}): {self.problem}"


@dataclass(frozen=True)
class ChainReport:
    store_id: uuid.UUID | None
    events: int
    broken: BrokenLink | None


async def verify_rows(
    store_id: uuid.UUID | None,
    rows: AsyncIterator[ChainRow],
    checkpoints: Sequence[Checkpoint],
    keys: dict[str, bytes],
) -> ChainReport:
    """Walk one chain in `seq` order; stop at the first broken link."""
    by_seq = {c.seq: c for c in checkpoints}
    for cp in checkpoints:
        if not cp.is_signed_by(keys):
            problem = (
                f"checkpoint signed with unknown key {cp.key_id!r}"
                if cp.key_id not in keys
                else "checkpoint signature is invalid (checkpoint forged or altered)"
            )
            return ChainReport(store_id, 0, BrokenLink(store_id, None, cp.seq, problem))
    count = 0
    expected_seq: int | None = None
    expected_prev = ZERO_HASH
    async for row in rows:
        if expected_seq is None:
            # The first event kept: seq 1, or right after a signed checkpoint.
            if row.seq != 1:
                start = by_seq.get(row.seq - 1)
                if start is None:
                    return ChainReport(
                        store_id,
                        count,
                        BrokenLink(
                            store_id,
                            row.id,
                            row.seq,
                            f"events before seq {row.seq} are missing and no signed checkpoint"
                            " covers them",
                        ),
                    )
                expected_prev = start.hash
            expected_seq = row.seq
        if row.seq != expected_seq:
            problem = (
                f"event(s) seq {expected_seq}..{row.seq - 1} are missing (deleted)"
                if row.seq > expected_seq
                else f"seq {row.seq} appears twice"
            )
            return ChainReport(store_id, count, BrokenLink(store_id, row.id, row.seq, problem))
        if row.prev_hash != expected_prev:
            return ChainReport(
                store_id,
                count,
                BrokenLink(
                    store_id,
                    row.id,
                    row.seq,
                    "does not follow the previous event (deleted, inserted or reordered events)",
                ),
            )
        if event_hash(row.prev_hash, row) != row.hash:
            return ChainReport(
                store_id,
                count,
                BrokenLink(store_id, row.id, row.seq, "content does not match its hash (edited)"),
            )
        mark = by_seq.get(row.seq)
        if mark is not None and mark.hash != row.hash:
            return ChainReport(
                store_id,
                count,
                BrokenLink(store_id, row.id, row.seq, "does not match the signed checkpoint"),
            )
        count += 1
        expected_seq = row.seq + 1
        expected_prev = row.hash
    return ChainReport(store_id, count, None)
