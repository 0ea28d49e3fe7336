from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field


class LoginRequest(BaseModel):
    # No control characters: PostgreSQL text cannot hold NUL, and no email has them.
    email: str = Field(min_length=3, max_length=320, pattern=r"^[^\x00-\x1f\x7f]+$")
    password: str = Field(min_length=1, max_length=1024)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    is_admin: bool


class SessionRead(UserRead):
    """The signed-in user and what the session still needs before store data."""

    mfa_enabled: bool
    mfa_required: bool = Field(description="MINTHUB_REQUIRE_MFA is on for this installation")
    mfa_verified: bool = Field(description="This session may see store data")
    next_step: str | None = Field(
        description="What to do next: `mfa_verify`, `mfa_enroll`, or null"
    )
    notice: str | None = None


class MfaCode(BaseModel):
    code: str = Field(min_length=6, max_length=32, description="TOTP code or a recovery code")


class TotpSetup(BaseModel):
    secret: str = Field(description="Base32 TOTP secret, shown once (enter it in the app)")
    otpauth_uri: str = Field(description="otpauth:// URI for a QR code")


class RecoveryCodes(BaseModel):
    recovery_codes: list[str] = Field(description="One-time codes, shown once: keep them safe")


class SignedOutEverywhere(BaseModel):
    sessions_revoked: int
