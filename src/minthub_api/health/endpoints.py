from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from minthub_api import __version__

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    version: str


@router.get("/health", response_model=Health)
async def get_health() -> Health:
    """Liveness: the process is up and serving requests."""
    return Health(status="ok", version=__version__)
