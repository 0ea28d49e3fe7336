"""The beta access gate: public requests, admin decisions, approval as an invitation.

The public form never says whether an email already applied: a repeated request from the same
email while one is pending is acknowledged the same way and not stored twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.auth import throttle
from minthub_api.auth.security import normalize_email
from minthub_api.beta.models import BetaRequest, BetaStatus
from minthub_api.beta.repository import BetaRepository
from minthub_api.beta.schemas import BetaRequestCreate
from minthub_api.core.db import utcnow
from minthub_api.core.errors import Conflict, NotFound
from minthub_api.core.settings import Settings
from minthub_api.invitations import service as invitation_service
from minthub_api.mail.sender import Mail


class BetaRequestNotFound(NotFound):
    code = "beta_request_not_found"
    title = "No such beta request"


class BetaRequestDecided(Conflict):
    code = "beta_request_decided"
    title = "This beta request was already decided"


async def submit(
    session: AsyncSession,
    body: BetaRequestCreate,
    *,
    client_address: str,
    settings: Settings,
    actor: audit.Actor,
) -> None:
    """Store a request (once per pending email) and audit it. Raises `TooManyRequests` past
    MINTHUB_BETA_REQUESTS_PER_ADDRESS_PER_HOUR from one address."""
    key = f"address:{client_address}"
    await throttle.check(
        session,
        throttle.BETA_ADDRESS,
        key,
        limit=settings.beta_requests_per_address_per_hour,
        window=timedelta(hours=1),
        what="requests from this address",
    )
    await throttle.hit(session, throttle.BETA_ADDRESS, key)
    email = normalize_email(str(body.contact_email))
    repo = BetaRepository(session)
    duplicate = await repo.pending_for_email(email) is not None
    request = None
    if not duplicate:
        request = BetaRequest(
            company_name=body.company_name,
            contact_email=email,
            marketplaces=body.marketplaces,
            monthly_order_volume=body.monthly_order_volume.value,
            message=body.message,
        )
        session.add(request)
        await session.flush()
    audit.record(
        session,
        actor,
        AuditAction.beta_request_received,
        reason=AuditReason.access_management,
        details={"beta_request_id": str(request.id) if request else None, "duplicate": duplicate},
    )


async def list_requests(session: AsyncSession, status: BetaStatus | None) -> Sequence[BetaRequest]:
    return await BetaRepository(session).list(status)


async def _pending(session: AsyncSession, request_id: uuid.UUID) -> BetaRequest:
    request = await BetaRepository(session).get_for_update(request_id)
    if request is None:
        raise BetaRequestNotFound()
    if request.status != BetaStatus.pending:
        raise BetaRequestDecided()
    return request


async def approve(
    session: AsyncSession,
    request_id: uuid.UUID,
    *,
    decided_by: uuid.UUID | None,
    settings: Settings,
    actor: audit.Actor,
) -> tuple[BetaRequest, Mail]:
    """Approve: an invitation to create an account with beta access, and its mail. Audited."""
    request = await _pending(session, request_id)
    inv, mail = await invitation_service.invite_to_beta(
        session, email=request.contact_email, invited_by=decided_by, settings=settings
    )
    request.status = BetaStatus.approved
    request.decided_at = utcnow()
    request.decided_by = decided_by
    request.invitation_id = inv.id
    audit.record(
        session,
        actor,
        AuditAction.beta_request_approved,
        reason=AuditReason.operator_action,
        details={"beta_request_id": str(request.id), "invitation_id": str(inv.id)},
    )
    return request, mail


async def reject(
    session: AsyncSession,
    request_id: uuid.UUID,
    *,
    decided_by: uuid.UUID | None,
    actor: audit.Actor,
) -> BetaRequest:
    """Reject a pending request (no mail is sent). Audited."""
    request = await _pending(session, request_id)
    request.status = BetaStatus.rejected
    request.decided_at = utcnow()
    request.decided_by = decided_by
    audit.record(
        session,
        actor,
        AuditAction.beta_request_rejected,
        reason=AuditReason.operator_action,
        details={"beta_request_id": str(request.id)},
    )
    return request
