"""The authorization lifecycle's periodic work (stores/lifecycle.py, registered in sync/jobs.py):
renewal warnings, the authorization health check, stopping a revoked store's work, and the
retention of a revoked store's synced data; against the real database and the simulator."""

from __future__ import annotations

import dataclasses
import math
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select, text, update

from minthub_api.audit.models import AuditEvent
from minthub_api.auth.models import User
from minthub_api.core.db import utcnow
from minthub_api.mail.sender import Mail, OutboxMailSender
from minthub_api.stores import lifecycle
from minthub_api.stores.lwa import AppLwaClient
from minthub_api.stores.models import (
    Store,
    StoreCredential,
    StoreMembership,
    StoreRenewalWarning,
    StoreStatus,
)
from minthub_api.sync import jobs
from minthub_api.sync.models import SyncDataset
from minthub_api.sync.service import SyncRuntime
from tests.conftest import (
    OwnerDb,
    RunningSimulator,
    connect_store,
    create_user,
    signed_in_client,
)
from tests.support.sync import runtime, sync

DAY = timedelta(days=1)


# --- helpers --------------------------------------------------------------------------------


def job_runtime(
    app: FastAPI, *, clock: Callable[[], datetime] | None = None, **settings: Any
) -> tuple[SyncRuntime, OutboxMailSender]:
    """A runtime as a worker builds it, with its own outbox (so mails of other tests never mix
    in) and, optionally, a fixed clock."""
    outbox = OutboxMailSender(sender="test@minthub.invalid")
    rt = dataclasses.replace(runtime(app, **settings), mail=outbox)
    if clock is not None:
        rt.clock = clock
    return rt, outbox


async def add_member(owner_db: OwnerDb, store_id: object, email: str, role: str) -> None:
    async with owner_db() as session, session.begin():
        user = (await session.scalars(select(User).where(User.email == email))).one()
        session.add(StoreMembership(store_id=uuid.UUID(str(store_id)), user_id=user.id, role=role))


async def set_store(owner_db: OwnerDb, store_id: object, **values: Any) -> None:
    async with owner_db() as session, session.begin():
        await session.execute(
            update(Store).where(Store.id == uuid.UUID(str(store_id))).values(**values)
        )


async def get_store(owner_db: OwnerDb, store_id: object) -> Store:
    async with owner_db() as session:
        row = await session.get(Store, uuid.UUID(str(store_id)))
        assert row is not None
        return row


async def audit_events(owner_db: OwnerDb, store_id: object, action: str) -> list[AuditEvent]:
    async with owner_db() as session:
        return list(
            (
                await session.scalars(
                    select(AuditEvent)
                    .where(
                        AuditEvent.store_id == uuid.UUID(str(store_id)),
                        AuditEvent.action == action,
                    )
                    .order_by(AuditEvent.seq)
                )
            ).all()
        )


async def count_audit(owner_db: OwnerDb, store_id: object) -> int:
    async with owner_db() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.store_id == uuid.UUID(str(store_id)))
            )
            or 0
        )


async def data_rows(owner_db: OwnerDb, store_id: object) -> dict[str, int]:
    """Rows per table of the store's synced data (every table retention deletes)."""
    sid = uuid.UUID(str(store_id))
    out = {}
    async with owner_db() as session:
        for model in lifecycle.STORE_DATA:
            n = await session.scalar(
                select(func.count()).select_from(model).where(model.store_id == sid)
            )
            out[model.__tablename__] = int(n or 0)
    return out


async def store_jobs(owner_db: OwnerDb, store_id: object) -> list[tuple[str, str]]:
    """(task name, status) of the procrastinate jobs carrying the store's lock."""
    async with owner_db() as session:
        rows = await session.execute(
            text(
                "SELECT task_name, status::text FROM procrastinate.procrastinate_jobs"
                " WHERE lock = :lock ORDER BY id"
            ),
            {"lock": f"store:{store_id}"},
        )
        return [(r[0], r[1]) for r in rows.all()]


def mails_to(outbox: OutboxMailSender, emails: set[str]) -> list[Mail]:
    return [m for m in outbox.messages if m.to in emails]


# --- 1. Renewal -----------------------------------------------------------------------------


