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
    # Amazon requires re-authorization every 365 days (SPAPI-NOTES §3.2).
    authorization_expires_at: datetime | None = None
    days_until_renewal: int | None = None
    renewal_due: bool = False  # 30 days or fewer left
    # Other stores of the same selling partner (other regions) that this user can see.
    linked_store_ids: list[uuid.UUID] = []


class StoreRevoke(BaseModel):
    reason: str | None = None


class ConnectStart(BaseModel):
    authorization_url: str


class MemberRead(BaseModel):
    user_id: uuid.UUID
    email: str
    role: str
    created_at: datetime
