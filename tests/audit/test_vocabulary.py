"""Every action of the closed vocabulary is recorded somewhere real; key rotation and membership
changes are audited where they happen."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import select

import minthub_api
from minthub_api.audit.actions import AuditAction
from minthub_api.audit.models import AuditEvent
from minthub_api.core.settings import Settings
from minthub_api.crypto.envelope import LocalKeyProvider
from minthub_api.crypto.rotation import rotate
from tests.conftest import OwnerDb, connect_store, signed_in_client
from tests.invitations.test_endpoints import invite, last_link_token

SRC = Path(minthub_api.__file__).parent


def test_every_action_has_a_call_site() -> None:
    used: set[str] = set()
    for path in SRC.rglob("*.py"):
        if path.name == "actions.py" and path.parent.name == "audit":
            continue
        used |= set(re.findall(r"AuditAction\.(\w+)", path.read_text()))
    unused = {a.name for a in AuditAction} - used
    assert not unused, f"actions without a call site (record them or drop them): {unused}"
    assert used <= {a.name for a in AuditAction}


async def _events(
    owner_db: OwnerDb, action: AuditAction, store_id: uuid.UUID | None, since_id: int = 0
) -> list[AuditEvent]:
    async with owner_db() as session:
        same = (
            AuditEvent.store_id.is_(None) if store_id is None else AuditEvent.store_id == store_id
        )
        rows = await session.scalars(
            select(AuditEvent)
            .where(same, AuditEvent.action == action, AuditEvent.id > since_id)
            .order_by(AuditEvent.id)
        )
        return list(rows)


async def test_key_rotation_is_audited_per_store_and_per_run(
    app: FastAPI,
    owner_db: OwnerDb,
    settings: Settings,
    user_client: httpx.AsyncClient,
    sim_http: httpx.AsyncClient,
) -> None:
    store = await connect_store(user_client, sim_http)
    sid = uuid.UUID(str(store["id"]))
    old, new = settings.kek_bytes(), os.urandom(32)
    [*_, before] = await _events(owner_db, AuditAction.store_connected, sid)
    try:
        result = await rotate(
            app.state.sessionmaker, LocalKeyProvider({"local-1": old, "local-2": new}, "local-2")
        )
    finally:
        # Put the running app's key back in charge for the other tests.
        await rotate(
            app.state.sessionmaker, LocalKeyProvider({"local-1": old, "local-2": new}, "local-1")
        )
    [moved, back] = await _events(owner_db, AuditAction.key_rotated, sid, before.id)
    assert moved.details == {"old_key_id": "local-1", "new_key_id": "local-2"}
    assert back.details == {"old_key_id": "local-2", "new_key_id": "local-1"}
    assert moved.reason == "operator_action" and moved.actor_type == "system"
    runs = await _events(owner_db, AuditAction.key_rotated, None, before.id)
    assert [r.details["new_key_id"] for r in runs] == ["local-2", "local-1"]
    assert runs[0].details["rewrapped"] == result.rewrapped >= 1
    assert runs[0].details["key_ids_in_use"] == {"local-2": sum(result.key_ids_in_use.values())}
    text = repr([e.details for e in [moved, back, *runs]])
    assert old.hex() not in text and new.hex() not in text


async def test_joining_a_store_and_being_promoted_are_audited(
    app: FastAPI, owner_db: OwnerDb, user_client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> None:
    store = await connect_store(user_client, sim_http)
    sid = uuid.UUID(str(store["id"]))
    async with signed_in_client(app) as mate:
        email: str = mate.email  # type: ignore[attr-defined]
        await invite(user_client, sid, email, "viewer")
        r = await mate.post(
            "/api/v1/invitations/accept", json={"token": last_link_token(app, email)}
        )
        assert r.status_code == 200, r.text
        await invite(user_client, sid, email, "owner")
        r = await mate.post(
            "/api/v1/invitations/accept", json={"token": last_link_token(app, email)}
        )
        assert r.status_code == 200, r.text
        assert (await mate.get(f"/api/v1/stores/{sid}")).json()["role"] == "owner"
    added = await _events(owner_db, AuditAction.membership_added, sid)
    joined = [e for e in added if e.details.get("invitation_id")]
    assert len(joined) == 1 and joined[0].details["role"] == "viewer"
    mate_id = joined[0].details["user_id"]
    [promoted] = await _events(owner_db, AuditAction.membership_role_changed, sid)
    assert promoted.details["user_id"] == mate_id
    assert (promoted.details["old_role"], promoted.details["new_role"]) == ("viewer", "owner")
    assert promoted.actor_id == uuid.UUID(mate_id) and promoted.reason == "access_management"
