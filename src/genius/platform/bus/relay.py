"""The relay: publishes each tenant's pending outbox rows in order and marks them sent after the confirm.

One relay per tenant database at a time: it holds a lease row (``bus_relay_lease``) that it renews
while it works, so two relay processes never publish the same tenant concurrently (which would
reorder its events); another relay takes over when the lease expires.

Rows are marked sent only after the broker confirmed them, by a background task, so the next
batch does not wait on the tenant database's write lock; meanwhile an in-memory cursor keeps the
next batch from re-reading rows in flight. A crash before the mark republishes those rows, and
consumers' inboxes absorb the duplicates. Order: a tenant's rows go out in ``seq`` order; a
failed publish is retried after the rows behind it, and on PostgreSQL a lower ``seq`` committed
after a read passed over it goes out with the next reads (``skipped``), so consumers must not rely
on strict order.

Latency: a unit of work in this process wakes the relay at commit; other processes' rows are
found by the sweep (one indexed query per tenant), ``busy_poll_seconds`` after a pass that found
rows, doubling up to ``idle_seconds`` while it finds none (a stream is relayed in ms). The loop
keeps up to ``MAX_IN_FLIGHT`` batches of a tenant awaiting their confirms while it publishes the
next rows (in order, on one channel), so a slow confirm does not hold back what was committed
meanwhile; sent rows are marked in one UPDATE at most every ``mark_delay`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta

from genius.kernel.clock import utcnow
from genius.kernel.ids import new_id
from genius.platform.bus import inbox, lease, metrics, outbox
from genius.platform.bus.skipped import SkippedSeqs
from genius.platform.bus.transport import Outgoing, Transport
from genius.platform.db.engine import SQLITE_IMMEDIATE
from genius.platform.tenancy import TenantDatabases

log = logging.getLogger("genius.bus.relay")

DEFAULT_BATCH = 500
DEFAULT_IDLE_SECONDS = 0.5
DEFAULT_BUSY_POLL_SECONDS = 0.005  # the sweep's first pause after a pass that found rows
DEFAULT_LEASE_SECONDS = 15.0
# Confirmed rows are marked sent at most this often per tenant (unless a full batch waits): at a
# trickle of events one UPDATE per 20 ms instead of one per publish keeps the relay off the tenant
# database's write lock, which producers and consumers queue on. A crash in between republishes
# those rows, which the inboxes absorb.
DEFAULT_MARK_DELAY_SECONDS = 0.02
# Batches per tenant the relay loop keeps awaiting confirms while it publishes the next.
MAX_IN_FLIGHT = 4
STOP_CONFIRM_SECONDS = 5.0
# The tenant list is re-read this often, so new tenants are relayed without a restart.
TENANT_REFRESH_SECONDS = 10.0
# The outbox gauges are refreshed this often per tenant (a count over the pending index).
OBSERVE_SECONDS = 5.0
# Housekeeping: sent outbox rows are kept a day for inspection; inbox rows long enough that any
# redelivery or dead-letter replay still finds them (replay dead letters within this window).
HOUSEKEEPING_SECONDS = 600.0
OUTBOX_RETENTION = timedelta(days=1)
INBOX_RETENTION = timedelta(days=90)


class Relay:
    """Moves outbox rows of many tenant databases to the transport."""

    def __init__(
        self,
        transport: Transport,
        databases: TenantDatabases,
        tenants: Callable[[], Iterable[str]],
        *,
        batch_size: int = DEFAULT_BATCH,
        idle_seconds: float = DEFAULT_IDLE_SECONDS,
        busy_poll_seconds: float = DEFAULT_BUSY_POLL_SECONDS,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        mark_delay: float = DEFAULT_MARK_DELAY_SECONDS,
    ) -> None:
        self.transport = transport
        self.databases = databases
        self.tenants = tenants
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self.busy_poll_seconds = min(busy_poll_seconds, idle_seconds)
        self.lease_seconds = lease_seconds
        self.mark_delay = mark_delay
        self.holder = new_id()
        self._lease_until: dict[str, float] = {}
        self._dirty: set[str] = set()
        self._dirty_lock = threading.Lock()
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        # Confirmed rows wait here to be marked sent off the publishing path (see run_once);
        # ``_cursor`` keeps the next batch from re-reading them meanwhile.
        self._to_mark: dict[str, list[int]] = {}
        self._marking: dict[str, asyncio.Task[None]] = {}
        self._mark_now: dict[str, asyncio.Event] = {}
        self._cursor: dict[str, int] = {}
        # Seqs a read passed over (not committed yet on PostgreSQL): the next reads look for them.
        self._skipped: dict[str, SkippedSeqs] = {}
        # Batches of a tenant published and awaiting their confirms (the loop keeps up to
        # MAX_IN_FLIGHT going), and how many: the cursor is reset only when none is.
        self._sending: dict[str, set[asyncio.Task[int]]] = {}
        self._publishing: dict[str, int] = {}
        # Observations run in threads and may finish out of order: only the newest reaches the gauges.
        self._observe_lock = threading.Lock()
        self._observe_ticket = 0
        self._observe_applied: dict[str, int] = {}
        self.published = 0

    # -- one tenant ----------------------------------------------------------------------------
    async def run_once(self, slug: str) -> int:
        """Publish one batch of ``slug``'s outbox; returns how many rows the broker confirmed.

        Confirmed rows are marked sent by a background task (``flush_marks`` waits for it), so
        the next batch does not queue behind that write; a crash before the mark republishes
        them, which inboxes absorb.
        """
        rows = await asyncio.to_thread(self._take, slug)
        if not rows:
            return 0
        self._advance(slug, rows)
        return await self._send(slug, rows)

    async def _send(self, slug: str, rows: Sequence[outbox.OutboxRow]) -> int:
        """Publish rows already taken (the cursor is past them) and queue the confirmed for marking."""
        self._publishing[slug] = self._publishing.get(slug, 0) + 1
        try:
            confirmed = await self.transport.publish([Outgoing(r.envelope, r.target_queue) for r in rows])
        except BaseException:
            # Nothing known confirmed: read them again (and any batch after them still unmarked).
            self._cursor[slug] = min(self._cursor.get(slug, rows[0].seq), rows[0].seq - 1)
            raise
        finally:
            self._publishing[slug] -= 1
            if not self._publishing[slug]:
                del self._publishing[slug]
        ok = [r.seq for r, c in zip(rows, confirmed, strict=True) if c]
        failed = [r.seq for r, c in zip(rows, confirmed, strict=True) if not c]
        for row, c in zip(rows, confirmed, strict=True):
            (metrics.PUBLISHED if c else metrics.PUBLISH_FAILURES).labels(row.envelope.type).inc()
        if failed:
            # Read them again on the next pass.
            self._cursor[slug] = min(self._cursor.get(slug, min(failed)), min(failed) - 1)
            await asyncio.to_thread(self._mark_failed, slug, failed)
        self._to_mark.setdefault(slug, []).extend(ok)
        task = self._marking.get(slug)
        if task is None or task.done():
            task = self._marking[slug] = asyncio.create_task(self._mark_loop(slug))
            task.add_done_callback(_log_mark_failure)
        self.published += len(ok)
        return len(ok)

    async def _mark_loop(self, slug: str) -> None:
        now = self._mark_now.setdefault(slug, asyncio.Event())
        if self.mark_delay > 0 and len(self._to_mark.get(slug, ())) < self.batch_size and not now.is_set():
            with contextlib.suppress(TimeoutError):  # gather more confirmed rows into one UPDATE
                await asyncio.wait_for(now.wait(), self.mark_delay)
        now.clear()
        while self._to_mark.get(slug):
            seqs, self._to_mark[slug] = self._to_mark[slug], []
            try:
                await asyncio.to_thread(self._mark_published, slug, seqs)
            except BaseException:
                self._to_mark[slug] = seqs + self._to_mark[slug]  # not marked: try again later
                raise
        # Everything taken is marked: the pending query alone is right again. (On PostgreSQL a
        # transaction may commit a lower seq after a higher one; resetting picks it up.)
        if slug not in self._publishing:
            self._cursor.pop(slug, None)

    async def flush_marks(self, slug: str) -> None:
        """Wait until every confirmed row of ``slug`` is marked sent; raises what marking raised."""
        self._mark_now.setdefault(slug, asyncio.Event()).set()  # no coalescing delay
        task = self._marking.get(slug)
        if task is not None:
            await task
        if self._to_mark.get(slug):
            self._marking[slug] = asyncio.create_task(self._mark_loop(slug))
            await self._marking[slug]

    async def drain(self, slug: str) -> int:
        """Publish until the outbox of ``slug`` is empty, and mark everything sent."""
        total = 0
        while True:
            sent = await self.run_once(slug)
            total += sent
            if sent < self.batch_size:
                await self.flush_marks(slug)
                return total

    async def _pass(self, slug: str) -> int:
        """Like drain, but pipelined and leaving the marking in the background (the loop's path).

        Up to MAX_IN_FLIGHT batches of the tenant await their confirms while the next rows are
        read and published, so rows committed during a confirm (a broker fsync) do not wait for
        it. Returns the rows started; a send that failed raises here on a later pass (its rows
        are read again: the cursor went back before them).
        """
        sending = self._sending.setdefault(slug, set())
        started = 0
        while True:
            for task in [t for t in sending if t.done()]:
                sending.discard(task)
                task.result()
            if len(sending) >= MAX_IN_FLIGHT:
                await asyncio.wait(sending, return_when=asyncio.FIRST_COMPLETED)
                continue
            rows = await asyncio.to_thread(self._take, slug)
            if not rows:
                return started
            self._advance(slug, rows)
            sending.add(asyncio.create_task(self._send(slug, rows)))
            started += len(rows)
            if len(rows) < self.batch_size:
                return started

    def _take(self, slug: str) -> list[outbox.OutboxRow]:
        if not self._hold_lease(slug):
            return []
        skipped = self._skipped.setdefault(slug, SkippedSeqs())
        after = self._cursor.get(slug, 0)
        with self.databases.engine_for_slug(slug).connect() as conn:
            rows = outbox.pending(conn, self.batch_size, after=after, also=skipped.wanted(after))
        skipped.saw([r.seq for r in rows])
        return rows

    def _advance(self, slug: str, rows: Sequence[outbox.OutboxRow]) -> None:
        """Move the cursor past rows just taken; rows that came late (below it) do not move it back."""
        self._cursor[slug] = max(self._cursor.get(slug, 0), rows[-1].seq)

    def _mark_failed(self, slug: str, failed: Sequence[int]) -> None:
        with self._writer(slug) as conn:
            outbox.mark_failed(conn, failed, "not confirmed by the broker")

    def _mark_published(self, slug: str, seqs: Sequence[int]) -> None:
        with self._writer(slug) as conn:
            outbox.mark_published(conn, seqs)

    @contextlib.contextmanager
    def _writer(self, slug: str):  # type: ignore[no-untyped-def]
        engine = self.databases.engine_for_slug(slug).execution_options(**{SQLITE_IMMEDIATE: True})
        with engine.begin() as conn:
            yield conn

    def _hold_lease(self, slug: str) -> bool:
        """Take or renew this relay's lease on ``slug``; False while another relay holds it."""
        loop_now = _monotonic()
        if self._lease_until.get(slug, 0.0) - loop_now > self.lease_seconds / 2:
            return True
        now = utcnow()
        with self._writer(slug) as conn:
            held = lease.take(conn, self.holder, now, now + timedelta(seconds=self.lease_seconds))
        if not held:
            self._lease_until.pop(slug, None)
            self._skipped.pop(slug, None)  # another relay publishes: what this one saw is stale
            return False
        self._lease_until[slug] = loop_now + self.lease_seconds
        return True

    def release_leases(self) -> None:
        for slug in list(self._lease_until):
            with contextlib.suppress(Exception), self._writer(slug) as conn:
                lease.release(conn, self.holder)
        self._lease_until.clear()

    def observe(self, slug: str) -> outbox.OutboxStats:
        """Refresh the outbox gauges of ``slug``."""
        with self._observe_lock:
            self._observe_ticket += 1
            ticket = self._observe_ticket
        with self.databases.engine_for_slug(slug).connect() as conn:
            found = outbox.stats(conn)
        lag = 0.0
        if found.oldest_pending is not None:
            oldest = found.oldest_pending
            if oldest.tzinfo is None:  # SQLite returns naive UTC
                oldest = oldest.replace(tzinfo=utcnow().tzinfo)
            lag = max(0.0, (utcnow() - oldest).total_seconds())
        with self._observe_lock:
            if ticket < self._observe_applied.get(slug, 0):
                return found  # a newer reading is already shown; this one is stale
            self._observe_applied[slug] = ticket
            metrics.OUTBOX_PENDING.labels(slug).set(found.pending)
            metrics.OUTBOX_LAG.labels(slug).set(lag)
        return found

    def housekeep(self, slug: str) -> tuple[int, int]:
        """Delete old sent outbox rows and old inbox rows of ``slug``; returns (outbox, inbox) counts."""
        with self._writer(slug) as conn:
            return (
                outbox.prune_published(conn, OUTBOX_RETENTION),
                inbox.prune_handled(conn, INBOX_RETENTION),
            )

    # -- the loop over tenants -------------------------------------------------------------------
    def _on_commit(self, slug: str) -> None:
        with self._dirty_lock:
            self._dirty.add(slug)
        if self._loop is not None and self._wake is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        outbox.add_commit_listener(self._on_commit)
        self._task = asyncio.create_task(self._run(), name="bus-relay")

    async def stop(self) -> None:
        outbox.remove_commit_listener(self._on_commit)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        # Batches on their way: let their confirms arrive (then they are marked below); rows of
        # one that does not finish are republished later, which the inboxes absorb.
        sends = [t for tasks in self._sending.values() for t in tasks]
        if sends:
            _done, late = await asyncio.wait(sends, timeout=STOP_CONFIRM_SECONDS)
            for task in late:
                task.cancel()
            await asyncio.gather(*sends, return_exceptions=True)
        self._sending.clear()
        for slug in list(self._marking):
            with contextlib.suppress(Exception):  # unmarked rows are republished later: harmless
                await self.flush_marks(slug)
            with contextlib.suppress(Exception):
                await asyncio.to_thread(self.observe, slug)  # the gauges as the relay leaves them
        await asyncio.to_thread(self.release_leases)

    async def _run(self) -> None:
        assert self._wake is not None
        slugs: list[str] = []
        refreshed = -TENANT_REFRESH_SECONDS
        observed = -OBSERVE_SECONDS
        housekept = _monotonic()
        failures = 0
        pause = self.idle_seconds  # until the next sweep, unless a commit here wakes the loop
        while True:
            if _monotonic() - refreshed >= TENANT_REFRESH_SECONDS:
                with contextlib.suppress(Exception):
                    slugs = list(await asyncio.to_thread(lambda: list(self.tenants())))
                refreshed = _monotonic()
            with self._dirty_lock:
                dirty, self._dirty = self._dirty, set()
            try:
                busy = False
                for slug in sorted(dirty) or slugs:
                    busy |= (await self._pass(slug)) > 0
                if not dirty and _monotonic() - observed >= OBSERVE_SECONDS:
                    for slug in slugs:
                        await asyncio.to_thread(self.observe, slug)
                    observed = _monotonic()
                if not dirty and _monotonic() - housekept >= HOUSEKEEPING_SECONDS:
                    for slug in slugs:
                        await asyncio.to_thread(self.housekeep, slug)
                    housekept = _monotonic()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker down, database busy: keep the rows, try again
                with self._dirty_lock:
                    self._dirty |= dirty
                failures += 1
                log.warning("relay pass failed (%d in a row): %r", failures, exc)
                await asyncio.sleep(min(5.0, 0.1 * 2**failures))
                continue
            if busy:
                pause = self.busy_poll_seconds
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), pause)
            pause = min(self.idle_seconds, pause * 2)


def _log_mark_failure(task: asyncio.Task[None]) -> None:
    # Retrieved here so a failed background mark is logged, not "never retrieved"; the seqs stay
    # queued and the next batch (or flush_marks) tries again.
    if not task.cancelled() and task.exception() is not None:
        log.warning("relay could not mark rows sent (will retry): %r", task.exception())


def _monotonic() -> float:
    return time.monotonic()
