from __future__ import annotations

import asyncio

import pytest

from minthub_api.amazon import FairScheduler, Priority


async def _run(
    scheduler: FairScheduler, store: str, priority: Priority, order: list[str], gate: asyncio.Event
) -> None:
    async with scheduler.slot(store, priority):
        order.append(store)
        await gate.wait()


class TestFairScheduler:
    async def test_round_robin_between_stores(self) -> None:
        scheduler = FairScheduler(max_in_flight=1)
        order: list[str] = []
        gate = asyncio.Event()
        gate.set()
        blocker = asyncio.Event()
        first = asyncio.create_task(_run(scheduler, "big", Priority.background, order, blocker))
        await asyncio.sleep(0)
        tasks = [
            asyncio.create_task(_run(scheduler, "big", Priority.background, order, gate))
            for _ in range(5)
        ]
        await asyncio.sleep(0)
        tasks.append(
            asyncio.create_task(_run(scheduler, "small", Priority.background, order, gate))
        )
        await asyncio.sleep(0)
        blocker.set()
        await asyncio.gather(first, *tasks)
        # The small store's single request is served second, not after the big backlog.
        assert order[:3] == ["big", "big", "small"]

    async def test_interactive_before_background(self) -> None:
        scheduler = FairScheduler(max_in_flight=2)
        order: list[str] = []
        gate, blocker = asyncio.Event(), asyncio.Event()
        gate.set()
        holders = [
            asyncio.create_task(_run(scheduler, "sync", Priority.background, order, blocker))
            for _ in range(2)
        ]
        await asyncio.sleep(0)
        waiting = [
            asyncio.create_task(_run(scheduler, "sync", Priority.background, order, gate))
            for _ in range(10)
        ]
        await asyncio.sleep(0)
        person = asyncio.create_task(_run(scheduler, "other", Priority.interactive, order, gate))
        await asyncio.sleep(0)
        assert scheduler.in_flight == 2 and scheduler.waiting() == 11
        blocker.set()
        await asyncio.gather(*holders, *waiting, person)
        assert order.index("other") == 2
        assert scheduler.in_flight == 0 and scheduler.waiting() == 0

    async def test_cancelled_waiter_gives_its_turn_away(self) -> None:
        scheduler = FairScheduler(max_in_flight=1)
        order: list[str] = []
        gate, blocker = asyncio.Event(), asyncio.Event()
        gate.set()
        holder = asyncio.create_task(_run(scheduler, "a", Priority.background, order, blocker))
        await asyncio.sleep(0)
        doomed = asyncio.create_task(_run(scheduler, "b", Priority.background, order, gate))
        later = asyncio.create_task(_run(scheduler, "c", Priority.background, order, gate))
        await asyncio.sleep(0)
        doomed.cancel()
        blocker.set()
        await asyncio.gather(holder, later)
        with pytest.raises(asyncio.CancelledError):
            await doomed
        assert order == ["a", "c"] and scheduler.in_flight == 0

    def test_needs_a_slot(self) -> None:
        with pytest.raises(ValueError):
            FairScheduler(max_in_flight=0)
