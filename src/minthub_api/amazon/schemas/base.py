"""Base for pydantic models of SP-API payloads.

Python attributes are snake_case; the wire names (aliases) are exactly the model's
(../shared/spapi-models/*.json `definitions`), and a test checks every alias against them.
Unknown fields are ignored: Amazon adds fields, and we keep only what we use.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class SpApiModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        frozen=True,
    )
