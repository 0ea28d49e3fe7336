"""TOTP multi-factor authentication (RFC 6238) with one-time recovery codes.

The TOTP secret is envelope-encrypted like stores' refresh tokens (bound to the user id);
recovery codes are shown once and stored as SHA-256 (they are 60 random bits each).
Enrolment: `start_enrolment` returns the secret and otpauth:// URI; `confirm_enrolment` checks
a first code, turns MFA on, verifies the current session and returns the recovery codes.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.auth import throttle
from minthub_api.auth.models import RecoveryCode, User, UserSession, UserTotp
from minthub_api.auth.security import (
    new_recovery_codes,
    new_totp_secret,
    normalize_recovery_code,
    token_hash,
    totp_match,
    totp_uri,
)
from minthub_api.core.db import utcnow
from minthub_api.core.errors import Conflict, InvalidMfaCode
from minthub_api.crypto.envelope import EncryptedSecret, KeyProvider, open_sealed, seal

MFA_FAILURE_LIMIT = 5
MFA_WINDOW = timedelta(minutes=15)


def _aad(user: User) -> bytes:
    return f"minthub:totp:{user.id}".encode()


class MfaRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_totp(self, user: User) -> UserTotp | None:
        return await self.session.get(UserTotp, user.id)

    async def use_recovery_code(self, user: User, code_hash: bytes) -> bool:
        found = await self.session.scalar(
            update(RecoveryCode)
            .where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.code_hash == code_hash,
                RecoveryCode.used_at.is_(None),
            )
            .values(used_at=utcnow())
            .returning(RecoveryCode.id)
        )
        return found is not None

    async def remaining_recovery_codes(self, user: User) -> int:
        rows = await self.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        )
        return len(rows.all())

    async def delete_all(self, user: User) -> None:
        await self.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        await self.session.execute(delete(UserTotp).where(UserTotp.user_id == user.id))


async def start_enrolment(
    session: AsyncSession, provider: KeyProvider, user: User
) -> tuple[str, str]:
    """A new secret (replacing an unconfirmed one): returns (secret, otpauth URI), shown once.

    Raises `Conflict` when MFA is already on (an operator resets it: `users reset-mfa`).
    """
    if user.mfa_enabled_at is not None:
        raise Conflict("Two-factor authentication is already set up for this account")
    repo = MfaRepository(session)
    await repo.delete_all(user)
    secret = new_totp_secret()
    sealed = seal(provider, secret, associated_data=_aad(user))
    session.add(
        UserTotp(
            user_id=user.id,
            key_id=sealed.key_id,
            wrapped_key=sealed.wrapped_key,
            nonce=sealed.nonce,
            ciphertext=sealed.ciphertext,
        )
    )
    return secret, totp_uri(secret, user.email)


def _secret(provider: KeyProvider, user: User, row: UserTotp) -> str:
    sealed = EncryptedSecret(
        key_id=row.key_id, wrapped_key=row.wrapped_key, nonce=row.nonce, ciphertext=row.ciphertext
    )
    return open_sealed(provider, sealed, associated_data=_aad(user))


async def confirm_enrolment(
    session: AsyncSession,
    provider: KeyProvider,
    user: User,
    user_session: UserSession | None,
    code: str,
    actor: audit.Actor,
) -> list[str]:
    """Check the first code; turn MFA on; return ten recovery codes (shown once). Audited."""
    if user.mfa_enabled_at is not None:
        raise Conflict("Two-factor authentication is already set up for this account")
    row = await MfaRepository(session).get_totp(user)
    if row is None:
        raise Conflict("Start with POST /api/v1/auth/mfa/totp/setup")
    await _check_code(session, provider, user, row, code, actor, allow_recovery=False)
    now = utcnow()
    row.confirmed_at = now
    user.mfa_enabled_at = now
    if user_session is not None:
        user_session.mfa_verified_at = now
    codes = new_recovery_codes()
    for c in codes:
        session.add(RecoveryCode(user_id=user.id, code_hash=token_hash(normalize_recovery_code(c))))
    audit.record(session, actor, AuditAction.user_mfa_enabled, reason=AuditReason.sign_in)
    return codes


async def verify_session(
    session: AsyncSession,
    provider: KeyProvider,
    user: User,
    user_session: UserSession,
    code: str,
    actor: audit.Actor,
) -> None:
    """Accept a TOTP code or an unused recovery code for this session.

    Raises `TooManyRequests` after 5 failures in 15 minutes, `InvalidMfaCode` otherwise.
    """
    row = await MfaRepository(session).get_totp(user)
    if user.mfa_enabled_at is None or row is None or row.confirmed_at is None:
        raise Conflict("Two-factor authentication is not set up for this account")
    await _check_code(session, provider, user, row, code, actor, allow_recovery=True)
    user_session.mfa_verified_at = utcnow()
    audit.record(session, actor, AuditAction.user_mfa_verified, reason=AuditReason.sign_in)


async def _check_code(
    session: AsyncSession,
    provider: KeyProvider,
    user: User,
    row: UserTotp,
    code: str,
    actor: audit.Actor,
    *,
    allow_recovery: bool,
) -> None:
    key = f"user:{user.id}"
    await throttle.check(
        session,
        throttle.MFA_USER,
        key,
        limit=MFA_FAILURE_LIMIT,
        window=MFA_WINDOW,
        what="wrong codes",
    )
    step = totp_match(_secret(provider, user, row), code, last_used_step=row.last_used_step)
    if step is not None:
        row.last_used_step = step
        return
    normalized = normalize_recovery_code(code)
    if (
        allow_recovery
        and len(normalized) == 12
        and await MfaRepository(session).use_recovery_code(user, token_hash(normalized))
    ):
        audit.record(
            session, actor, AuditAction.user_recovery_code_used, reason=AuditReason.sign_in
        )
        return
    await throttle.hit(session, throttle.MFA_USER, key)
    audit.record(session, actor, AuditAction.user_mfa_failed, reason=AuditReason.sign_in)
    raise InvalidMfaCode()


async def reset(session: AsyncSession, user: User, actor: audit.Actor) -> None:
    """Remove the user's second factor and recovery codes (operator action). Audited.

    The caller also revokes the user's sessions."""
    await MfaRepository(session).delete_all(user)
    user.mfa_enabled_at = None
    audit.record(
        session,
        actor,
        AuditAction.user_mfa_reset,
        reason=AuditReason.operator_action,
        details={"user_id": str(user.id)},
    )
