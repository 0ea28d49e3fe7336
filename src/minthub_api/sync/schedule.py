"""When the scheduler syncs a dataset again (README "The job queue", "Store health grid").

`schedule_syncs` runs every `SCHEDULER_EVERY_MINUTES` (cron `*/5`, UTC) and queues the
datasets of a connected store that somebody read in the last MINTHUB_SYNC_ACTIVE_DAYS whose last
success is older than `schedule_minutes(dataset)`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from minthub_api.core.settings import Settings

SCHEDULER_EVERY_MINUTES = 5  # jobs.create_job_app: cron "*/5 * * * *"


def schedule_minutes(settings: Settings, dataset: str) -> int:
    """How old a dataset may get before a scheduled sync: MINTHUB_SYNC_SCHEDULE_MINUTES, or the
    dataset's freshness window when that is longer (listings: 360 minutes)."""
    return max(settings.sync_schedule_minutes, settings.freshness_minutes(dataset))


def next_tick(at: datetime) -> datetime:
    """The first scheduler run at or after `at` (a multiple of 5 minutes past the hour)."""
    base = at.replace(second=0, microsecond=0)
    base -= timedelta(minutes=base.minute % SCHEDULER_EVERY_MINUTES)
    return base if base >= at else base + timedelta(minutes=SCHEDULER_EVERY_MINUTES)


def next_scheduled_sync(
    *,
    settings: Settings,
    dataset: str,
    last_success_at: datetime | None,
    last_viewed_at: datetime | None,
    now: datetime,
) -> datetime | None:
    """The scheduler run that will queue this dataset, or None when none will (nobody read the
    store in MINTHUB_SYNC_ACTIVE_DAYS by then). The caller checks that the store is connected and
    the dataset is syncable."""
    if last_viewed_at is None:
        return None
    due = now
    if last_success_at is not None:
        due = max(now, last_success_at + timedelta(minutes=schedule_minutes(settings, dataset)))
    tick = next_tick(due)
    if tick > last_viewed_at + timedelta(days=settings.sync_active_days):
        return None
    return tick
