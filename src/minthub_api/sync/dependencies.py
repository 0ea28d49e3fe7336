"""The job queue, settings and clock as dependencies (one place, for every snapshot view)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from minthub_api.core.db import utcnow
from minthub_api.core.settings import Settings
from minthub_api.sync.queue import SyncQueue


async def get_queue(request: Request) -> SyncQueue:
    queue: SyncQueue = request.app.state.sync_queue
    return queue


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_now() -> datetime:
    return utcnow()


QueueDep = Annotated[SyncQueue, Depends(get_queue)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
NowDep = Annotated[datetime, Depends(get_now)]
