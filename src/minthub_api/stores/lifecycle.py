"""The authorization's life after connecting: renewal warnings, health checks, retention.

- **Renewal warnings**: Amazon's authorization lasts 365 days (SPAPI-NOTES §3.2). Owners are
  mailed 30, 7 and 1 days before it ends; each warning once per grant (`store_renewal_warnings`,
  keyed by `authorized_at`, so a renewal starts afresh); audited `store_renewal_warned`.
- **Health check**: one LWA refresh per connected store every MINTHUB_AUTH_HEALTH_CHECK_HOURS,
  spread over the interval. `invalid_grant` revokes the store (as every other trigger does);
  `invalid_client` never does: it is our app's problem (log, metric, /ready), and the run stops.
- **Stopping work**: a revocation cancels the store's waiting jobs and marks its datasets
  `stopped` in the revoking transaction; a running sync re-reads the status between pages.
- **Retention**: a revoked store's synced data (snapshots, report ledger with its documents and
  parsed rows, replenishment, sync state) is
  deleted MINTHUB_REVOKED_DATA_RETENTION_DAYS after the revocation, or at once by an owner.
  Audit events stay: they have their own retention.

The periodic tasks that run these are registered in `sync/jobs.py`.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import structlog
from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.amazon import errors as amazon_errors
from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.auth.models import User
from minthub_api.core.errors import StoreRevoked
from minthub_api.core.rls import store_work_session, system_context
from minthub_api.listings.models import ListingSnapshot
from minthub_api.mail.sender import Mail, build_mail_sender
from minthub_api.replenishment.models import (
    AmazonRestockRecommendation,
    ReplenishmentDecision,
    ReplenishmentSettings,
    ReplenishmentSkuOverride,
)
from minthub_api.reports.models import ReportRequest, ReportRow
from minthub_api.stores.models import (
    Store,
    StoreMembership,
    StoreRenewalWarning,
    StoreRole,
    StoreStatus,
)
from minthub_api.sync.models import (
    InventorySnapshot,
    OrderItemSnapshot,
    OrderSnapshot,
    SyncDataset,
    SyncState,
)

if TYPE_CHECKING:
    from minthub_api.sync.service import SyncRuntime

log = structlog.get_logger("minthub.stores.lifecycle")

AUTHORIZATION_LIFETIME = timedelta(days=365)
WARNING_DAYS = (30, 7, 1)  # days before the authorization ends
HEALTH_CHECK_TICK = timedelta(minutes=15)  # how often the scheduler looks for due checks
HEALTH_PURPOSE = "auth_health_check"
RETENTION_PURPOSE = "revoked_data_retention"
STOPPED_DETAIL = "The store's authorization was revoked; nothing more is fetched."

# Synced data of a store, deleted by retention: children before parents.
STORE_DATA = (
    OrderItemSnapshot,
    OrderSnapshot,
    InventorySnapshot,
    ListingSnapshot,
    AmazonRestockRecommendation,
    ReplenishmentDecision,
    ReplenishmentSkuOverride,
    ReplenishmentSettings,
    SyncDataset,
    ReportRow,
    ReportRequest,
)


# --- Renewal -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Renewal:
    expires_at: datetime
    days_left: int  # whole days left (floor), 0 once expired
    due_at: datetime  # when warnings start (30 days before the end)
    warning: int | None  # the warning level in force: 30, 7 or 1 (days), None before


def renewal(authorized_at: datetime, now: datetime) -> Renewal:
    expires = authorized_at + AUTHORIZATION_LIFETIME
    left = expires - now
    levels = [d for d in WARNING_DAYS if left <= timedelta(days=d)]
    return Renewal(
        expires_at=expires,
        days_left=max(0, left.days),
        due_at=expires - timedelta(days=max(WARNING_DAYS)),
        warning=min(levels) if levels else None,
    )


def warning_mail(store: Store, to: str, info: Renewal, public_url: str) -> Mail:
    when = info.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    days = "1 day" if info.warning == 1 else f"{info.warning} days"
    return Mail(
        to=to,
        subject=f"Renew Amazon access for {store.name} within {days}",
        body=(
            f"Amazon's authorization for your store {store.name} (selling partner"
            f" {store.selling_partner_id}, region {store.region.upper()}) ends on {when}.\n\n"
            "Amazon requires sellers to renew an app's authorization every 365 days. After that"
            " date Mint Hub Operations can no longer fetch this store's data.\n\n"
            f"Renew it now: {public_url}/stores/{store.id} (Reconnect), or from the Selling"
            " Partner Appstore. Renewing keeps the store's data, members and history.\n"
        ),
    )


async def send_renewal_warnings(rt: SyncRuntime) -> int:
    """Mail the owners of every connected store whose next warning is due. Returns how many
    warnings were sent. Each (store, grant, level) is claimed in the database before mailing,
    so a warning goes out once even with several workers; a failed mail is retried next run
    and does not stop the other stores' warnings."""
    now = rt.clock()
    first = timedelta(days=max(WARNING_DAYS))
    async with rt.sessionmaker() as session, system_context(session, "renewal.scan"):
        stores = (
            await session.scalars(
                select(Store).where(
                    Store.status == StoreStatus.connected,
                    Store.authorized_at <= now - AUTHORIZATION_LIFETIME + first,
                )
            )
        ).all()
        due = [(s.id, s.authorized_at) for s in stores]
    sent = failed = 0
    for store_id, granted in due:
        info = renewal(granted, now)
        if info.warning is None:
            continue
        try:
            warned = await _warn(rt, store_id, granted, info)
        except Exception as exc:
            # This store's claim rolled back (tried again next run); one refused address must
            # not hold up the warnings of every store after it.
            log.error("renewal.warning_failed", store_id=str(store_id), error=type(exc).__name__)
            failed += 1
            continue
        sent += warned
    log.info("renewal.warnings", checked=len(due), sent=sent, failed=failed)
    return sent


