"""The bulkhead: a cap on concurrent calls to one dependency, for threads and for coroutines.

Threads share one semaphore per bulkhead. Coroutines get one ``asyncio.Semaphore`` per event loop
(a semaphore belongs to the loop it first waits on); a process normally runs one loop, so the cap
holds per process for each style of caller.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import weakref
from collections.abc import AsyncIterator, Iterator

from genius.platform.resilience.errors import BulkheadFull
from genius.platform.resilience.policy import BulkheadPolicy


class Bulkhead:
    """``with bulkhead.slot():`` / ``async with bulkhead.aslot():``; raises ``BulkheadFull``."""

    def __init__(self, name: str, policy: BulkheadPolicy) -> None:
        self.name = name
        self.policy = policy
        self._threads = threading.BoundedSemaphore(policy.max_concurrent)
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()
        self._in_flight = 0

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        if not self._threads.acquire(timeout=self.policy.max_wait):
            raise BulkheadFull(self.name, f"{self.policy.max_concurrent} calls already in flight")
        self._count(+1)
        try:
            yield
        finally:
            self._count(-1)
            self._threads.release()

    @contextlib.asynccontextmanager
    async def aslot(self) -> AsyncIterator[None]:
        semaphore = self._semaphore()
        if semaphore.locked() and self.policy.max_wait == 0:
            raise BulkheadFull(self.name, f"{self.policy.max_concurrent} calls already in flight")
        try:
            await asyncio.wait_for(semaphore.acquire(), self.policy.max_wait or None)
        except TimeoutError:
            raise BulkheadFull(
                self.name, f"{self.policy.max_concurrent} calls in flight for {self.policy.max_wait}s"
            ) from None
        self._count(+1)
        try:
            yield
        finally:
            self._count(-1)
            semaphore.release()

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        with self._lock:
            semaphore = self._loops.get(loop)
            if semaphore is None:
                semaphore = self._loops[loop] = asyncio.Semaphore(self.policy.max_concurrent)
            return semaphore

    def _count(self, delta: int) -> None:
        with self._lock:
            self._in_flight += delta
