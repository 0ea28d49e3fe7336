"""Glue between a store and the SP-API client: credentials, audit hook, error translation.

Services never see a token: `store_api()` hands the client a loader that decrypts the refresh
token on demand, and an `on_call` hook that writes one audit event per HTTP attempt into the
caller's transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.amazon import errors as amazon_errors_mod
from minthub_api.amazon.auth import AccessTokenCache
from minthub_api.amazon.client import SpApiCall, SpApiClient, StoreApi, StoreCredentials
from minthub_api.amazon.regions import Region
from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.core.db import utcnow
from minthub_api.core.errors import (
    AmazonRejected,
    AmazonThrottled,
    AmazonUnavailable,
    InvalidCursor,
    StoreRevoked,
)
from minthub_api.crypto.envelope import (
    EncryptedSecret,
    KeyProvider,
    open_sealed,
    seal,
    store_associated_data,
)
from minthub_api.health.metrics import Metrics
from minthub_api.stores.lifecycle import ensure_still_connected, stop_store_work
from minthub_api.stores.lwa import AppLwaClient
from minthub_api.stores.models import Store, StoreCredential, StoreStatus
from minthub_api.stores.repository import StoreRepository

log = structlog.get_logger("minthub.amazon")


@dataclass
class AmazonServices:
    """Per-process Amazon plumbing, created in the app lifespan (one httpx client)."""

    http: httpx.AsyncClient
    lwa: AppLwaClient
    token_cache: AccessTokenCache
    client: SpApiClient
    key_provider: KeyProvider
    metrics: Metrics | None = None


def seal_refresh_token(
    provider: KeyProvider, store: Store, refresh_token: str, existing: StoreCredential | None
) -> StoreCredential:
    sealed = seal(
        provider,
        refresh_token,
        associated_data=store_associated_data(str(store.id), store.selling_partner_id),
    )
    credential = existing or StoreCredential(store_id=store.id)
    credential.key_id = sealed.key_id
    credential.wrapped_key = sealed.wrapped_key
    credential.nonce = sealed.nonce
    credential.ciphertext = sealed.ciphertext
    return credential


async def read_refresh_token(
    session: AsyncSession, provider: KeyProvider, store: Store
) -> str | None:
    """Decrypt the store's refresh token; None once it was shredded (revoked store)."""
    credential = await StoreRepository(session).get_credential(store.id)
    if credential is None:
        return None
    sealed = EncryptedSecret(
        key_id=credential.key_id,
        wrapped_key=credential.wrapped_key,
        nonce=credential.nonce,
        ciphertext=credential.ciphertext,
    )
    return open_sealed(
        provider,
        sealed,
        associated_data=store_associated_data(str(store.id), store.selling_partner_id),
    )


def store_api(
    amazon: AmazonServices,
    session: AsyncSession,
    store: Store,
    actor: audit.Actor,
    reason: AuditReason,
    *,
    observe: Callable[[SpApiCall], None] | None = None,
) -> StoreApi:
    """A client bound to one store. Raises `StoreRevoked` if the store is not connected.

    `observe` sees every HTTP attempt too (sync jobs count their requests with it)."""
    if store.status != StoreStatus.connected:
        raise StoreRevoked()
    store_id = store.id
    region = store.region

    async def load_refresh_token() -> str:
        token = await read_refresh_token(session, amazon.key_provider, store)
        if token is None:
            raise StoreRevoked()
        return token

    async def on_call(call: SpApiCall) -> None:
        if amazon.metrics:
            status = str(call.status_code or "network_error")
            amazon.metrics.spapi_calls.labels(operation=call.operation, status=status).inc()
            if call.status_code == 429:
                amazon.metrics.spapi_throttled.labels(operation=call.operation).inc()
        if observe is not None:
            observe(call)
        audit.record(
            session,
            actor,
            AuditAction.spapi_call,
            reason=reason,
            store_id=store_id,
            operation=call.operation,
            amazon_request_id=call.request_id,
            status_code=call.status_code,
            details={
                "method": call.method,
                "path": call.path,
                "region": region,
                "marketplace_ids": list(call.marketplace_ids),
                "records": call.records,
                "duration_ms": round(call.duration_ms, 1),
                "error_code": call.error_code,
            },
        )

    async def on_refresh_failed(exc: Exception) -> None:
        audit.record(
            session,
            actor,
            AuditAction.token_refresh_failed,
            reason=reason,
            store_id=store_id,
            details={
                "region": region,
                "error": type(exc).__name__,
                "lwa_error": getattr(exc, "error", None),
                "status_code": getattr(exc, "status_code", None),
            },
        )

    credentials = StoreCredentials(
        key=str(store_id),
        selling_partner_id=store.selling_partner_id,
        region=Region(store.region),
        load_refresh_token=load_refresh_token,
        # The status as the database says now: a revocation by any process stops the next call.
        before_send=lambda: ensure_still_connected(session, store_id),
    )
    return amazon.client.for_store(
        credentials, on_call=on_call, on_refresh_failed=on_refresh_failed
    )