async def _warn(rt: SyncRuntime, store_id: uuid.UUID, granted: datetime, info: Renewal) -> bool:
    async with (
        store_work_session(rt.sessionmaker, store_id, "renewal_warning") as session,
        session.begin(),
    ):
        store = await session.get(Store, store_id)
        if store is None or store.status != StoreStatus.connected or store.authorized_at != granted:
            return False  # revoked or renewed since the scan
        claimed = await session.execute(
            insert(StoreRenewalWarning)
            .values(
                store_id=store_id, grant_at=granted, days_before=info.warning, sent_at=rt.clock()
            )
            .on_conflict_do_nothing()
            .returning(StoreRenewalWarning.days_before)
        )
        if claimed.first() is None:
            return False
        async with system_context(session, "renewal.owners"):
            owners = (
                await session.scalars(
                    select(User.email)
                    .join(StoreMembership, StoreMembership.user_id == User.id)
                    .where(
                        StoreMembership.store_id == store_id,
                        StoreMembership.role == StoreRole.owner,
                        User.is_active.is_(True),
                    )
                    .order_by(User.email)
                )
            ).all()
        await session.execute(
            update(StoreRenewalWarning)
            .where(
                StoreRenewalWarning.store_id == store_id,
                StoreRenewalWarning.grant_at == granted,
                StoreRenewalWarning.days_before == info.warning,
            )
            .values(recipients=len(owners))
        )
        audit.record(
            session,
            audit.SYSTEM,
            AuditAction.store_renewal_warned,
            reason=AuditReason.authorization,
            store_id=store_id,
            details={
                "days_before": info.warning,
                "days_left": info.days_left,
                "expires_at": info.expires_at.isoformat(),
                "recipients": len(owners),
            },
        )
        # Mail inside the transaction: if sending fails, the claim rolls back and the next run
        # tries again; the mail only goes out once the claim is ours.
        sender = rt.mail or build_mail_sender(rt.settings)
        for email in owners:
            await sender.send(warning_mail(store, email, info, rt.settings.public_url))
    return True


# --- Stopping work on revocation ------------------------------------------------------------


