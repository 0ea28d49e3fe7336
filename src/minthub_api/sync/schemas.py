from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class DatasetStatus(BaseModel):
    """One dataset's sync state: what we have, from where, since when, and what is running."""

    model_config = ConfigDict(from_attributes=True)

    dataset: str
    state: str = Field(description="never, queued, running, succeeded, failed or stopped")
    source: str | None = Field(description="api_paging or report")
    stale: bool = False
    freshness_minutes: int | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    requested_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    next_sync_at: datetime | None = None
    high_water_mark: datetime | None = None
    rows_seen: int = Field(0, description="rows fetched by the running or last run")
    rows_total: int = Field(0, description="rows stored for this dataset")
    pages: int = 0
    requests: int = Field(0, description="SP-API requests of the running or last run")


class SyncStatus(BaseModel):
    store_id: uuid.UUID
    done: bool = Field(description="no dataset is queued or running")
    datasets: list[DatasetStatus]


class SyncRequest(BaseModel):
    datasets: list[str] | None = Field(
        None, description="default: inventory, orders, listings, restock"
    )
    full: bool = Field(False, description="ignore high-water marks and re-pull everything")


class DataFreshness(BaseModel):
    """Added to every snapshot-backed view: how old the data is and whether it is refreshing."""

    stale: bool
    sync: list[DatasetStatus]


class UsagePlanInfo(BaseModel):
    operation: str
    rate_per_second: float = Field(
        description="Amazon's rate for this seller when learned (x-amzn-RateLimit-Limit), else the"
        " default plan"
    )
    burst: int
    requests_left: int | None = Field(
        None,
        description="requests that could be sent now: the shared bucket refilled to now,"
        " floor(min(burst, tokens + elapsed * rate)), 0 while requests wait for tokens",
    )


class StoreHealth(BaseModel):
    store_id: uuid.UUID
    store_name: str
    store_status: str
    datasets: list[DatasetStatus]
    usage_plans: list[UsagePlanInfo]
