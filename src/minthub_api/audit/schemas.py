from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, field_serializer


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    actor_type: str
    actor_id: uuid.UUID | None
    store_id: uuid.UUID | None
    action: str
    reason: str
    operation: str | None
    amazon_request_id: str | None
    status_code: int | None
    request_id: str | None
    details: dict[str, Any]
    seq: int
    prev_hash: bytes
    hash: bytes

    @field_serializer("prev_hash", "hash")
    def _hex(self, value: bytes) -> str:
        return value.hex()


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