async def mark_revoked(
    session: AsyncSession,
    amazon: AmazonServices | None,
    store: Store,
    *,
    cause: str,
    actor: audit.Actor,
    reason: AuditReason,
    note: str | None = None,
) -> None:
    """Revoke: status, crypto-shred the refresh token, evict the access token, audit."""
    store.status = StoreStatus.revoked
    store.revoked_at = utcnow()
    store.revoke_cause = cause
    credential = await StoreRepository(session).get_credential(store.id)
    if credential is not None:
        await session.delete(credential)
    # Queued work is cancelled in this same transaction; running work sees the status.
    cancelled = await stop_store_work(session, store.id, store.revoked_at)
    if amazon is not None:
        # Other processes never use their cached token: every call checks the status first.
        amazon.token_cache.evict(str(store.id))
    details: dict[str, object] = {"cause": cause, "jobs_cancelled": cancelled}
    if note:
        details["note"] = note[:500]
    audit.record(
        session,
        actor,
        AuditAction.store_revoked,
        reason=reason,
        store_id=store.id,
        details=details,
    )
    log.warning("store.revoked", store_id=str(store.id), cause=cause)


@asynccontextmanager
async def translate_amazon_errors(
    session: AsyncSession,
    amazon: AmazonServices,
    store: Store,
    actor: audit.Actor,
    reason: AuditReason,
    *,
    using_cursor: bool = False,
) -> AsyncIterator[None]:
    """Turn SP-API client errors into problem documents, handling revocation on the way."""
    errs = amazon_errors_mod
    try:
        yield
    except errs.LwaInvalidGrant:
        # The seller removed our app (or the yearly authorization lapsed): SPAPI-NOTES §3.1.
        await mark_revoked(
            session, amazon, store, cause="lwa_invalid_grant", actor=actor, reason=reason
        )
        raise StoreRevoked() from None
    except errs.SpApiUnauthorized as exc:
        # A 403 is also what a missing role or a wrong region gets (SPAPI-NOTES §9.9), so it is
        # not proof of revocation: force a refresh, and only LWA's invalid_grant revokes.
        if await _authorization_is_gone(session, amazon, store, actor, reason):
            await mark_revoked(
                session, amazon, store, cause="spapi_unauthorized", actor=actor, reason=reason
            )
            raise StoreRevoked() from None
        raise AmazonRejected(_amazon_detail(exc)) from None
    except errs.LwaInvalidClient:
        # Our own app credentials are wrong or expired: an operator problem, never the store's.
        log.error("amazon.lwa.invalid_client", store_id=str(store.id))
        raise AmazonUnavailable("Amazon rejected this installation's app credentials") from None
    except errs.SpApiThrottled as exc:
        retry_after = str(int(exc.retry_after)) if exc.retry_after else "60"
        raise AmazonThrottled(headers={"Retry-After": retry_after}) from None
    except errs.SpApiBadRequest as exc:
        if using_cursor:
            raise InvalidCursor(
                "Amazon no longer accepts this page's cursor (inventory cursors last 30 seconds);"
                " start again without it"
            ) from None
        raise AmazonRejected(_amazon_detail(exc)) from None
    except errs.SpApiError as exc:
        if exc.status_code and exc.status_code >= 500:
            raise AmazonUnavailable() from None
        raise AmazonRejected(_amazon_detail(exc)) from None
    except errs.AmazonError:
        # Timeouts and connection failures after retries, LWA outages, unknown LWA errors.
        raise AmazonUnavailable() from None


async def _authorization_is_gone(
    session: AsyncSession,
    amazon: AmazonServices,
    store: Store,
    actor: audit.Actor,
    reason: AuditReason,
) -> bool:
    amazon.token_cache.evict(str(store.id))
    refresh_token = await read_refresh_token(session, amazon.key_provider, store)
    if refresh_token is None:
        return True
    try:
        await amazon.lwa.refresh(refresh_token)
    except amazon_errors_mod.AmazonError as exc:
        audit.record(
            session,
            actor,
            AuditAction.token_refresh_failed,
            reason=reason,
            store_id=store.id,
            details={
                "region": store.region,
                "error": type(exc).__name__,
                "lwa_error": getattr(exc, "error", None),
                "forced": True,  # the re-check after a 403, not a routine refresh
            },
        )
        # Only invalid_grant proves the authorization is gone; otherwise don't revoke on a guess.
        return isinstance(exc, amazon_errors_mod.LwaInvalidGrant)
    return False


def _amazon_detail(exc: amazon_errors_mod.SpApiError) -> str:
    codes = ", ".join(str(e.get("code")) for e in exc.errors if e.get("code"))
    ref = f" (Amazon request id {exc.request_id})" if exc.request_id else ""
    return f"Amazon rejected the {exc.operation or 'request'}: {codes or exc.status_code}{ref}"
