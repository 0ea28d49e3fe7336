"""KEK rotation: re-wrap every stored data key under the current key-encryption key.

Procedure (README "Key rotation"): generate a key (`minthub-api keys generate`), set it as
MINTHUB_TOKEN_KEK with a new MINTHUB_TOKEN_KEK_ID, move the old one to
MINTHUB_TOKEN_KEK_PREVIOUS, deploy, run `minthub-api keys rotate` (safe while the service runs:
only the wrapped key changes, one row at a time, each under a row lock), then drop the old key
once `minthub-api keys status` shows nothing uses it.

Audited: one `key_rotated` event per store whose data key moved (in the transaction that moves
it: `old_key_id`, `new_key_id`), and one store-less `key_rotated` event for the run (the new key
id and the counts). Key ids only, never key material.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.core.rls import system_context
from minthub_api.crypto.envelope import EncryptedSecret, KeyProvider, rewrap
from minthub_api.stores.models import StoreCredential

# Every store's credential is re-wrapped: the one operation that must see them all.
ROTATION = "keys.rotate"


@dataclass(frozen=True)
class RotationResult:
    rewrapped: int
    already_current: int
    key_ids_in_use: dict[str, int]


async def key_usage(session: AsyncSession) -> dict[str, int]:
    rows = await session.scalars(select(StoreCredential.key_id))
    return dict(Counter(rows))


async def rotate(
    sessionmaker: async_sessionmaker[AsyncSession],
    provider: KeyProvider,
    *,
    actor: audit.Actor = audit.SYSTEM,
) -> RotationResult:
    """Re-wrap each credential not under the current KEK. The ciphertext is untouched."""
    async with sessionmaker() as session, session.begin(), system_context(session, ROTATION):
        stale = list(
            await session.scalars(
                select(StoreCredential.store_id).where(
                    StoreCredential.key_id != provider.current_key_id
                )
            )
        )
        current = len(
            list(
                await session.scalars(
                    select(StoreCredential.store_id).where(
                        StoreCredential.key_id == provider.current_key_id
                    )
                )
            )
        )
    rewrapped = 0
    for store_id in stale:
        # One short transaction per row: a running service keeps reading and writing.
        async with sessionmaker() as session, session.begin(), system_context(session, ROTATION):
            credential = await session.get(StoreCredential, store_id, with_for_update=True)
            if credential is None or credential.key_id == provider.current_key_id:
                continue
            moved = rewrap(
                provider,
                EncryptedSecret(
                    credential.key_id,
                    credential.wrapped_key,
                    credential.nonce,
                    credential.ciphertext,
                ),
            )
            old_key_id = credential.key_id
            credential.key_id = moved.key_id
            credential.wrapped_key = moved.wrapped_key
            rewrapped += 1
            audit.record(
                session,
                actor,
                AuditAction.key_rotated,
                reason=AuditReason.operator_action,
                store_id=store_id,
                details={"old_key_id": old_key_id, "new_key_id": moved.key_id},
            )
    async with sessionmaker() as session, session.begin(), system_context(session, ROTATION):
        usage = await key_usage(session)
        audit.record(
            session,
            actor,
            AuditAction.key_rotated,
            reason=AuditReason.operator_action,
            details={
                "new_key_id": provider.current_key_id,
                "rewrapped": rewrapped,
                "already_current": current,
                "key_ids_in_use": usage,
            },
        )
    return RotationResult(rewrapped=rewrapped, already_current=current, key_ids_in_use=usage)
