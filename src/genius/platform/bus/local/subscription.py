"""A consumer's lease on the local queue: claims up to ``prefetch`` messages and keeps them leased.

The lease heartbeat (every third of the lease) survives a failed write: it logs and beats again
next time, on the transport's own heartbeat thread. A claim that finds the file locked past the
busy timeout is not a lost subscription: ``take`` waits and claims again, so the consumer does
not close the subscription (which would hand back messages whose handlers are still running).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from typing import TYPE_CHECKING

from genius.kernel.ids import new_id
from genius.platform.bus.envelope import Envelope, EnvelopeError
from genius.platform.bus.local.wake import WakeSocket
from genius.platform.bus.transport import Delivery, Subscription

if TYPE_CHECKING:
    from genius.platform.bus.local.transport import LocalTransport

log = logging.getLogger("genius.bus.local")


class LocalSubscription(Subscription):
    """Leases up to ``prefetch`` messages at a time and keeps their leases alive while in flight."""

    def __init__(self, transport: LocalTransport, queue: str, prefetch: int) -> None:
        self._t = transport
        self.queue = queue
        self.prefetch = prefetch
        self.owner = new_id()
        self._inflight: set[int] = set()
        self._pending_acks: list[int] = []
        self._flushing: asyncio.Task[None] | None = None
        self._closed = False
        self._wakeup = asyncio.Event()
        self._capacity = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._heartbeat = asyncio.create_task(self._keep_leases())
        with transport._waiters_lock:
            transport._waiters.add((self._loop, self._wakeup))
        # Publishes in other processes wake it through this socket (local/wake.py).
        self._socket = WakeSocket(transport.wake_folder, queue, self._loop, self._wakeup.set)
        if self._socket.path is not None:
            transport.own_sockets.add(self._socket.path.name)

    async def take(self, max_count: int) -> list[Delivery]:
        idle = self._t.poll_seconds / 10
        while not self._closed:
            room = min(max_count, self.prefetch - len(self._inflight))
            if room <= 0:
                self._capacity.clear()
                await self._capacity.wait()
                continue
            self._wakeup.clear()
            claim = asyncio.ensure_future(self._t._run(self._t._claim, self.queue, self.owner, room))
            try:
                rows = await asyncio.shield(claim)
            except asyncio.CancelledError:
                # The claim runs on in its thread: hand back whatever it leased, then stop.
                with contextlib.suppress(sqlite3.OperationalError):
                    rows = await claim
                    if rows:
                        await self._t._run(self._t._release, [r[0] for r in rows], self.owner)
                raise
            except sqlite3.OperationalError as exc:  # locked past the busy timeout: claim again
                log.warning("queue %s: claim failed (%s); trying again", self.queue, exc)
                await asyncio.sleep(self._t.poll_seconds)
                continue
            if self._closed:  # closed while claiming: hand the leases straight back
                await self._t._run(self._t._release, [r[0] for r in rows], self.owner)
                return []
            if not rows:
                # Woken at once by a publish (this process: the event; another: the wake socket);
                # else poll, backing off to poll_seconds.
                try:
                    await asyncio.wait_for(self._wakeup.wait(), idle)
                    idle = self._t.poll_seconds / 10
                except TimeoutError:
                    idle = min(self._t.poll_seconds, idle * 2)
                continue
            self._inflight.update(r[0] for r in rows)
            return [_delivery(self.queue, *row) for row in rows]
        return []

    async def ack(self, delivery: Delivery) -> None:
        row_id = int(delivery.handle)  # type: ignore[call-overload]
        self._done(row_id)
        self._pending_acks.append(row_id)
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        while self._pending_acks:
            batch, self._pending_acks = self._pending_acks, []
            await self._t._run(self._t._ack, batch)

    async def retry(self, delivery: Delivery, delay: float, error: str) -> None:
        await self._t._run(self._t._retry, int(delivery.handle), delay, error)  # type: ignore[call-overload]
        self._done(int(delivery.handle))  # type: ignore[call-overload]
        if delay <= 0:
            self._t._wake()

    async def dead_letter(self, delivery: Delivery, reason: str) -> None:
        await self._t._run(self._t._dead, int(delivery.handle), reason)  # type: ignore[call-overload]
        self._done(int(delivery.handle))  # type: ignore[call-overload]

    async def release(self, delivery: Delivery) -> None:
        await self._t._run(self._t._release, [int(delivery.handle)], self.owner)  # type: ignore[call-overload]
        self._done(int(delivery.handle))  # type: ignore[call-overload]
        self._t._wake()

    def _done(self, row_id: int) -> None:
        self._inflight.discard(row_id)
        self._capacity.set()

    async def _keep_leases(self) -> None:
        while True:
            await asyncio.sleep(self._t.lease_seconds / 3)
            inflight = sorted(self._inflight)
            if not inflight:
                continue
            try:
                held = await self._t.extend(inflight, self.owner)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the file stayed locked: the lease has two more beats to spare
                log.warning("queue %s: lease heartbeat failed (%r); beating again", self.queue, exc)
                continue
            if held < len(inflight):
                log.warning(
                    "queue %s: %d of %d leases lapsed before their heartbeat; those messages may be"
                    " delivered again while they are being handled",
                    self.queue,
                    len(inflight) - held,
                    len(inflight),
                )

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._wakeup.set()
        self._capacity.set()
        self._heartbeat.cancel()
        with self._t._waiters_lock:
            self._t._waiters.discard((self._loop, self._wakeup))
        if self._socket.path is not None:
            self._t.own_sockets.discard(self._socket.path.name)
        self._socket.close()
        if self._flushing is not None:
            await self._flushing
        await self._flush()
        if self._inflight:
            await self._t._run(self._t._release, sorted(self._inflight), self.owner)
            self._inflight.clear()


def _delivery(queue: str, row_id: int, body: bytes, attempt: int, deliveries: int) -> Delivery:
    raw = body if isinstance(body, bytes) else str(body).encode()
    try:
        envelope: Envelope | None = Envelope.from_json(raw)
        error = None
    except (EnvelopeError, json.JSONDecodeError) as exc:
        envelope, error = None, str(exc)
    return Delivery(envelope, queue, attempt, deliveries > 1, raw=raw, decode_error=error, handle=row_id)