async def stop_store_work(session: AsyncSession, store_id: uuid.UUID, now: datetime) -> int:
    """In the revoking transaction: cancel the store's waiting jobs (procrastinate, lock
    `store:<id>`) and mark its datasets `stopped`. Returns how many jobs were cancelled.

    A job already running finds out through the store's status, which the sync reads again
    between pages (`sync/service.py`), so it makes no further request."""
    # The queue's triggers name its types without a schema: put it on the path meanwhile.
    previous = await session.scalar(text("SELECT current_setting('search_path')"))
    await session.execute(
        text("SELECT set_config('search_path', :p, true)"),
        {"p": f"procrastinate, {previous}"},
    )
    cancelled = await session.execute(
        text(
            "UPDATE procrastinate.procrastinate_jobs SET status = 'cancelled'"
            " WHERE lock = :lock AND status = 'todo' RETURNING id"
        ),
        {"lock": f"store:{store_id}"},
    )
    jobs = len(cancelled.all())
    await session.execute(text("SELECT set_config('search_path', :p, true)"), {"p": previous})
    await session.execute(
        update(SyncDataset)
        .where(SyncDataset.store_id == store_id)
        .values(state=SyncState.stopped, last_error=STOPPED_DETAIL, finished_at=now)
    )
    return jobs


async def ensure_still_connected(session: AsyncSession, store_id: uuid.UUID) -> None:
    """Raise `StoreRevoked` if the store is no longer connected, as the database says now
    (another process may have revoked it). Cheap: one indexed read."""
    status = await session.scalar(select(Store.status).where(Store.id == store_id))
    if status != StoreStatus.connected:
        raise StoreRevoked()


# --- Authorization health check ------------------------------------------------------------


@dataclass
class HealthCheckRun:
    checked: int = 0
    revoked: int = 0
    invalid_client: bool = False


async def due_health_checks(rt: SyncRuntime, *, now: datetime | None = None) -> list[uuid.UUID]:
    """Connected stores whose last check (or grant) is older than the interval, oldest first,
    at most a fair share per scheduler tick so the checks spread over the interval."""
    now = now or rt.clock()
    interval = timedelta(hours=rt.settings.auth_health_check_hours)
    last = func.coalesce(Store.auth_checked_at, Store.authorized_at)
    async with rt.sessionmaker() as session, system_context(session, "auth_health.scan"):
        connected = await session.scalar(
            select(func.count()).select_from(Store).where(Store.status == StoreStatus.connected)
        )
        # Per tick: the share of all stores one tick covers, doubled to catch up after a pause.
        share = max(1, 2 * math.ceil((connected or 0) * (HEALTH_CHECK_TICK / interval)))
        rows = await session.scalars(
            select(Store.id)
            .where(Store.status == StoreStatus.connected, last <= now - interval)
            .order_by(last)
            .limit(share)
        )
        return list(rows.all())


async def check_store_authorization(rt: SyncRuntime, store_id: uuid.UUID) -> str:
    """One cheap LWA refresh for one store. Returns the outcome: `ok`, `revoked`,
    `invalid_client`, `unavailable` or `skipped` (not connected). Audited
    `store_authorization_checked` (reason `health_check`); `invalid_grant` revokes."""
    from minthub_api.stores.spapi import mark_revoked, read_refresh_token

    amazon = rt.amazon
    async with (
        store_work_session(rt.sessionmaker, store_id, HEALTH_PURPOSE) as session,
        session.begin(),
    ):
        store = await session.get(Store, store_id)
        if store is None or store.status != StoreStatus.connected:
            return "skipped"
        store.auth_checked_at = rt.clock()
        refresh_token = await read_refresh_token(session, amazon.key_provider, store)
        error: Exception | None = None
        if refresh_token is None:
            outcome = "skipped"
        else:
            try:
                await amazon.lwa.refresh(refresh_token)
                outcome = "ok"
            except amazon_errors.LwaInvalidGrant as exc:
                outcome, error = "revoked", exc
            except amazon_errors.LwaInvalidClient as exc:
                # Our app's credentials: never the store's fault (AppLwaClient already logged it
                # and set minthub_lwa_credentials_valid; /ready reports it).
                outcome, error = "invalid_client", exc
                log.error("amazon.lwa.invalid_client", store_id=str(store_id), during="health")
            except amazon_errors.AmazonError as exc:
                outcome, error = "unavailable", exc
        if error is not None:
            audit.record(
                session,
                audit.SYSTEM,
                AuditAction.token_refresh_failed,
                reason=AuditReason.health_check,
                store_id=store_id,
                details={
                    "region": store.region,
                    "error": type(error).__name__,
                    "lwa_error": getattr(error, "error", None),
                },
            )
        audit.record(
            session,
            audit.SYSTEM,
            AuditAction.store_authorization_checked,
            reason=AuditReason.health_check,
            store_id=store_id,
            details={"outcome": outcome},
        )
        if outcome == "revoked":
            # Re-read under a row lock: an owner may have disconnected meanwhile.
            await session.refresh(store, with_for_update=True)
            if store.status == StoreStatus.connected:
                await mark_revoked(
                    session,
                    amazon,
                    store,
                    cause="lwa_invalid_grant",
                    actor=audit.SYSTEM,
                    reason=AuditReason.health_check,
                )
    log.info("auth_health.checked", store_id=str(store_id), outcome=outcome)
    return outcome


