from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from minthub_api.amazon.regions import MARKETPLACES


class OrderVolume(StrEnum):
    """Orders per month across the seller's marketplaces."""

    up_to_1k = "0-1k"
    up_to_10k = "1k-10k"
    up_to_50k = "10k-50k"
    above_50k = "50k+"


class BetaRequestCreate(BaseModel):
    company_name: str = Field(min_length=2, max_length=200)
    contact_email: EmailStr
    marketplaces: list[Annotated[str, Field(json_schema_extra={"enum": sorted(MARKETPLACES)})]] = (
        Field(min_length=1, max_length=25, description="Amazon marketplace ids, e.g. ATVPDKIKX0DER")
    )
    monthly_order_volume: OrderVolume
    message: str = Field(default="", max_length=2000)

    @field_validator("marketplaces")
    @classmethod
    def _known_marketplaces(cls, value: list[str]) -> list[str]:
        unknown = [m for m in value if m not in MARKETPLACES]
        if unknown:
            raise ValueError(f"unknown marketplace ids: {', '.join(unknown[:5])}")
        return list(dict.fromkeys(value))

    @field_validator("company_name", "message")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class BetaRequestAck(BaseModel):
    status: str = "received"
    detail: str = (
        "Thank you. We review every request and write to the contact email when there is news."
    )


class BetaRequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    company_name: str
    contact_email: str
    marketplaces: list[str]
    monthly_order_volume: str
    message: str
    status: str
    created_at: datetime
    decided_at: datetime | None
    decided_by: uuid.UUID | None
    invitation_id: uuid.UUID | None
