from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field


class InvitationCreate(BaseModel):
    email: EmailStr
    role: Literal["owner", "viewer"] = "viewer"


class InvitationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    store_id: uuid.UUID | None
    email: str
    role: str | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


class InvitationAccept(BaseModel):
    token: str = Field(min_length=16, max_length=128, description="From the invitation link")
    password: str | None = Field(
        default=None,
        max_length=1024,
        description="To create a new account (not needed when signed in as the invitee)",
    )


class InvitationAccepted(BaseModel):
    kind: str
    user_id: uuid.UUID
    email: str
    store_id: uuid.UUID | None
    role: str | None
    account_created: bool
