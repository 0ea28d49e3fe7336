from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


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
