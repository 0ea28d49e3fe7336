"""Fair scheduling of SP-API requests inside one process.

Usage plans are per (seller, operation), so stores never share a bucket; what they do share is
this process: its connection pool and its CPU. A store's full sync may have many requests ready
at once; without care they would fill every connection and an operator's interactive request for
another store would queue behind all of them. `FairScheduler` caps in-flight requests and hands
each free slot to the waiting request chosen by (1) priority (`interactive` before `background`)
and (2) round-robin between stores within a priority, so each store gets its turn whatever the
size of its backlog. A slot is held only for the HTTP exchange, never while a request waits for
its usage-plan token.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from enum import IntEnum


class Priority(IntEnum):
    interactive = 0  # a person is waiting (API request)
    background = 1  # syncs, reports, benchmarks


class FairScheduler:
    def __init__(self, max_in_flight: int = 32) -> None:
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be >= 1")
        self.max_in_flight = max_in_flight
        self._in_flight = 0
        # priority -> store key -> waiting futures (FIFO per store); OrderedDict order is the
        # round-robin order of stores (a served store moves to the end).
        self._waiting: dict[Priority, OrderedDict[str, deque[asyncio.Future[None]]]] = {
            p: OrderedDict() for p in Priority
        }

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def waiting(self) -> int:
        return sum(len(q) for per in self._waiting.values() for q in per.values())

    @asynccontextmanager
    async def slot(
        self, store: str, priority: Priority = Priority.background
    ) -> AsyncIterator[None]:
        await self._acquire(store, priority)
        try:
            yield
        finally:
            self._in_flight -= 1
            self._dispatch()

    async def _acquire(self, store: str, priority: Priority) -> None:
        if self._in_flight < self.max_in_flight and self.waiting() == 0:
            self._in_flight += 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[priority].setdefault(store, deque()).append(future)
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                # The slot was handed to us just as we were cancelled: give it back.
                self._in_flight -= 1
                self._dispatch()
            raise

    def _next(self) -> asyncio.Future[None] | None:
        for priority in Priority:
            stores = self._waiting[priority]
            while stores:
                store, queue = next(iter(stores.items()))
                while queue and queue[0].done():  # cancelled waiters
                    queue.popleft()
                if not queue:
                    del stores[store]
                    continue
                future = queue.popleft()
                stores.move_to_end(store)
                if not queue:
                    del stores[store]
                return future
        return None

    def _dispatch(self) -> None:
        while self._in_flight < self.max_in_flight:
            future = self._next()
            if future is None:
                return
            self._in_flight += 1
            future.set_result(None)
