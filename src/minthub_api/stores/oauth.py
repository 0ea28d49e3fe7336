"""The website authorization flow's state and consent URL (../shared/SPAPI-NOTES.md §1).

The `state` we send Amazon is random, stored only as a SHA-256, single-use, bound to the user
who started the flow and valid for 10 minutes. The callback checks it before anything else.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.amazon.regions import MARKETPLACES, Region
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
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    region: Region,
    redirect_uri: str,
    flow: str,
    selling_partner_id: str | None = None,
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
            selling_partner_id=selling_partner_id,
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


def appstore_region(settings: Settings, amazon_callback_uri: str, region: Region | None) -> Region:
    """Validate Amazon's callback URI (no open redirect) and tell the region it belongs to.

    Accepted: https Seller Central hosts we know (SPAPI-NOTES §4.3) or the configured
    MINTHUB_SELLER_CENTRAL_URL, with the `/apps/authorize/confirm/` path. Raises `InvalidState`.
    """
    parts = urlsplit(amazon_callback_uri)
    origin = f"{parts.scheme}://{parts.netloc}"
    known = _seller_central_regions()
    if settings.seller_central_url and origin == settings.seller_central_url:
        found = region or Region.NA
    elif parts.scheme == "https" and origin in known:
        found = known[origin]
    else:
        raise InvalidState("The Amazon callback address is not a Seller Central address")
    if not parts.path.startswith("/apps/authorize/confirm/") or parts.username or parts.password:
        raise InvalidState("The Amazon callback address is not a Seller Central consent address")
    return found


def _seller_central_regions() -> dict[str, Region]:
    hosts = {m.seller_central_url.rstrip("/"): m.region for m in MARKETPLACES.values()}
    hosts.update({r.seller_central_url: r for r in Region})
    return hosts


def appstore_redirect(
    settings: Settings, amazon_callback_uri: str, amazon_state: str, state: str, beta: bool
) -> str:
    params = {
        "amazon_state": amazon_state,
        "state": state,
        "redirect_uri": settings.redirect_uri,
    }
    if beta or settings.spapi_app_draft:
        params["version"] = "beta"
    separator = "&" if urlsplit(amazon_callback_uri).query else "?"
    return f"{amazon_callback_uri}{separator}{urlencode(params)}"
