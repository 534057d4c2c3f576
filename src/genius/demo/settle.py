"""Waiting until a tenant's events and jobs have all been handled (the bus is idle for it).

The seeder runs on a thread while the relay, the subscribers and the workers run on an asyncio
loop (``genius demo``'s own, or ``genius serve``'s). ``BusWatch.settle`` blocks until, for the
tenant: every outbox row is published, no job of the watched tags is queued or running, the
given queues hold no ready message, and the subscribers' inbox has stopped growing for ``quiet``
seconds (a message taken but not yet handled shows as neither ready nor in the inbox: the quiet
period covers it).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from genius.kernel.errors import GeniusError
from genius.platform.bus.tables import inbox, outbox
from genius.platform.jobs.tables import jobs

log = logging.getLogger("genius.demo")
POLL_SECONDS = 0.2
QUIET_SECONDS = 1.0  # no new inbox row, published event or finished job for this long: idle
DEFAULT_TIMEOUT_SECONDS = 900.0


class BusNotIdle(GeniusError):
    code = "demo_bus_not_idle"


@dataclass(frozen=True)
class BusState:
    unpublished: int
    active_jobs: int
    handled: int  # inbox rows (events handled by subscribers)
    finished_jobs: int
    ready: int  # messages waiting in the watched queues

    @property
    def busy(self) -> bool:
        return bool(self.unpublished or self.active_jobs or self.ready)


@dataclass
class BusWatch:
    """Polls a tenant's database (and, with a loop and transport, its queues) until the bus is idle."""

    platform: Any
    slug: str
    loop: asyncio.AbstractEventLoop | None = None
    queues: Sequence[str] = field(default_factory=tuple)
    # Jobs of these tags count (empty: every job). Other periodic work (BNR's feed, e-mail) may
    # retry for minutes without concerning the seed.
    job_tags: Sequence[str] = field(default_factory=tuple)
    quiet: float = QUIET_SECONDS
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    stop: threading.Event = field(default_factory=threading.Event)  # set: give up waiting at once

    def state(self) -> BusState:
        engine = self.platform.databases.engine_for_slug(self.slug)
        tagged = [jobs.c.tag.in_(list(self.job_tags))] if self.job_tags else []
        with engine.connect() as conn:
            count = sa.func.count()
            unpublished = conn.execute(
                sa.select(count).select_from(outbox).where(outbox.c.published_at.is_(None))
            ).scalar_one()
            active = conn.execute(
                sa.select(count).select_from(jobs).where(jobs.c.state.in_(("queued", "running")), *tagged)
            ).scalar_one()
            finished = conn.execute(
                sa.select(count).select_from(jobs).where(jobs.c.state.not_in(("queued", "running")), *tagged)
            ).scalar_one()
            handled = conn.execute(sa.select(count).select_from(inbox)).scalar_one()
        return BusState(int(unpublished), int(active), int(handled), int(finished), self._ready())

    def _ready(self) -> int:
        if self.loop is None or not self.queues:
            return 0
        transport = self.platform.bus.transport

        async def depth() -> int:
            return sum([await transport.queue_depth(q) for q in self.queues])

        return int(asyncio.run_coroutine_threadsafe(depth(), self.loop).result(timeout=30))

    def settle(self, what: str = "events") -> BusState:
        """Block until idle (see the module docstring); ``BusNotIdle`` after ``timeout`` seconds."""
        deadline = time.monotonic() + self.timeout
        last: BusState | None = None
        quiet_since = time.monotonic()
        while True:
            if self.stop.is_set():
                raise BusNotIdle(f"tenant {self.slug}: stopped waiting for {what}: the process is stopping")
            state = self.state()
            if last is None or state != last:
                quiet_since = time.monotonic()
            elif not state.busy and time.monotonic() - quiet_since >= self.quiet:
                return state
            last = state
            if time.monotonic() > deadline:
                raise BusNotIdle(
                    f"tenant {self.slug}: {what} not handled after {self.timeout:.0f} s"
                    f" ({state.unpublished} unpublished events, {state.active_jobs} jobs running,"
                    f" {state.ready} messages waiting): are the relay, subscribers and workers running?"
                )
            time.sleep(POLL_SECONDS)


__all__ = ["BusNotIdle", "BusState", "BusWatch"]
