"""`audit verify` and the retention job (the two users of `audit/chain.py`)."""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.audit.chain import (
    ChainReport,
    checkpoint_key,
    checkpoint_message,
    sign_checkpoint,
    verify_rows,
)
from minthub_api.audit.models import AuditCheckpoint
from minthub_api.audit.repository import AuditRepository
from minthub_api.core.db import utcnow
from minthub_api.core.settings import Settings


def signing_keys(settings: Settings) -> dict[str, bytes]:
    """Checkpoint keys by id: derived from each local KEK (current and previous), identified
    by its KEK id, so checkpoints signed before a KEK rotation keep verifying while the old key
    is kept. New checkpoints are signed with the current one (the first entry)."""
    return {key_id: checkpoint_key(kek) for key_id, kek in settings.keyring().items()}


async def verify(
    session: AsyncSession,
    keys: dict[str, bytes],
    *,
    store_id: uuid.UUID | None = None,
    only_store: bool = False,
) -> list[ChainReport]:
    """Check every chain (or only `store_id`'s when `only_store`), stopping each at its first
    broken link. Read-only."""
    repo = AuditRepository(session)
    chains = [store_id] if only_store else await repo.chain_ids()
    reports = []
    for chain in sorted(chains, key=lambda c: (c is not None, str(c))):
        checkpoints = await repo.checkpoints(chain)
        reports.append(await verify_rows(chain, repo.iter_chain(chain), checkpoints, keys))
    return reports


@dataclass(frozen=True)
class RetentionResult:
    store_id: uuid.UUID | None
    up_to_seq: int
    removed: int


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (clamped to the month's end)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def retention_cutoff(settings: Settings, now: datetime | None = None) -> datetime:
    return months_before(now or utcnow(), settings.audit_retention_months)


async def apply_retention(
    session: AsyncSession, settings: Settings, *, now: datetime | None = None, dry_run: bool = False
) -> list[RetentionResult]:
    """Remove events older than `MINTHUB_AUDIT_RETENTION_MONTHS`, chain by chain, each only up
    to a signed checkpoint written first, so the rest of the chain still verifies.

    The database refuses to remove anything younger than 12 months whatever the setting says.
    Audits one `audit_retention_applied` store-less event per run that removed something.
    """
    cutoff = retention_cutoff(settings, now)
    keys = signing_keys(settings)
    key_id = settings.token_kek_id
    repo = AuditRepository(session)
    results: list[RetentionResult] = []
    for chain in await repo.chain_ids():
        boundary = await repo.retention_boundary(chain, cutoff)
        if boundary is None:
            continue
        if dry_run:
            results.append(RetentionResult(chain, boundary.seq, 0))
            continue
        message = checkpoint_message(
            chain, boundary.seq, boundary.hash, boundary.occurred_at, key_id
        )
        session.add(
            AuditCheckpoint(
                store_id=chain,
                seq=boundary.seq,
                hash=boundary.hash,
                last_occurred_at=boundary.occurred_at,
                key_id=key_id,
                signature=sign_checkpoint(keys[key_id], message),
            )
        )
        await session.flush()
        removed = await repo.apply_retention(chain, boundary.seq)
        results.append(RetentionResult(chain, boundary.seq, removed))
    if results and not dry_run:
        audit.record(
            session,
            audit.SYSTEM,
            AuditAction.audit_retention_applied,
            reason=AuditReason.retention,
            details={
                "cutoff": cutoff.isoformat(),
                "months": settings.audit_retention_months,
                "chains": len(results),
                "removed": sum(r.removed for r in results),
            },
        )
    return results
