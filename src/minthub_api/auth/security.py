"""Password hashing (Argon2id via argon2-cffi), the password policy, opaque tokens, TOTP.

Common passwords: we use the maintained `zxcvbn` package (Dropbox's estimator, Python port).
Its 30,000-entry list of the most common passwords (from leaked-password corpora) gives the
exact check, and its pattern matcher rejects the variations people reach for next (a common
word plus digits, keyboard walks, repeats, dates) when it estimates fewer than 10^6 guesses.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from functools import cache

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so both paths cost one Argon2 verification."""
    return _hasher.hash(secrets.token_urlsafe(16))


MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
# zxcvbn score 0-1: guessable in under 10^6 guesses.
MIN_ZXCVBN_SCORE = 2


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return (
            _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
        )
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problems(password: str, email: str | None = None) -> list[str]:
    """What is wrong with a new password (empty when it is acceptable)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"must be at most {MAX_PASSWORD_LENGTH} characters")
        return problems
    local = email.split("@", 1)[0].lower() if email else ""
    if local and local in password.lower():
        problems.append("must not contain the email's user name")
    if password.lower() in _common_passwords():
        problems.append("is one of the most common passwords")
    elif (
        not problems
        and zxcvbn(password[:100], user_inputs=[local] if local else [])["score"] < MIN_ZXCVBN_SCORE
    ):
        problems.append("is too easy to guess (a common word, pattern or sequence)")
    return problems


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def normalize_email(email: str) -> str:
    return email.strip().lower()


# --- TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, as every authenticator app expects) ---

TOTP_STEP_SECONDS = 30
TOTP_ISSUER = "Mint Hub Operations"


def new_totp_secret() -> str:
    return pyotp.random_base32()  # 160 bits, RFC 4226's recommended length


def totp_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def totp_match(
    secret: str, code: str, *, last_used_step: int | None, now: float | None = None
) -> int | None:
    """The time step `code` belongs to (current step ±1 for clock drift), or None.

    Steps at or before `last_used_step` are refused, so a code works once.
    """
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    now = time.time() if now is None else now
    current = int(now // TOTP_STEP_SECONDS)
    totp = pyotp.TOTP(secret)
    for step in (current - 1, current, current + 1):
        if last_used_step is not None and step <= last_used_step:
            continue
        if hmac.compare_digest(totp.at(step * TOTP_STEP_SECONDS), code):
            return step
    return None


def new_recovery_codes(count: int = 10) -> list[str]:
    """Ten codes like `7KQ2-M9XD-4TPA` (60 bits each): random enough that SHA-256 suffices."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return [
        "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))
        for _ in range(count)
    ]


def normalize_recovery_code(code: str) -> str:
    return code.strip().upper().replace(" ", "").replace("-", "")
