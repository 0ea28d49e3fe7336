"""Connecting stores (website authorization flow) and listing them."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.amazon import errors as amazon_errors
from minthub_api.amazon.regions import Region, marketplaces_in
from minthub_api.amazon.sellers import get_marketplace_participations
from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.auth.models import User
from minthub_api.core.db import utcnow
from minthub_api.core.errors import (
    AmazonDenied,
    AmazonUnavailable,
    BetaAccessRequired,
    Conflict,
    InvalidState,
    OAuthError,
    StoreNotFound,
)
from minthub_api.core.rls import allow_store, system_context
from minthub_api.core.settings import Settings
from minthub_api.stores import lifecycle, oauth
from minthub_api.stores.dependencies import StoreContext
from minthub_api.stores.models import Store, StoreMembership, StoreRole, StoreStatus
from minthub_api.stores.repository import StoreRepository
from minthub_api.stores.schemas import StoreRead
from minthub_api.stores.spapi import AmazonServices, mark_revoked, seal_refresh_token, store_api

log = structlog.get_logger("minthub.stores")

SELLING_PARTNER_ID = re.compile(r"^[A-Z0-9]{8,32}$")


STORED_FIELDS = (
    "id",
    "selling_partner_id",
    "region",
    "name",
    "status",
    "marketplace_ids",
    "authorized_at",
    "revoked_at",
    "revoke_cause",
    "data_deleted_at",
)
AUTHORIZATION_LIFETIME = lifecycle.AUTHORIZATION_LIFETIME


def to_read(
    store: Store, role: str, linked: list[uuid.UUID] | None = None, *, retention_days: int = 30
) -> StoreRead:
    stored = {c: getattr(store, c) for c in STORED_FIELDS}
    extra: dict[str, object] = {}
    if store.status == StoreStatus.connected:
        info = lifecycle.renewal(store.authorized_at, utcnow())
        extra = {
            "authorization_expires_at": info.expires_at,
            "days_until_renewal": info.days_left,
            "renewal_due": info.warning is not None,
            "renewal_due_at": info.due_at,
            "renewal_warning": info.warning,
        }
    elif store.revoked_at is not None and store.data_deleted_at is None:
        extra = {"data_retained_until": store.revoked_at + timedelta(days=retention_days)}
    return StoreRead.model_validate(
        stored | extra | {"role": role, "linked_store_ids": linked or []}
    )


async def list_stores(
    session: AsyncSession, user: User, *, retention_days: int = 30
) -> list[StoreRead]:
    rows = await StoreRepository(session).list_for_user(user.id)
    by_partner: dict[str, list[uuid.UUID]] = {}
    for store, _ in rows:
        by_partner.setdefault(store.selling_partner_id, []).append(store.id)
    return [
        to_read(
            s,
            m.role,
            [i for i in by_partner[s.selling_partner_id] if i != s.id],
            retention_days=retention_days,
        )
        for s, m in rows
    ]


async def read_store(
    session: AsyncSession, ctx: StoreContext, *, retention_days: int = 30
) -> StoreRead:
    """One store, with the other regions' stores of the same seller that the user can see."""
    rows = await StoreRepository(session).list_for_user(ctx.user.id)
    linked = [
        s.id
        for s, _ in rows
        if s.selling_partner_id == ctx.store.selling_partner_id and s.id != ctx.store.id
    ]
    return to_read(ctx.store, ctx.role, linked, retention_days=retention_days)


class StoreStillConnected(Conflict):
    code = "store_connected"
    title = "The store is still connected"


async def delete_data(session: AsyncSession, ctx: StoreContext) -> None:
    """The owner's "delete synced data now" for a revoked store (snapshots, reports, replenishment,
    sync state; audit events stay). Raises `StoreStillConnected` (409) while the store is
    connected: its data would be fetched again by the next sync. Idempotent."""
    try:
        await lifecycle.delete_store_data(
            session, ctx.store, actor=ctx.actor, cause="owner_deleted", now=utcnow()
        )
    except lifecycle.StoreStillConnected:
        raise StoreStillConnected(
            "Disconnect the store first (DELETE .../authorization); a connected store's data"
            " is fetched again by its next sync"
        ) from None