class TestRenewalArithmetic:
    T = datetime(2026, 1, 1, tzinfo=UTC)

    def at(self, left: timedelta) -> lifecycle.Renewal:
        """The renewal as seen when `left` of the 365 days is left."""
        return lifecycle.renewal(self.T, self.T + timedelta(days=365) - left)

    def test_expiry_and_warning_start(self) -> None:
        info = lifecycle.renewal(self.T, self.T)
        assert info.expires_at == self.T + timedelta(days=365)
        assert info.due_at == self.T + timedelta(days=335)
        assert info.days_left == 365 and info.warning is None

    def test_days_left_is_the_floor(self) -> None:
        assert self.at(timedelta(days=29, hours=23, minutes=59)).days_left == 29
        assert self.at(timedelta(days=7, seconds=1)).days_left == 7
        assert self.at(timedelta(hours=23)).days_left == 0
        assert self.at(-timedelta(days=3)).days_left == 0  # expired: never negative

    def test_warning_levels(self) -> None:
        assert self.at(timedelta(days=30, seconds=1)).warning is None  # not yet
        assert self.at(timedelta(days=60)).warning is None
        assert self.at(timedelta(days=30)).warning == 30
        assert self.at(timedelta(days=8)).warning == 30
        assert self.at(timedelta(days=7, seconds=1)).warning == 30
        assert self.at(timedelta(days=7)).warning == 7
        assert self.at(timedelta(days=1, seconds=1)).warning == 7
        assert self.at(timedelta(days=1)).warning == 1
        assert self.at(timedelta(0)).warning == 1
        assert self.at(-DAY).warning == 1  # expired: the last warning stays in force