async def run_health_checks(rt: SyncRuntime, store_ids: list[uuid.UUID]) -> HealthCheckRun:
    """Check the given stores one after another; stop at the first `invalid_client` (every
    further refresh would fail the same way and prove nothing about the stores)."""
    run = HealthCheckRun()
    for store_id in store_ids:
        outcome = await check_store_authorization(rt, store_id)
        run.checked += outcome != "skipped"
        run.revoked += outcome == "revoked"
        if outcome == "invalid_client":
            run.invalid_client = True
            break
    return run


# --- Retention of synced data ----------------------------------------------------------------


class StoreStillConnected(Exception):
    """Only a revoked store's data can be deleted (see `delete_store_data`)."""


async def delete_store_data(
    session: AsyncSession,
    store: Store,
    *,
    actor: audit.Actor,
    cause: str,
    now: datetime,
) -> dict[str, int]:
    """Delete a revoked store's synced data in `session`'s transaction (which must see the
    store: RLS). Raises `StoreStillConnected` for a connected store. Returns rows per table;
    audits `store_data_deleted` (reason `retention`). Idempotent."""
    if store.status == StoreStatus.connected:
        raise StoreStillConnected()
    removed: dict[str, int] = {}
    for model in STORE_DATA:
        result = await session.execute(delete(model).where(model.store_id == store.id))
        removed[model.__tablename__] = int(result.rowcount or 0)  # type: ignore[attr-defined]
    store.data_deleted_at = now
    audit.record(
        session,
        actor,
        AuditAction.store_data_deleted,
        reason=AuditReason.retention,
        store_id=store.id,
        details={"cause": cause, "rows": removed, "revoked_at": _iso(store.revoked_at)},
    )
    log.info("store.data_deleted", store_id=str(store.id), cause=cause, rows=sum(removed.values()))
    return removed


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def purge_revoked_data(rt: SyncRuntime) -> int:
    """Delete the synced data of stores revoked longer ago than the retention window.
    Returns how many stores were purged."""
    now = rt.clock()
    cutoff = now - timedelta(days=rt.settings.revoked_data_retention_days)
    async with rt.sessionmaker() as session, system_context(session, "retention.scan"):
        ids = (
            await session.scalars(
                select(Store.id).where(
                    Store.status == StoreStatus.revoked,
                    Store.revoked_at <= cutoff,
                    or_(Store.data_deleted_at.is_(None), Store.data_deleted_at < Store.revoked_at),
                )
            )
        ).all()
    purged = 0
    for store_id in ids:
        async with (
            store_work_session(rt.sessionmaker, store_id, RETENTION_PURPOSE) as session,
            session.begin(),
        ):
            store = await session.get(Store, store_id, with_for_update=True)
            if store is None or store.status != StoreStatus.revoked:
                continue  # reconnected meanwhile
            await delete_store_data(
                session, store, actor=audit.SYSTEM, cause="retention_window", now=now
            )
            purged += 1
    log.info("retention.revoked_data", stores=purged, cutoff=cutoff.isoformat())
    return purged
