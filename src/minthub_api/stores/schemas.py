from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

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
    # When the 30-day warning period starts (365 - 30 days after the grant).
    renewal_due_at: datetime | None = None
    # The renewal warning in force: 30, 7 or 1 (days or fewer left), None before. Owners are
    # mailed once per level and grant.
    renewal_warning: int | None = None
    # Revoked stores: synced data stays readable until then (MINTHUB_REVOKED_DATA_RETENTION_DAYS)
    # unless an owner deletes it first; `data_deleted_at` says when it was deleted.
    data_retained_until: datetime | None = None
    data_deleted_at: datetime | None = None
    # Other stores of the same selling partner (other regions) that this user can see.
    linked_store_ids: list[uuid.UUID] = []


class StoreRevoke(BaseModel):
    reason: str | None = None


class ConnectStart(BaseModel):
    authorization_url: str


class MemberRoleUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["owner", "viewer"]


class MemberRead(BaseModel):
    user_id: uuid.UUID
    email: str
    role: str
    created_at: datetime
