"""Invitations: a store owner invites a teammate to one store with a role; an approved beta
request invites its contact to create an account. The link is single-use and expires; only the
token's SHA-256 is stored. Accepting creates an account, or attaches the store (or the beta
access) to the signed-in account of the same email.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from minthub_api.audit import service as audit
from minthub_api.audit.actions import AuditAction, AuditReason
from minthub_api.auth import service as auth_service
from minthub_api.auth.models import User
from minthub_api.auth.repository import UserRepository
from minthub_api.auth.security import new_token, normalize_email, token_hash
from minthub_api.core.db import utcnow
from minthub_api.core.errors import Conflict, Forbidden, InvalidInvitation, NotFound
from minthub_api.core.rls import allow_store, system_context
from minthub_api.core.settings import Settings
from minthub_api.invitations.models import Invitation, InvitationKind
from minthub_api.invitations.repository import InvitationRepository
from minthub_api.invitations.schemas import InvitationAccepted, InvitationCreate
from minthub_api.mail.sender import Mail
from minthub_api.stores.dependencies import StoreContext
from minthub_api.stores.models import StoreMembership, StoreRole


class InvitationNotFound(NotFound):
    code = "invitation_not_found"
    title = "No such invitation"


class InvitationEmailMismatch(Forbidden):
    code = "invitation_email_mismatch"
    title = "This invitation was sent to another email address; sign in as that account"


class AccountExists(Conflict):
    code = "account_exists"
    title = "An account with this email exists: sign in, then accept the invitation"


def invitation_link(settings: Settings, token: str) -> str:
    # The token travels in the fragment: browsers never send it to a server or a Referer.
    return f"{settings.public_url}/invitations/accept#token={token}"


def _mail(settings: Settings, inv: Invitation, token: str, what: str) -> Mail:
    link = invitation_link(settings, token)
    body = (
        f"Hello,\n\n{what}\n\nAccept the invitation: {link}\n\n"
        "Through the API: POST /api/v1/invitations/accept with"
        ' {"token": "<the part after #token=>", "password": "<a new password>"}'
        " (or, when you already have an account, sign in first and send only the token).\n\n"
        f"The link works once and expires at {inv.expires_at:%Y-%m-%d %H:%M} UTC.\n"
    )
    return Mail(to=inv.email, subject="Your invitation to Mint Hub Operations", body=body)


async def invite_to_store(
    session: AsyncSession, store: StoreContext, body: InvitationCreate, settings: Settings
) -> tuple[Invitation, Mail]:
    """Create a store invitation (owners; the route enforces it) and the mail to send. Audited."""
    token = new_token()
    now = utcnow()
    inv = Invitation(
        kind=InvitationKind.store,
        store_id=store.store.id,
        email=normalize_email(str(body.email)),
        role=body.role,
        token_hash=token_hash(token),
        invited_by=store.user.id,
        created_at=now,
        expires_at=now + timedelta(hours=settings.invitation_ttl_hours),
    )
    session.add(inv)
    await session.flush()
    audit.record(
        session,
        store.actor,
        AuditAction.invitation_created,
        reason=AuditReason.access_management,
        store_id=store.store.id,
        details={"invitation_id": str(inv.id), "role": body.role},
    )
    what = f"You are invited to the store {store.store.name} as {body.role}."
    return inv, _mail(settings, inv, token, what)


async def invite_to_beta(
    session: AsyncSession, *, email: str, invited_by: uuid.UUID | None, settings: Settings
) -> tuple[Invitation, Mail]:
    """An invitation to create an account with beta access (an approved beta request)."""
    token = new_token()
    now = utcnow()
    inv = Invitation(
        kind=InvitationKind.beta,
        store_id=None,
        email=normalize_email(email),
        role=None,
        token_hash=token_hash(token),
        invited_by=invited_by,
        created_at=now,
        expires_at=now + timedelta(hours=settings.invitation_ttl_hours),
    )
    async with system_context(session, "beta.approve.invite"):
        session.add(inv)
    what = (
        "Your request for the Mint Hub Operations beta was approved: create your account and"
        " connect your Amazon stores."
    )
    return inv, _mail(settings, inv, token, what)


async def list_for_store(session: AsyncSession, store: StoreContext) -> Sequence[Invitation]:
    return await InvitationRepository(session).list_pending_for_store(store.store.id)


async def revoke(session: AsyncSession, store: StoreContext, invitation_id: uuid.UUID) -> None:
    inv = await InvitationRepository(session).get_for_store(store.store.id, invitation_id)
    if inv is None:
        raise InvitationNotFound()
    if inv.revoked_at is None and inv.accepted_at is None:
        inv.revoked_at = utcnow()
        audit.record(
            session,
            store.actor,
            AuditAction.invitation_revoked,
            reason=AuditReason.access_management,
            store_id=store.store.id,
            details={"invitation_id": str(inv.id)},
        )


@dataclass(frozen=True)
class Acceptor:
    """Who accepts: the signed-in user, or (None) someone creating an account."""

    user: User | None
    actor: audit.Actor


async def accept(
    session: AsyncSession, *, token: str, password: str | None, by: Acceptor
) -> InvitationAccepted:
    """Use an invitation once. Raises `InvalidInvitation` (unknown, used, revoked, expired),
    `InvitationEmailMismatch` (signed in as someone else), `AccountExists` (not signed in but
    the email has an account), `WeakPassword`. Audits `invitation_accepted`."""
    # The invitee is not a member of the store yet: reading the invitation and attaching the
    # store happen outside store isolation, inside this block only.
    async with system_context(session, "invitation.accept"):
        inv = await InvitationRepository(session).get_by_hash_for_update(token_hash(token))
        now = utcnow()
        if (
            inv is None
            or inv.accepted_at is not None
            or inv.revoked_at is not None
            or inv.expires_at <= now
        ):
            raise InvalidInvitation()
        created = False
        if by.user is not None:
            if by.user.email != inv.email:
                raise InvitationEmailMismatch()
            user = by.user
        else:
            if await UserRepository(session).get_by_email(inv.email) is not None:
                raise AccountExists()
            if not password:
                raise InvalidInvitation("Choose a password to create your account")
            user = await auth_service.create_user(
                session,
                email=inv.email,
                password=password,
                beta_access=inv.kind == InvitationKind.beta,
                actor=by.actor,
            )
            created = True
        if inv.kind == InvitationKind.beta and user.beta_access_at is None:
            user.beta_access_at = now
        inv.accepted_at = now
        inv.accepted_user_id = user.id
        actor = audit.Actor.user(user.id, by.actor.request_id)
        audit.record(
            session,
            actor,
            AuditAction.invitation_accepted,
            reason=AuditReason.access_management,
            store_id=inv.store_id,
            details={"invitation_id": str(inv.id), "account_created": created},
        )
        if inv.store_id is not None:
            existing = await session.get(StoreMembership, (inv.store_id, user.id))
            membership = {"user_id": str(user.id), "invitation_id": str(inv.id)}
            if existing is None:
                role = inv.role or StoreRole.viewer
                session.add(StoreMembership(store_id=inv.store_id, user_id=user.id, role=role))
                audit.record(
                    session,
                    actor,
                    AuditAction.membership_added,
                    reason=AuditReason.access_management,
                    store_id=inv.store_id,
                    details=membership | {"role": role},
                )
            elif inv.role == StoreRole.owner and existing.role != StoreRole.owner:
                audit.record(
                    session,
                    actor,
                    AuditAction.membership_role_changed,
                    reason=AuditReason.access_management,
                    store_id=inv.store_id,
                    details=membership | {"old_role": existing.role, "new_role": StoreRole.owner},
                )
                existing.role = StoreRole.owner
    if inv.store_id is not None:
        await allow_store(session, inv.store_id)
    return InvitationAccepted(
        kind=inv.kind,
        user_id=user.id,
        email=user.email,
        store_id=inv.store_id,
        role=inv.role,
        account_created=created,
    )
