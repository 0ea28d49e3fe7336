"""The job queue as the rest of the code sees it: enqueue a store sync.

The API and the CLI hold a `SyncQueue`; the implementation defers a procrastinate job
(`jobs.py`). Deferring is idempotent per store and dataset set while a job waits.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Protocol

from minthub_api.audit.actions import AuditReason


class SyncQueue(Protocol):
    async def enqueue(
        self,
        store_id: uuid.UUID,
        datasets: Sequence[str],
        *,
        full: bool = False,
        reason: AuditReason = AuditReason.scheduled_sync,
    ) -> bool:
        """Queue a sync; False when an identical one is already waiting."""
        ...

    async def enqueue_report_poll(
        self, store_id: uuid.UUID, report_id: uuid.UUID, *, delay_seconds: float = 0
    ) -> bool:
        """Queue a poll of a report in the ledger; False when one is already waiting."""
        ...
