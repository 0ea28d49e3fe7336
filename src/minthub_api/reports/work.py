"""Background steps of a report: one poll of one ledger row, and finding orphans.

The `minthub:poll_report` job (sync/jobs.py) calls `poll_once` and re-defers itself with
`schedule_in` while the report is pending; `overdue_reports` lets the periodic scheduler re-queue
reports whose job was lost (a worker killed, a restart): the ledger, not the process, remembers
Amazon's reportId.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import structlog
from sqlalchemy import select

from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditReason
from minthub_api.core.errors import AppError
from minthub_api.core.rls import store_work_session, system_context
from minthub_api.reports.ledger import ReportLedger, advance
from minthub_api.reports.models import PENDING, LedgerStatus, ReportRequest
from minthub_api.stores.models import Store, StoreStatus
from minthub_api.stores.spapi import store_api, translate_amazon_errors
from minthub_api.sync.service import SyncRuntime

log = structlog.get_logger("minthub.reports")

PURPOSE = "report_poll"
ORPHAN_GRACE = timedelta(minutes=2)  # a poll this late has lost its job


async def poll_once(
    rt: SyncRuntime,
    store_id: uuid.UUID,
    report_id: uuid.UUID,
    *,
    reason: AuditReason = AuditReason.scheduled_sync,
) -> LedgerStatus | None:
    """Advance one report one step. None when the report or its store is gone (or revoked):
    nothing more to do. Amazon errors are kept on the row; the report stays pending."""
    async with store_work_session(rt.sessionmaker, store_id, PURPOSE) as session:
        store = await session.get(Store, store_id)
        row = await ReportLedger(session, store_id).get(report_id, for_update=True)
        if row is None or store is None:
            return None
        status = LedgerStatus(row.processing_status)
        if not status.pending:
            await session.commit()
            return status
        if store.status != StoreStatus.connected:
            row.error = "The store is not connected (revoked); polling stopped."
            row.next_poll_at = None
            await session.commit()
            return None
        try:
            api = store_api(rt.amazon, session, store, audit.SYSTEM, reason)
            async with translate_amazon_errors(session, rt.amazon, store, audit.SYSTEM, reason):
                row = await advance(session, api, row, settings=rt.settings, now=rt.clock())
        except AppError as exc:
            try:  # keep what the attempt legitimately did (audit events, a revocation)
                await session.commit()
            except Exception:
                await session.rollback()
            async with session.begin():
                again = await ReportLedger(session, store_id).get(report_id, for_update=True)
                if again is not None:
                    again.error = f"{exc.code}: {exc.detail or exc.title}"
                    again.next_poll_at = rt.clock() + timedelta(
                        seconds=rt.settings.report_poll_seconds
                    )
            log.warning("report.poll_failed", store_id=str(store_id), error=exc.code)
            return status
        return LedgerStatus(row.processing_status)


async def overdue_reports(rt: SyncRuntime, now: datetime) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(store id, report id) of pending reports of connected stores whose poll is overdue."""
    async with rt.sessionmaker() as session, system_context(session, "reports.resume"):
        rows = (
            await session.execute(
                select(ReportRequest.store_id, ReportRequest.id)
                .join(Store, Store.id == ReportRequest.store_id)
                .where(
                    Store.status == StoreStatus.connected,
                    ReportRequest.processing_status.in_([str(s) for s in PENDING]),
                    ReportRequest.next_poll_at < now - ORPHAN_GRACE,
                )
            )
        ).all()
    return [(r[0], r[1]) for r in rows]
