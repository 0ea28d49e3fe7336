from __future__ import annotations

import uuid
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from minthub_api.amazon.regions import Region
from minthub_api.audit.service import Actor
from minthub_api.auth.dependencies import (
    CurrentUser,
    OptionalPrincipal,
    VerifiedSession,
    request_id,
)
from minthub_api.core.db import SessionDep, utcnow
from minthub_api.core.errors import (
    AmazonDenied,
    AmazonUnavailable,
    BetaAccessRequired,
    CsrfFailed,
    InvalidState,
    MfaRequired,
    NotAuthenticated,
    OAuthError,
    SessionRequired,
    StoreNotFound,
    StoreRoleForbidden,
    TokenReadOnly,
    error_responses,
)
from minthub_api.core.settings import Settings
from minthub_api.stores import access as store_access
from minthub_api.stores import service as store_service
from minthub_api.stores.dependencies import CurrentStore
from minthub_api.stores.models import StoreRole
from minthub_api.stores.schemas import ConnectStart, MemberRead, MemberRoleUpdate, StoreRead
from minthub_api.sync import status as sync_status

router = APIRouter(tags=["stores"])
store_router = APIRouter(tags=["stores"])


@router.get(
    "/stores",
    response_model=list[StoreRead],
    responses=error_responses(NotAuthenticated, MfaRequired),
)
async def list_stores(request: Request, user: CurrentUser, session: SessionDep) -> list[StoreRead]:
    """The stores the signed-in user is a member of, with their role."""
    days = request.app.state.settings.revoked_data_retention_days
    return await store_service.list_stores(session, user, retention_days=days)


@router.get(
    "/stores/connect",
    response_model=ConnectStart,
    responses={
        302: {"description": "Redirect to Amazon's consent page"},
        **error_responses(NotAuthenticated, MfaRequired, SessionRequired, BetaAccessRequired),
    },
)
async def connect_store(
    request: Request,
    principal: VerifiedSession,
    session: SessionDep,
    region: Region = Region.NA,
    format: Literal["redirect", "json"] = "redirect",
) -> Response | ConnectStart:
    """Start the website authorization flow: redirect (302) to Seller Central's consent page,
    or with `?format=json` return the URL."""
    settings: Settings = request.app.state.settings
    url = await store_service.start_connect(
        session, user=principal.user, region=region, settings=settings, actor=principal.actor
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
    principal: OptionalPrincipal,
    state: Annotated[str, Query(min_length=1, max_length=256)],
    selling_partner_id: Annotated[str | None, Query(max_length=64)] = None,
    spapi_oauth_code: Annotated[str | None, Query(max_length=2048)] = None,
    error: Annotated[str | None, Query(max_length=256)] = None,
) -> RedirectResponse:
    """Amazon's redirect after consent: check the state, exchange the code, store the store."""
    settings: Settings = request.app.state.settings
    user = principal.user if principal else None
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


_STORE_WRITE = (StoreNotFound, StoreRoleForbidden, CsrfFailed, TokenReadOnly)


@store_router.get(
    "/members", response_model=list[MemberRead], responses=error_responses(StoreNotFound)
)
async def list_members(store: CurrentStore, session: SessionDep) -> list[MemberRead]:
    """The store's members and their roles."""
    return await store_access.list_members(session, store)


@store_router.delete(
    "/members/{user_id}",
    status_code=204,
    responses=error_responses(*_STORE_WRITE, store_access.MemberNotFound, store_access.LastOwner),
)
async def remove_member(user_id: uuid.UUID, store: CurrentStore, session: SessionDep) -> Response:
    """Remove a member (owners). Their sessions and API tokens lose the store at once."""
    await store_access.remove_member(session, store, user_id)
    return Response(status_code=204)


@store_router.patch(
    "/members/{user_id}",
    response_model=MemberRead,
    responses=error_responses(*_STORE_WRITE, store_access.MemberNotFound, store_access.LastOwner),
)
async def change_member_role(
    user_id: uuid.UUID, body: MemberRoleUpdate, store: CurrentStore, session: SessionDep
) -> MemberRead:
    """Change a member's role (owners). 409 `last_owner` when it would leave no owner."""
    return await store_access.change_member_role(session, store, user_id, StoreRole(body.role))


@store_router.get(
    "", response_model=StoreRead, responses=error_responses(NotAuthenticated, StoreNotFound)
)
async def get_store(request: Request, store: CurrentStore, session: SessionDep) -> StoreRead:
    """The store, its authorization's renewal countdown and its other regions' stores."""
    days = request.app.state.settings.revoked_data_retention_days
    return await store_service.read_store(session, store, retention_days=days)


@store_router.delete(
    "/authorization",
    response_model=StoreRead,
    responses=error_responses(NotAuthenticated, *_STORE_WRITE),
)
async def disconnect_store(request: Request, store: CurrentStore, session: SessionDep) -> StoreRead:
    """Disconnect: stop all access to Amazon for this store now. The refresh token is destroyed
    (crypto-shredded); data already synced stays readable to members. Owners only; idempotent."""
    days = request.app.state.settings.revoked_data_retention_days
    return await store_service.disconnect(
        session, request.app.state.amazon, store, retention_days=days
    )


@store_router.delete(
    "/data",
    status_code=204,
    responses=error_responses(NotAuthenticated, *_STORE_WRITE, store_service.StoreStillConnected),
)
async def delete_store_data(store: CurrentStore, session: SessionDep) -> Response:
    """Delete a revoked store's synced data now (snapshots, reports, replenishment, sync
    state) instead of at the end of the retention window; audit events stay. Owners only;
    idempotent.
    409 `store_connected` while the store is connected: disconnect it first."""
    await store_service.delete_data(session, store)
    return Response(status_code=204)


@router.get(
    "/oauth/amazon/login",
    status_code=302,
    response_class=RedirectResponse,
    responses=error_responses(InvalidState),
)
async def amazon_appstore_login(
    request: Request,
    session: SessionDep,
    principal: OptionalPrincipal,
    amazon_callback_uri: Annotated[str, Query(min_length=1, max_length=2048)],
    amazon_state: Annotated[str, Query(min_length=1, max_length=1024)],
    selling_partner_id: Annotated[str, Query(min_length=1, max_length=64)],
    version: Annotated[str | None, Query(max_length=16)] = None,
    region: Region | None = None,
) -> RedirectResponse:
    """The app's OAuth login URI for the Appstore-initiated flow (and yearly renewal).

    Signed in: redirect to Amazon's callback URI with `amazon_state`, our single-use `state` and
    `redirect_uri`. Signed out: redirect to sign-in, keeping these parameters in `next`.
    `region` is only needed when MINTHUB_SELLER_CENTRAL_URL overrides Amazon's hosts."""
    settings: Settings = request.app.state.settings
    user = principal.user if principal else None
    if user is None:
        back = f"{request.url.path}?{request.url.query}"
        return RedirectResponse(
            f"/login?{urlencode({'next': back})}",
            status_code=302,
            headers={"Referrer-Policy": "no-referrer"},
        )
    url = await store_service.start_appstore_connect(
        session,
        user=user,
        settings=settings,
        actor=Actor.user(user.id, request_id(request)),
        amazon_callback_uri=amazon_callback_uri,
        amazon_state=amazon_state,
        selling_partner_id=selling_partner_id,
        beta=version == "beta",
        region=region,
    )
    return RedirectResponse(url, status_code=302, headers={"Referrer-Policy": "no-referrer"})