async def disconnect(
    session: AsyncSession, amazon: AmazonServices, ctx: StoreContext, *, retention_days: int = 30
) -> StoreRead:
    """The owner's "disconnect": revoke now (shred the token, evict, audit). Idempotent.

    Owners only: the store dependency refuses unsafe methods to viewers. Data already synced
    stays readable to members.
    """
    if ctx.store.status != StoreStatus.revoked:
        await mark_revoked(
            session,
            amazon,
            ctx.store,
            cause="owner_disconnected",
            actor=ctx.actor,
            reason=AuditReason.authorization,
        )
    return await read_store(session, ctx, retention_days=retention_days)


async def revoke_by_operator(session: AsyncSession, store_id: uuid.UUID, *, reason: str) -> Store:
    """An operator's revocation (`minthub-api stores revoke`). Raises `StoreNotFound`.

    Other processes learn it from the store's status, which every SP-API call checks first.
    """
    # An operator acts on any store, outside store isolation, for this revocation only.
    async with system_context(session, "operator.revoke_store"):
        store = await session.get(Store, store_id, with_for_update=True)
        if store is None:
            raise StoreNotFound()
        if store.status != StoreStatus.revoked:
            await mark_revoked(
                session,
                None,
                store,
                cause="operator_revoked",
                actor=audit.SYSTEM,
                reason=AuditReason.operator_action,
                note=reason,
            )
    return store


def check_beta_access(user: User, settings: Settings) -> None:
    """Raise `BetaAccessRequired` (403, pointing to the request form) while the beta gate is on
    and the user has no approved beta access."""
    if settings.beta_gate and user.beta_access_at is None:
        raise BetaAccessRequired(
            "Mint Hub Operations is in a closed beta: request access with"
            f" POST {settings.public_url}/api/v1/beta-requests; once approved you can connect"
            " stores",
            headers={"Link": f'<{settings.public_url}/api/v1/beta-requests>; rel="help"'},
        )


async def start_connect(
    session: AsyncSession, *, user: User, region: Region, settings: Settings, actor: audit.Actor
) -> str:
    """Create a single-use state for `user` and return the region's consent URL.

    Raises `BetaAccessRequired` while the beta gate is on and the user has no beta access."""
    check_beta_access(user, settings)
    state = await oauth.create_state(
        session, user_id=user.id, region=region, redirect_uri=settings.redirect_uri, flow="website"
    )
    audit.record(
        session,
        actor,
        AuditAction.store_connect_started,
        reason=AuditReason.authorization,
        details={"region": region.value, "flow": "website"},
    )
    return oauth.consent_url(settings, region, state)


async def start_appstore_connect(
    session: AsyncSession,
    *,
    user: User,
    settings: Settings,
    actor: audit.Actor,
    amazon_callback_uri: str,
    amazon_state: str,
    selling_partner_id: str,
    beta: bool,
    region: Region | None,
) -> str:
    """Appstore-initiated flow (SPAPI-NOTES §2): answer Amazon's login URI with our state.

    Returns the URL to send the browser to (Amazon's callback URI with `amazon_state`, our
    `state` and `redirect_uri`). Raises `InvalidState` for a callback URI that is not Seller
    Central's, or a malformed seller id.
    """
    found_region = oauth.appstore_region(settings, amazon_callback_uri, region)
    if not SELLING_PARTNER_ID.match(selling_partner_id) or not amazon_state:
        raise InvalidState("Amazon's sign-in request is incomplete; start again from Amazon")
    state = await oauth.create_state(
        session,
        user_id=user.id,
        region=found_region,
        redirect_uri=settings.redirect_uri,
        flow="appstore",
        selling_partner_id=selling_partner_id,
    )
    audit.record(
        session,
        actor,
        AuditAction.store_connect_started,
        reason=AuditReason.authorization,
        details={"region": found_region.value, "flow": "appstore"},
    )
    return oauth.appstore_redirect(settings, amazon_callback_uri, amazon_state, state, beta)


