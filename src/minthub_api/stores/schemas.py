from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict


class StoreRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    selling_partner_id: str
    region: str
    name: str
    status: str
    marketplace_ids: list[str]
    authorized_at: datetime
    revoked_at: datetime | None
    revoke_cause: str | None
    role: str


class ConnectStart(BaseModel):
    authorization_url: str


class MemberRead(BaseModel):
    user_id: uuid.UUID
    email: str
    role: str
    created_at: datetime
