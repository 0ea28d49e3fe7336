"""The website authorization flow's state and consent URL (../shared/SPAPI-NOTES.md §1).

The `state` we send Amazon is random, stored only as a SHA-256, single-use, bound to the user
who started the flow and valid for 10 minutes. The callback checks it before anything else.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.amazon.regions import Region
from minthub_api.auth.security import new_token, token_hash
from minthub_api.core.db import utcnow
from minthub_api.core.errors import InvalidState
from minthub_api.core.settings import Settings
from minthub_api.stores.models import OAuthState
from minthub_api.stores.repository import OAuthStateRepository

STATE_TTL = timedelta(minutes=10)


def consent_url(settings: Settings, region: Region, state: str) -> str:
    base = settings.seller_central_url or region.seller_central_url
    params = {
        "application_id": settings.spapi_application_id,
        "state": state,
        "redirect_uri": settings.redirect_uri,
    }
    if settings.spapi_app_draft:
        params["version"] = "beta"
    return f"{base}/apps/authorize/consent?{urlencode(params)}"


async def create_state(
    session: AsyncSession, *, user_id: uuid.UUID, region: Region, redirect_uri: str, flow: str
) -> str:
    state = new_token()
    now = utcnow()
    session.add(
        OAuthState(
            state_hash=token_hash(state),
            user_id=user_id,
            region=region.value,
            flow=flow,
            redirect_uri=redirect_uri,
            created_at=now,
            expires_at=now + STATE_TTL,
        )
    )
    return state


async def claim_state(
    session: AsyncSession, *, state: str, user_id: uuid.UUID | None
) -> OAuthState:
    """Consume the state. Raises `InvalidState` if unknown, used, expired or another user's."""
    if not state or len(state) > 256:
        raise InvalidState()
    claimed = await OAuthStateRepository(session).claim(token_hash(state), utcnow())
    if claimed is None:
        raise InvalidState()
    if claimed.user_id != user_id:
        # Signed out meanwhile, or another user's state (a replayed link): don't say whose.
        raise InvalidState(
            "This authorization was started by another session; sign in and connect again"
        )
    return claimed