class TestRenewalWarnings:
    async def test_owners_are_warned_once_per_level_and_grant(
        self,
        app: FastAPI,
        owner_db: OwnerDb,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        store = await connect_store(user_client, sim_http)
        sid, spid = store["id"], str(store["selling_partner_id"])
        owner = user_client.email  # type: ignore[attr-defined]
        co_owner = await create_user(app)
        viewer = await create_user(app)
        gone = await create_user(app)  # an owner whose account was deactivated
        await add_member(owner_db, sid, co_owner, "owner")
        await add_member(owner_db, sid, viewer, "viewer")
        await add_member(owner_db, sid, gone, "owner")
        async with owner_db() as session, session.begin():
            await session.execute(update(User).where(User.email == gone).values(is_active=False))
        everyone = {owner, co_owner, viewer, gone}

        # Not due yet: nothing for this store.
        rt, outbox = job_runtime(app)
        await lifecycle.send_renewal_warnings(rt)
        assert mails_to(outbox, everyone) == []

        # 336 days after the grant: 29 days left, the 30-day warning.
        t0 = utcnow().replace(microsecond=0)
        granted = t0 - timedelta(days=336)
        await set_store(owner_db, sid, authorized_at=granted)
        rt, outbox = job_runtime(app, clock=lambda: t0)
        assert await lifecycle.send_renewal_warnings(rt) >= 1
        mails = mails_to(outbox, everyone)
        assert sorted(m.to for m in mails) == sorted([owner, co_owner])
        expires = (granted + timedelta(days=365)).strftime("%Y-%m-%d")
        for mail in mails:
            assert str(store["name"]) in mail.subject and "30 days" in mail.subject
            assert str(store["name"]) in mail.body and spid in mail.body
            assert expires in mail.body
            assert f"/stores/{sid}" in mail.body
        warned = await audit_events(owner_db, sid, "store_renewal_warned")
        assert len(warned) == 1
        assert warned[0].actor_type == "system" and warned[0].reason == "authorization"
        assert warned[0].details["days_before"] == 30
        assert warned[0].details["days_left"] == 29
        assert warned[0].details["recipients"] == 2
        async with owner_db() as session:
            claims = (
                await session.scalars(
                    select(StoreRenewalWarning).where(StoreRenewalWarning.store_id == sid)
                )
            ).all()
        assert [(c.days_before, c.recipients, c.grant_at) for c in claims] == [(30, 2, granted)]

        # The API shows it.
        shown = (await user_client.get(f"/api/v1/stores/{sid}")).json()
        assert shown["renewal_due"] is True and shown["renewal_warning"] == 30
        assert shown["days_until_renewal"] in (28, 29)

        # Claimed once: the next run (an hour later) sends nothing for this store.
        rt, outbox = job_runtime(app, clock=lambda: t0 + timedelta(hours=1))
        await lifecycle.send_renewal_warnings(rt)
        assert mails_to(outbox, everyone) == []
        assert len(await audit_events(owner_db, sid, "store_renewal_warned")) == 1

        # 359 days after the same grant: the 7-day warning, and only that one.
        rt, outbox = job_runtime(app, clock=lambda: t0 + timedelta(days=23))
        await lifecycle.send_renewal_warnings(rt)
        mails = mails_to(outbox, everyone)
        assert sorted(m.to for m in mails) == sorted([owner, co_owner])
        assert all("7 days" in m.subject for m in mails)
        warned = await audit_events(owner_db, sid, "store_renewal_warned")
        assert [e.details["days_before"] for e in warned] == [30, 7]
        assert warned[-1].details["days_left"] == 6

        # 364 days: the last, 1-day warning.
        rt, outbox = job_runtime(app, clock=lambda: t0 + timedelta(days=28, hours=1))
        await lifecycle.send_renewal_warnings(rt)
        mails = mails_to(outbox, everyone)
        assert len(mails) == 2 and all("within 1 day" in m.subject for m in mails)

        # Renewal (the seller re-authorizes: authorized_at is reset): nothing is due.
        renewed = await connect_store(user_client, sim_http, spid, region=str(store["region"]))
        assert renewed["id"] == sid
        assert renewed["renewal_due"] is False and renewed["renewal_warning"] is None
        assert renewed["days_until_renewal"] in (364, 365)
        rt, outbox = job_runtime(app)
        await lifecycle.send_renewal_warnings(rt)
        assert mails_to(outbox, everyone) == []
        assert len(await audit_events(owner_db, sid, "store_renewal_warned")) == 3

    async def test_a_renewed_grant_is_warned_afresh(
        self,
        app: FastAPI,
        owner_db: OwnerDb,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        """Warnings are keyed by the grant: the 30-day warning of the next year goes out too."""
        store = await connect_store(user_client, sim_http)
        sid = store["id"]
        owner = {user_client.email}  # type: ignore[attr-defined]
        t0 = utcnow().replace(microsecond=0)
        await set_store(owner_db, sid, authorized_at=t0 - timedelta(days=340))
        rt, outbox = job_runtime(app, clock=lambda: t0)
        await lifecycle.send_renewal_warnings(rt)
        assert len(mails_to(outbox, owner)) == 1
        # A year later, as if renewed then (a new grant): warned again.
        await set_store(owner_db, sid, authorized_at=t0 + timedelta(days=20))
        rt, outbox = job_runtime(app, clock=lambda: t0 + timedelta(days=360))
        await lifecycle.send_renewal_warnings(rt)
        assert len(mails_to(outbox, owner)) == 1
        assert len(await audit_events(owner_db, sid, "store_renewal_warned")) == 2

    async def test_revoked_store_is_not_warned(
        self,
        app: FastAPI,
        owner_db: OwnerDb,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        store = await connect_store(user_client, sim_http)
        sid = store["id"]
        t0 = utcnow().replace(microsecond=0)
        await set_store(owner_db, sid, authorized_at=t0 - timedelta(days=340))
        assert (await user_client.delete(f"/api/v1/stores/{sid}/authorization")).status_code == 200
        rt, outbox = job_runtime(app, clock=lambda: t0)
        await lifecycle.send_renewal_warnings(rt)
        assert mails_to(outbox, {user_client.email}) == []  # type: ignore[attr-defined]
        assert await audit_events(owner_db, sid, "store_renewal_warned") == []

    async def test_a_failed_mail_is_retried_and_does_not_hold_up_other_stores(
        self,
        app: FastAPI,
        owner_db: OwnerDb,
        sim_http: httpx.AsyncClient,
    ) -> None:
        """One owner's address refused by the mail server: that store's claim rolls back (it is
        tried again next run); the other stores due are still warned in the same run."""
        t0 = utcnow().replace(microsecond=0)
        async with signed_in_client(app) as bad, signed_in_client(app) as good:
            bad_store = await connect_store(bad, sim_http)
            good_store = await connect_store(good, sim_http)
            # The refused store first in grant order (the scan's order does not matter).
            await set_store(owner_db, bad_store["id"], authorized_at=t0 - timedelta(days=340))
            await set_store(owner_db, good_store["id"], authorized_at=t0 - timedelta(days=339))
            refused = bad.email  # type: ignore[attr-defined]
            accepted = good.email  # type: ignore[attr-defined]

        class Refusing(OutboxMailSender):
            async def send(self, mail: Mail) -> None:
                if mail.to == refused:
                    raise ConnectionError("550 mailbox unavailable")
                await super().send(mail)

        rt = dataclasses.replace(
            runtime(app), mail=Refusing(sender="test@minthub.invalid"), clock=lambda: t0
        )
        await lifecycle.send_renewal_warnings(rt)
        assert isinstance(rt.mail, OutboxMailSender)
        assert [m.to for m in mails_to(rt.mail, {refused, accepted})] == [accepted]
        assert await audit_events(owner_db, bad_store["id"], "store_renewal_warned") == []
        async with owner_db() as session:
            claimed = await session.scalar(
                select(func.count())
                .select_from(StoreRenewalWarning)
                .where(StoreRenewalWarning.store_id == bad_store["id"])
            )
        assert claimed == 0  # rolled back with the failed mail
        # The mail server accepts it the next hour: sent then, once.
        rt, outbox = job_runtime(app, clock=lambda: t0 + timedelta(hours=1))
        await lifecycle.send_renewal_warnings(rt)
        assert [m.to for m in mails_to(outbox, {refused, accepted})] == [refused]


# --- 2. Authorization health check ----------------------------------------------------------


async def _connected_lasts(owner_db: OwnerDb) -> list[tuple[uuid.UUID, datetime]]:
    async with owner_db() as session:
        rows = await session.execute(
            select(Store.id, func.coalesce(Store.auth_checked_at, Store.authorized_at)).where(
                Store.status == StoreStatus.connected
            )
        )
        return [(r[0], r[1]) for r in rows.all()]


def _share(connected: int, hours: int) -> int:
    tick = lifecycle.HEALTH_CHECK_TICK.total_seconds()
    return max(1, 2 * math.ceil(connected * tick / (hours * 3600)))


class TestHealthCheck:
    async def test_due_checks_are_the_oldest_and_spread(
        self,
        app: FastAPI,
        owner_db: OwnerDb,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        a = uuid.UUID(str((await connect_store(user_client, sim_http))["id"]))
        b = uuid.UUID(str((await connect_store(user_client, sim_http))["id"]))
        c = uuid.UUID(str((await connect_store(user_client, sim_http))["id"]))
        now = utcnow()
        hours = app.state.settings.auth_health_check_hours
        # a: checked long ago; b: never checked, granted 13 hours ago (the grant counts);
        # c: granted long ago but checked an hour ago: not due.
        await set_store(owner_db, a, auth_checked_at=now - timedelta(days=500))
        await set_store(
            owner_db, b, auth_checked_at=None, authorized_at=now - timedelta(hours=hours + 1)
        )
        await set_store(
            owner_db, c, auth_checked_at=now - timedelta(hours=1), authorized_at=now - 40 * DAY
        )
        rt, _ = job_runtime(app)
        due = await lifecycle.due_health_checks(rt, now=now)
        lasts = await _connected_lasts(owner_db)
        every_due = [
            i
            for i, last in sorted(lasts, key=lambda r: r[1])
            if last <= now - timedelta(hours=hours)
        ]
        assert a in every_due and b in every_due and c not in every_due
        assert due == every_due[: _share(len(lasts), hours)]
        assert due[0] == a  # the oldest check first
        assert c not in due

        # Half a day later every connected store is due, but one tick takes only its share.
        later = now + timedelta(hours=hours + 2)
        spread = await lifecycle.due_health_checks(rt, now=later)
        assert len(lasts) >= 3 and len(spread) == _share(len(lasts), hours) < len(lasts)
        assert spread[0] == a
        # A shorter interval is a bigger share per tick.
        rt1, _ = job_runtime(app, auth_health_check_hours=1)
        assert len(await lifecycle.due_health_checks(rt1, now=later)) == min(
            len(lasts), _share(len(lasts), 1)
        )

        # Once checked, a store is not due again until the interval has passed.
        assert await lifecycle.check_store_authorization(rt, a) == "ok"
        assert a not in await lifecycle.due_health_checks(rt)

    async def test_queue_auth_checks_defers_one_job_per_due_store_with_its_lock(
        self,
        app: FastAPI,
        owner_db: OwnerDb,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        sid = uuid.UUID(str((await connect_store(user_client, sim_http))["id"]))
        await set_store(owner_db, sid, auth_checked_at=utcnow() - timedelta(days=600))
        rt, _ = job_runtime(app)
        job_app = app.state.sync_queue.app
        assert await jobs.queue_auth_checks(rt, job_app) >= 1
        assert (jobs.AUTH_CHECK_TASK, "todo") in await store_jobs(owner_db, sid)
        # Deferred once: a second tick while it waits adds nothing for this store.
        await jobs.queue_auth_checks(rt, job_app)
        assert (await store_jobs(owner_db, sid)).count((jobs.AUTH_CHECK_TASK, "todo")) == 1
        # A revocation cancels it with the store's other waiting work.
        assert (await user_client.delete(f"/api/v1/stores/{sid}/authorization")).status_code == 200
        waiting = await store_jobs(owner_db, sid)
        assert (jobs.AUTH_CHECK_TASK, "cancelled") in waiting  # with the sync queued on connect
        assert {status for _, status in waiting} == {"cancelled"}

    async def test_good_store_is_ok(
        self,
        app: FastAPI,
        owner_db: OwnerDb,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        sid = uuid.UUID(str((await connect_store(user_client, sim_http))["id"]))
        assert (await get_store(owner_db, sid)).auth_checked_at is None
        t = utcnow().replace(microsecond=0)
        rt, _ = job_runtime(app, clock=lambda: t)
        assert await lifecycle.check_store_authorization(rt, sid) == "ok"
        row = await get_store(owner_db, sid)
        assert row.auth_checked_at == t and row.status == "connected"
        checked = await audit_events(owner_db, sid, "store_authorization_checked")
        assert [(e.details, e.reason, e.actor_type) for e in checked] == [
            ({"outcome": "ok"}, "health_check", "system")
        ]
        assert await audit_events(owner_db, sid, "token_refresh_failed") == []
        async with owner_db() as session:
            assert await session.get(StoreCredential, sid) is not None

    async def test_seller_revocation_is_found_and_revokes_the_store(
        self,
        app: FastAPI,
        owner_db: OwnerDb,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        store = await connect_store(user_client, sim_http)
        sid = uuid.UUID(str(store["id"]))
        # Work waits for the store (no worker runs in tests): the first sync queued on connect,
        # and an orders refresh asked for since.
        r = await user_client.post(f"/api/v1/stores/{sid}/sync", json={"datasets": ["orders"]})
        assert r.status_code == 202
        assert await store_jobs(owner_db, sid) == [(jobs.SYNC_TASK, "todo")] * 2
        assert (
            await sim_http.post(f"/_sim/sellers/{store['selling_partner_id']}/revoke")
        ).status_code < 300

        rt, _ = job_runtime(app)
        run = await lifecycle.run_health_checks(rt, [sid])
        assert (run.checked, run.revoked, run.invalid_client) == (1, 1, False)
        row = await get_store(owner_db, sid)
        assert row.status == "revoked" and row.revoke_cause == "lwa_invalid_grant"
        assert row.revoked_at is not None
        async with owner_db() as session:
            assert await session.get(StoreCredential, sid) is None  # ciphertext gone
        failed = await audit_events(owner_db, sid, "token_refresh_failed")
        assert len(failed) == 1 and failed[0].details["lwa_error"] == "invalid_grant"
        assert failed[0].reason == "health_check"
        checked = await audit_events(owner_db, sid, "store_authorization_checked")
        assert [e.details["outcome"] for e in checked] == ["revoked"]
        revoked = await audit_events(owner_db, sid, "store_revoked")
        assert len(revoked) == 1 and revoked[0].reason == "health_check"
        assert revoked[0].details["cause"] == "lwa_invalid_grant"
        assert revoked[0].details["jobs_cancelled"] == 2
        assert await store_jobs(owner_db, sid) == [(jobs.SYNC_TASK, "cancelled")] * 2
        shown = (await user_client.get(f"/api/v1/stores/{sid}")).json()
        assert shown["status"] == "revoked" and shown["revoke_cause"] == "lwa_invalid_grant"
        # A revoked store is skipped by the next checks and never due again.
        assert await lifecycle.check_store_authorization(rt, sid) == "skipped"
        assert sid not in await lifecycle.due_health_checks(rt, now=utcnow() + 30 * DAY)
        assert len(await audit_events(owner_db, sid, "store_authorization_checked")) == 1

    async def test_invalid_client_never_revokes_and_stops_the_run(
        self,
        app: FastAPI,
        owner_db: OwnerDb,
        simulator: RunningSimulator,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        first = uuid.UUID(str((await connect_store(user_client, sim_http))["id"]))
        second = uuid.UUID(str((await connect_store(user_client, sim_http))["id"]))
        amazon = app.state.amazon
        # Our app's LWA client secret is wrong (rotated away, no MINTHUB_LWA_CLIENT_SECRET_NEXT).
        wrong = AppLwaClient(
            amazon.http,
            token_url=f"{simulator.url}/auth/o2/token",
            client_id=simulator.config.client_id,
            client_secret="not-our-secret",
        )
        rt = dataclasses.replace(runtime(app), amazon=dataclasses.replace(amazon, lwa=wrong))
        run = await lifecycle.run_health_checks(rt, [first, second])
        assert run.invalid_client is True and run.checked == 1 and run.revoked == 0
        for sid in (first, second):
            row = await get_store(owner_db, sid)
            assert row.status == "connected" and row.revoked_at is None
            async with owner_db() as session:
                assert await session.get(StoreCredential, sid) is not None
            assert await audit_events(owner_db, sid, "store_revoked") == []
        # The run stopped at the first store: the second was never checked.
        assert (await get_store(owner_db, second)).auth_checked_at is None
        assert await audit_events(owner_db, second, "store_authorization_checked") == []
        checked = await audit_events(owner_db, first, "store_authorization_checked")
        assert [e.details["outcome"] for e in checked] == ["invalid_client"]
        failed = await audit_events(owner_db, first, "token_refresh_failed")
        assert [e.details["lwa_error"] for e in failed] == ["invalid_client"]
        # With the right secret both are fine.
        good = await lifecycle.run_health_checks(runtime(app), [first, second])
        assert (good.checked, good.revoked, good.invalid_client) == (2, 0, False)


# --- 3. Stopping work -----------------------------------------------------------------------


class TestStopWork:
    async def test_disconnect_cancels_waiting_jobs_and_stops_datasets(
        self,
        app: FastAPI,
        owner_db: OwnerDb,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        store = await connect_store(user_client, sim_http)
        other = await connect_store(user_client, sim_http)
        sid = store["id"]
        base = f"/api/v1/stores/{sid}"
        # The first sync was queued on connect (POST .../sync of the same datasets joins it).
        assert (await user_client.post(f"{base}/sync")).status_code == 202
        full = await user_client.post(f"{base}/sync", json={"datasets": ["orders"], "full": True})
        assert full.status_code == 202
        assert (await user_client.post(f"/api/v1/stores/{other['id']}/sync")).status_code == 202
        assert await store_jobs(owner_db, sid) == [(jobs.SYNC_TASK, "todo")] * 2
        async with owner_db() as session:
            states = (
                await session.scalars(select(SyncDataset.state).where(SyncDataset.store_id == sid))
            ).all()
        assert states and set(states) == {"queued"}

        r = await user_client.delete(f"{base}/authorization")
        assert r.status_code == 200 and r.json()["status"] == "revoked"
        assert await store_jobs(owner_db, sid) == [(jobs.SYNC_TASK, "cancelled")] * 2
        async with owner_db() as session:
            datasets = (
                await session.scalars(select(SyncDataset).where(SyncDataset.store_id == sid))
            ).all()
        assert datasets and {d.state for d in datasets} == {"stopped"}
        assert all(d.last_error == lifecycle.STOPPED_DETAIL for d in datasets)
        revoked = await audit_events(owner_db, sid, "store_revoked")
        assert [e.details["jobs_cancelled"] for e in revoked] == [2]
        # Another store's work is left alone.
        assert await store_jobs(owner_db, other["id"]) == [(jobs.SYNC_TASK, "todo")]

        again = await user_client.post(f"{base}/sync")
        assert again.status_code == 409
        assert again.headers["content-type"].startswith("application/problem+json")
        assert again.json()["code"] == "store_revoked"
        assert await store_jobs(owner_db, sid) == [(jobs.SYNC_TASK, "cancelled")] * 2

    async def test_a_sync_of_a_revoked_store_calls_amazon_zero_times(
        self,
        app: FastAPI,
        owner_db: OwnerDb,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        """What a job that was already running (or slipped through) does: nothing."""
        store = await connect_store(user_client, sim_http)
        spid = str(store["selling_partner_id"])
        assert (
            await user_client.delete(f"/api/v1/stores/{store['id']}/authorization")
        ).status_code == 200
        before = (await sim_http.get("/_sim/calls")).json()["spapi"].get(spid, {})
        outcome = await sync(app, store["id"])
        assert {d.state for d in outcome.datasets} == {"stopped"}
        assert not outcome.retryable
        assert (await sim_http.get("/_sim/calls")).json()["spapi"].get(spid, {}) == before


# --- 4. Retention ---------------------------------------------------------------------------


async def _store_with_data(
    app: FastAPI, client: httpx.AsyncClient, sim_http: httpx.AsyncClient
) -> dict[str, Any]:
    """A connected store with synced snapshots, a report ledger with rows, replenishment
    settings and sync state."""
    store = await connect_store(client, sim_http)
    outcome = await sync(app, store["id"])
    assert all(d.state == "succeeded" for d in outcome.datasets), outcome
    r = await client.put(
        f"/api/v1/stores/{store['id']}/settings/replenishment", json={"lead_time_days": 21}
    )
    assert r.status_code == 200, r.text
    return store


def _assert_has_data(rows: dict[str, int]) -> None:
    for table in (
        "inventory_snapshots",
        "order_snapshots",
        "order_item_snapshots",
        "listing_snapshots",
        "sync_datasets",
        "report_requests",
        "report_rows",
        "replenishment_settings",
    ):
        assert rows[table] > 0, (table, rows)


class TestRetention:
    async def test_purge_after_the_window_only(
        self,
        app: FastAPI,
        owner_db: OwnerDb,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        revoked = await _store_with_data(app, user_client, sim_http)
        kept = await _store_with_data(app, user_client, sim_http)
        rid, kid = revoked["id"], kept["id"]
        assert (await user_client.delete(f"/api/v1/stores/{rid}/authorization")).status_code == 200
        before = await data_rows(owner_db, rid)
        _assert_has_data(before)
        kept_before = await data_rows(owner_db, kid)
        _assert_has_data(kept_before)
        days = app.state.settings.revoked_data_retention_days
        shown = (await user_client.get(f"/api/v1/stores/{rid}")).json()
        revoked_at = (await get_store(owner_db, rid)).revoked_at
        assert revoked_at is not None
        assert datetime.fromisoformat(shown["data_retained_until"]) == revoked_at + timedelta(
            days=days
        )

        # Revoked a moment ago: inside the window, nothing is deleted.
        rt, _ = job_runtime(app)
        await lifecycle.purge_revoked_data(rt)
        assert await data_rows(owner_db, rid) == before
        # Still inside the window a minute before it ends.
        await set_store(
            owner_db, rid, revoked_at=utcnow() - timedelta(days=days) + timedelta(minutes=1)
        )
        await lifecycle.purge_revoked_data(rt)
        assert await data_rows(owner_db, rid) == before

        # Revoked longer ago than the window; the connected store was revoked once too, long
        # ago, and reconnected since: its data is never touched.
        await set_store(owner_db, rid, revoked_at=utcnow() - timedelta(days=days + 1))
        await set_store(owner_db, kid, revoked_at=utcnow() - timedelta(days=days + 100))
        audit_before = await count_audit(owner_db, rid)
        assert await lifecycle.purge_revoked_data(rt) >= 1
        after = await data_rows(owner_db, rid)
        assert after == dict.fromkeys(before, 0)
        assert await data_rows(owner_db, kid) == kept_before
        deleted = await audit_events(owner_db, rid, "store_data_deleted")
        assert len(deleted) == 1
        assert deleted[0].details["cause"] == "retention_window"
        assert deleted[0].details["rows"] == before
        assert deleted[0].reason == "retention" and deleted[0].actor_type == "system"
        # Audit events stay (one more: the deletion itself).
        assert await count_audit(owner_db, rid) == audit_before + 1
        assert await audit_events(owner_db, rid, "store_revoked")
        row = await get_store(owner_db, rid)
        assert row.data_deleted_at is not None and row.status == "revoked"

        # Members still see the store, and its history.
        async with signed_in_client(app) as viewer:
            await add_member(owner_db, rid, viewer.email, "viewer")  # type: ignore[attr-defined]
            for member in (user_client, viewer):
                shown = (await member.get(f"/api/v1/stores/{rid}")).json()
                assert shown["status"] == "revoked" and shown["data_deleted_at"] is not None
                assert shown["data_retained_until"] is None
        events = await user_client.get(f"/api/v1/stores/{rid}/audit-events")
        assert events.status_code == 200
        assert "store_data_deleted" in events.text and "store_revoked" in events.text

        # Done once: the next run leaves it alone.
        await lifecycle.purge_revoked_data(rt)
        assert len(await audit_events(owner_db, rid, "store_data_deleted")) == 1

    async def test_owner_deletes_the_data_at_once(
        self,
        app: FastAPI,
        owner_db: OwnerDb,
        user_client: httpx.AsyncClient,
        sim_http: httpx.AsyncClient,
    ) -> None:
        store = await _store_with_data(app, user_client, sim_http)
        sid = store["id"]
        base = f"/api/v1/stores/{sid}"
        before = await data_rows(owner_db, sid)
        _assert_has_data(before)

        # While connected: refused (the next sync would fetch it all again).
        r = await user_client.delete(f"{base}/data")
        assert r.status_code == 409 and r.json()["code"] == "store_connected"
        assert await data_rows(owner_db, sid) == before

        assert (await user_client.delete(f"{base}/authorization")).status_code == 200
        async with signed_in_client(app) as viewer:
            await add_member(owner_db, sid, viewer.email, "viewer")  # type: ignore[attr-defined]
            refused = await viewer.delete(f"{base}/data")
            assert refused.status_code == 403 and refused.json()["code"] == "store_role_forbidden"
            assert await data_rows(owner_db, sid) == before

            r = await user_client.delete(f"{base}/data")
            assert r.status_code == 204 and r.content == b""
            assert await data_rows(owner_db, sid) == dict.fromkeys(before, 0)
            deleted = await audit_events(owner_db, sid, "store_data_deleted")
            assert len(deleted) == 1 and deleted[0].actor_type == "user"
            assert deleted[0].details["cause"] == "owner_deleted"
            assert deleted[0].details["rows"] == before

            # Members read an empty snapshot; the store itself stays.
            for member in (user_client, viewer):
                inventory = await member.get(f"{base}/inventory")
                assert inventory.status_code == 200, inventory.text
                page = inventory.json()
                assert page["items"] == [] and page["next_cursor"] is None
                assert page["totals"]["skus"] == 0 and page["totals"]["total"] == 0
                # No trace of the deleted sync either: never synced, as far as it shows.
                assert [(d["last_success_at"], d["rows_total"]) for d in page["sync"]] == [
                    (None, 0)
                ]
                shown = (await member.get(base)).json()
                assert shown["status"] == "revoked" and shown["data_deleted_at"] is not None

        # Idempotent.
        again = await user_client.delete(f"{base}/data")
        assert again.status_code == 204
        # The retention job has nothing left to do for it, even once the window has passed.
        days = app.state.settings.revoked_data_retention_days
        await set_store(owner_db, sid, revoked_at=utcnow() - timedelta(days=days + 1))
        rt, _ = job_runtime(app)
        await lifecycle.purge_revoked_data(rt)
        cause = [
            e.details["cause"] for e in await audit_events(owner_db, sid, "store_data_deleted")
        ]
        assert cause[-1] == "owner_deleted" and "retention_window" not in cause


# --- Registration -----------------------------------------------------------------------------


def test_periodic_tasks_are_registered(settings: Any) -> None:
    job_app = jobs.create_job_app(str(settings.database_url))
    periodic = {p.task.name: p.cron for p in job_app.periodic_registry.periodic_tasks.values()}
    assert periodic[jobs.RENEWAL_TASK] == "7 * * * *"
    assert periodic[jobs.AUTH_SCHEDULE_TASK] == "*/15 * * * *"
    assert periodic[jobs.RETENTION_TASK] == "37 * * * *"
    assert jobs.AUTH_CHECK_TASK in job_app.tasks
