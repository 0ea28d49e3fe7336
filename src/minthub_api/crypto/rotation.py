"""KEK rotation: re-wrap every stored data key under the current key-encryption key.

Two kinds of row hold a wrapped data key: stores' refresh tokens (`store_credentials`) and
users' TOTP secrets (`user_totp`). Both are re-wrapped and both count in `key_usage`: a KEK
retired while a TOTP secret still needed it would lock that user out.

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
from minthub_api.auth.models import UserTotp
from minthub_api.core.rls import system_context
from minthub_api.crypto.envelope import EncryptedSecret, KeyProvider, rewrap
from minthub_api.stores.models import StoreCredential

# Every store's credential is re-wrapped: the one operation that must see them all.
ROTATION = "keys.rotate"


@dataclass(frozen=True)
class RotationResult:
    current_key_id: str
    rewrapped: int  # store credentials
    already_current: int
    key_ids_in_use: dict[str, int]  # store credentials and TOTP secrets together
    rewrapped_mfa_secrets: int = 0


async def key_usage(session: AsyncSession) -> dict[str, int]:
    """Wrapped data keys per KEK id, over every table that holds one."""
    usage: Counter[str] = Counter(await session.scalars(select(StoreCredential.key_id)))
    usage.update(await session.scalars(select(UserTotp.key_id)))
    return dict(usage)


async def _rewrap_mfa_secrets(
    sessionmaker: async_sessionmaker[AsyncSession], provider: KeyProvider
) -> int:
    async with sessionmaker() as session, session.begin():
        stale = list(
            await session.scalars(
                select(UserTotp.user_id).where(UserTotp.key_id != provider.current_key_id)
            )
        )
    moved = 0
    for user_id in stale:
        async with sessionmaker() as session, session.begin():
            row = await session.get(UserTotp, user_id, with_for_update=True)
            if row is None or row.key_id == provider.current_key_id:
                continue
            new = rewrap(
                provider, EncryptedSecret(row.key_id, row.wrapped_key, row.nonce, row.ciphertext)
            )
            row.key_id, row.wrapped_key = new.key_id, new.wrapped_key
            moved += 1
    return moved


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
    mfa = await _rewrap_mfa_secrets(sessionmaker, provider)
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
                "rewrapped_mfa_secrets": mfa,
                "already_current": current,
                "key_ids_in_use": usage,
            },
        )
    return RotationResult(
        current_key_id=provider.current_key_id,
        rewrapped=rewrapped,
        already_current=current,
        key_ids_in_use=usage,
        rewrapped_mfa_secrets=mfa,
    )