async def complete_connect(
    session: AsyncSession,
    amazon: AmazonServices,
    *,
    user: User | None,
    actor: audit.Actor,
    state: str,
    selling_partner_id: str | None,
    code: str | None,
    error: str | None,
) -> Store:
    """Finish the OAuth callback. The state is checked before anything else.

    Raises `InvalidState`, `AmazonDenied`, `OAuthError` (bad or reused code) or
    `AmazonUnavailable`; then nothing but the consumed state and an audit event is written.
    On success creates or renews the store, stores the refresh token encrypted, makes the user
    an owner and audits `store_connected` / `store_reauthorized`. The code is never stored.
    """
    claimed = await oauth.claim_state(session, state=state, user_id=user.id if user else None)
    region = Region(claimed.region)
    user_id = claimed.user_id

    def failed(cause: str) -> None:
        audit.record(
            session,
            actor,
            AuditAction.store_connect_failed,
            reason=AuditReason.authorization,
            details={"region": region.value, "cause": cause},
        )

    if error:
        failed("amazon_error")
        raise AmazonDenied("Amazon returned an error instead of an authorization; try again")
    if not code or not selling_partner_id or not SELLING_PARTNER_ID.match(selling_partner_id):
        failed("missing_parameters")
        raise OAuthError("Amazon's answer is missing the authorization code or seller id")
    if claimed.selling_partner_id and claimed.selling_partner_id != selling_partner_id:
        failed("seller_mismatch")
        raise OAuthError("Amazon authorized another seller than the one that started; start again")

    try:
        tokens = await amazon.lwa.exchange_code(code, claimed.redirect_uri)
    except amazon_errors.LwaInvalidGrant:
        failed("invalid_grant")
        raise OAuthError(
            "Amazon did not accept the authorization (it expires after 5 minutes and works once);"
            " start connecting again"
        ) from None
    except amazon_errors.LwaInvalidClient:
        failed("invalid_client")
        log.error("amazon.lwa.invalid_client")
        raise AmazonUnavailable("Amazon rejected this installation's app credentials") from None
    except (amazon_errors.LwaError, amazon_errors.AmazonUnavailable):
        failed("lwa_unavailable")
        raise AmazonUnavailable() from None

    repo = StoreRepository(session)
    # The seller may already be connected by someone else, and the user is no member of the
    # new store yet: the lookup and the attach run outside store isolation, and only they do.
    async with system_context(session, "oauth_callback.attach_store"):
        store = await repo.get_by_partner(selling_partner_id, region.value)
        renewing = store is not None
        if store is None:
            store = Store(
                selling_partner_id=selling_partner_id,
                region=region.value,
                name=f"{selling_partner_id} ({region.value.upper()})",
                marketplace_ids=[region.default_marketplace_id],
            )
            session.add(store)
            await session.flush()
        store.status = StoreStatus.connected
        store.authorized_at = utcnow()
        store.revoked_at = None
        store.revoke_cause = None
        # A new grant: the health check and the retention window start afresh.
        store.auth_checked_at = None
        store.data_deleted_at = None
        existing = await repo.get_credential(store.id)
        credential = seal_refresh_token(amazon.key_provider, store, tokens.refresh_token, existing)
        if existing is None:
            session.add(credential)
        if await repo.get_membership_row(store.id, user_id) is None:
            session.add(StoreMembership(store_id=store.id, user_id=user_id, role=StoreRole.owner))
            audit.record(
                session,
                actor,
                AuditAction.membership_added,
                reason=AuditReason.authorization,
                store_id=store.id,
                details={"user_id": str(user_id), "role": StoreRole.owner.value},
            )
    # From here on the user is an owner: the rest of the transaction may see this store.
    await allow_store(session, store.id)
    # A renewal must not keep serving the old authorization's access token.
    amazon.token_cache.evict(str(store.id))
    audit.record(
        session,
        actor,
        AuditAction.store_reauthorized if renewing else AuditAction.store_connected,
        reason=AuditReason.authorization,
        store_id=store.id,
        details={"region": region.value, "flow": claimed.flow},
    )
    await session.flush()
    await _discover_marketplaces(session, amazon, store, actor)
    return store


async def _discover_marketplaces(
    session: AsyncSession, amazon: AmazonServices, store: Store, actor: audit.Actor
) -> None:
    """Record the marketplaces the store sells in; keep the region default if Amazon fails."""
    api = store_api(amazon, session, store, actor, AuditReason.authorization)
    try:
        participations = await get_marketplace_participations(api)
    except amazon_errors.AmazonError as exc:
        log.warning(
            "store.marketplaces_unavailable", store_id=str(store.id), error=type(exc).__name__
        )
        return
    in_region = {m.id for m in marketplaces_in(Region(store.region))}
    found = [
        p.marketplace.id
        for p in participations
        if p.participation.is_participating and p.marketplace.id in in_region
    ]
    if found:
        default = Region(store.region).default_marketplace_id
        # The region's main marketplace first, as the default view.
        store.marketplace_ids = sorted(set(found), key=lambda m: (m != default, m))
    names = [p.store_name for p in participations if p.store_name]
    if names:
        store.name = f"{names[0]} ({store.region.upper()})"
