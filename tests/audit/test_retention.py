"""Retention: old events go only up to a signed checkpoint, and the chain still verifies."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from minthub_api.audit.integrity import apply_retention, months_before, signing_keys
from minthub_api.audit.models import AuditCheckpoint, AuditEvent
from minthub_api.core.settings import Settings
from tests.audit.support import add_events, first_break, migrated_database, sessions, tamper


@pytest.fixture(scope="module")
def db() -> Iterator[str]:
    yield from migrated_database()


OLD = datetime.now(UTC) - timedelta(days=440)  # ~14.5 months


def test_default_retention_is_13_months_and_at_least_12() -> None:
    assert Settings().audit_retention_months == 13
    with pytest.raises(ValueError, match="greater than or equal to 12"):
        Settings(audit_retention_months=11)


def test_months_before_clamps_to_the_end_of_the_month() -> None:
    assert months_before(datetime(2027, 3, 31, 8, tzinfo=UTC), 13) == datetime(
        2026, 2, 28, 8, tzinfo=UTC
    )


async def test_retention_removes_old_events_and_the_chain_still_verifies(
    db: str, settings: Settings
) -> None:
    keys = signing_keys(settings)
    store, all_old = uuid.uuid4(), uuid.uuid4()
    async with sessions(db) as maker:
        await add_events(maker, store, 5, occurred_at=OLD)
        await add_events(maker, store, 3)
        await add_events(maker, all_old, 2, occurred_at=OLD)
        async with maker() as session, session.begin():
            results = await apply_retention(session, settings)
        by_chain = {r.store_id: r for r in results}
        assert by_chain[store].up_to_seq == 5 and by_chain[store].removed == 5
        assert by_chain[all_old].removed == 2
        async with maker() as session:
            left = (
                await session.scalars(
                    select(AuditEvent.seq).where(AuditEvent.store_id == store).order_by("seq")
                )
            ).all()
            assert list(left) == [6, 7, 8]
            retention_events = await session.scalar(
                select(func.count()).where(AuditEvent.action == "audit_retention_applied")
            )
            assert retention_events == 1
        assert await first_break(maker, keys, store) == (3, None)
        assert await first_break(maker, keys, all_old) == (0, None)
        # A chain emptied by retention continues from its checkpoint.
        await add_events(maker, all_old, 1)
        assert await first_break(maker, keys, all_old) == (1, None)
        # Running again removes nothing new.
        async with maker() as session, session.begin():
            assert not [r for r in await apply_retention(session, settings) if r.removed]


async def test_a_forged_checkpoint_breaks_verification(db: str, settings: Settings) -> None:
    keys = signing_keys(settings)
    store = uuid.uuid4()
    async with sessions(db) as maker:
        await add_events(maker, store, 4, occurred_at=OLD)
        await add_events(maker, store, 1)
        async with maker() as session, session.begin():
            await apply_retention(session, settings)
        await tamper(
            maker,
            "UPDATE audit_checkpoints SET signature = '\\x00' WHERE store_id = :s",
            s=store,
        )
        _, broken = await first_break(maker, keys, store)
    assert broken is not None and "signature is invalid" in broken.problem


async def test_deleting_old_events_without_a_checkpoint_is_detected(
    db: str, settings: Settings
) -> None:
    keys = signing_keys(settings)
    store = uuid.uuid4()
    async with sessions(db) as maker:
        await add_events(maker, store, 4, occurred_at=OLD)
        await tamper(maker, "DELETE FROM audit_events WHERE store_id = :s AND seq <= 2", s=store)
        _, broken = await first_break(maker, keys, store)
        async with maker() as session:
            assert not await session.scalar(
                select(func.count()).where(AuditCheckpoint.store_id == store)
            )
    assert broken is not None and broken.seq == 3 and "checkpoint" in broken.problem


async def test_young_events_are_kept_even_if_older_ones_follow(db: str, settings: Settings) -> None:
    """Chain order wins: nothing after the first young event goes, whatever its timestamp."""
    store = uuid.uuid4()
    async with sessions(db) as maker:
        await add_events(maker, store, 2, occurred_at=OLD)
        await add_events(maker, store, 1)
        await add_events(maker, store, 2, occurred_at=OLD)
        async with maker() as session, session.begin():
            results = {r.store_id: r for r in await apply_retention(session, settings)}
    assert results[store].up_to_seq == 2 and results[store].removed == 2


async def test_checkpoints_signed_before_a_kek_rotation_still_verify(
    db: str, settings: Settings
) -> None:
    """After `keys rotate` the old KEK sits in MINTHUB_TOKEN_KEK_PREVIOUS: checkpoints it signed
    verify; new ones are signed with the new KEK; with the old key gone they are named."""
    store = uuid.uuid4()
    new_kek = base64.b64encode(os.urandom(32)).decode()
    rotated = settings.model_copy(
        update={
            "token_kek": SecretStr(new_kek),
            "token_kek_id": "local-2",
            "token_kek_previous": SecretStr(
                f"{settings.token_kek_id}={settings.token_kek.get_secret_value()}"
            ),
        }
    )
    async with sessions(db) as maker:
        await add_events(maker, store, 3, occurred_at=OLD)
        async with maker() as session, session.begin():
            await apply_retention(session, settings)  # checkpoint under the old KEK
        await add_events(maker, store, 2, occurred_at=OLD + timedelta(days=10))
        await add_events(maker, store, 1)
        async with maker() as session, session.begin():
            await apply_retention(session, rotated)  # checkpoint under the new KEK
            key_ids = (
                await session.scalars(
                    select(AuditCheckpoint.key_id)
                    .where(AuditCheckpoint.store_id == store)
                    .order_by(AuditCheckpoint.seq)
                )
            ).all()
        assert list(key_ids) == [settings.token_kek_id, "local-2"]
        assert await first_break(maker, signing_keys(rotated), store) == (1, None)
        only_new = rotated.model_copy(update={"token_kek_previous": SecretStr("")})
        _, broken = await first_break(maker, signing_keys(only_new), store)
    assert broken is not None and "unknown key" in broken.problem
