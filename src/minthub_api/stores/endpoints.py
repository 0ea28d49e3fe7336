from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from minthub_api.amazon.regions import Region
from minthub_api.audit.service import Actor
from minthub_api.auth.dependencies import CurrentActor, CurrentUser, OptionalUser, request_id
from minthub_api.core.db import SessionDep, utcnow
from minthub_api.core.errors import (
    AmazonDenied,
    AmazonUnavailable,
    InvalidState,
    NotAuthenticated,
    OAuthError,
    StoreNotFound,
    error_responses,
)
from minthub_api.core.settings import Settings
from minthub_api.stores import service as store_service
from minthub_api.stores.dependencies import CurrentStore
from minthub_api.stores.schemas import ConnectStart, StoreRead
from minthub_api.sync import status as sync_status

router = APIRouter(tags=["stores"])
store_router = APIRouter(tags=["stores"])


@router.get("/stores", response_model=list[StoreRead], responses=error_responses(NotAuthenticated))
async def list_stores(user: CurrentUser, session: SessionDep) -> list[StoreRead]:
    """The stores the signed-in user is a member of, with their role."""
    return await store_service.list_stores(session, user)


@router.get(
    "/stores/connect",
    response_model=ConnectStart,
    responses={
        302: {"description": "Redirect to Amazon's consent page"},
        **error_responses(NotAuthenticated),
    },
)
async def connect_store(
    request: Request,
    user: CurrentUser,
    actor: CurrentActor,
    session: SessionDep,
    region: Region = Region.NA,
    format: Literal["redirect", "json"] = "redirect",
) -> Response | ConnectStart:
    """Start the website authorization flow: redirect (302) to Seller Central's consent page,
    or with `?format=json` return the URL."""
    settings: Settings = request.app.state.settings
    url = await store_service.start_connect(
        session, user=user, region=region, settings=settings, actor=actor
    )
    if format == "json":
        return ConnectStart(authorization_url=url)
    # The consent URL carries the state: keep it out of any Referer we might send.
    return RedirectResponse(url, status_code=302, headers={"Referrer-Policy": "no-referrer"})


@router.get(
    "/oauth/amazon/callback",
    status_code=302,
    response_class=RedirectResponse,
    responses=error_responses(InvalidState, AmazonDenied, OAuthError, AmazonUnavailable),
)
async def amazon_oauth_callback(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    state: Annotated[str, Query(max_length=256)] = "",
    selling_partner_id: Annotated[str | None, Query(max_length=64)] = None,
    spapi_oauth_code: Annotated[str | None, Query(max_length=2048)] = None,
    error: Annotated[str | None, Query(max_length=256)] = None,
) -> RedirectResponse:
    """Amazon's redirect after consent: check the state, exchange the code, store the store."""
    settings: Settings = request.app.state.settings
    actor = (
        Actor.user(user.id, request_id(request))
        if user
        else Actor.user_unknown(request_id(request))
    )
    store = await store_service.complete_connect(
        session,
        request.app.state.amazon,
        user=user,
        actor=actor,
        state=state,
        selling_partner_id=selling_partner_id,
        code=spapi_oauth_code,
        error=error,
    )
    await sync_status.on_store_connected(
        session, request.app.state.sync_queue, store, settings=settings, now=utcnow()
    )
    return RedirectResponse(
        f"{settings.public_url}/stores/{store.id}",
        status_code=302,
        headers={"Referrer-Policy": "no-referrer"},
    )


@store_router.get("", response_model=StoreRead, responses=error_responses(StoreNotFound))
async def get_store(store: CurrentStore) -> StoreRead:
    return store_service.to_read(store.store, store.role)
