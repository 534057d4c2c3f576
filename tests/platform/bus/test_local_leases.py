"""The local transport keeps a leased message away from other consumers while its consumer works.

Lease heartbeats go on a thread and connection of their own (not behind claims and publishes
waiting for the file's lock), survive a failed write, and a claim that finds the file locked
waits instead of failing the subscription (which would hand back messages still being handled).
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from genius.kernel.clock import utcnow
from genius.platform.bus.envelope import Envelope
from genius.platform.bus.local import LocalTransport
from genius.platform.bus.local import transport as local_transport
from genius.platform.bus.transport import Outgoing, QueueSpec

QUEUE = "leased"


async def _transport(path: Path, lease: float) -> LocalTransport:
    transport = LocalTransport(path, lease_seconds=lease)
    await transport.start()
    await transport.declare(QueueSpec(QUEUE, ("bus.probe.sent",)))
    return transport


async def _publish(transport: LocalTransport) -> None:
    envelope = Envelope(
        id="e1", type="bus.probe.sent", source="/t", time=utcnow(), tenant="acme", data={"seq": 1}
    )
    await transport.publish([Outgoing(envelope)])


async def _others_get_nothing(path: Path, seconds: float) -> None:
    """Another process (its own transport on the file) polls the queue for ``seconds``."""
    other = LocalTransport(path, lease_seconds=5.0)
    await other.start()
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            stolen = await other._run(other._claim, QUEUE, "thief", 10)
            assert stolen == [], "the message was leased again while its consumer still held it"
            await asyncio.sleep(0.05)
    finally:
        await other.close()


async def test_a_lease_outlives_a_busy_transport_thread(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    transport = await _transport(path, lease=0.3)
    try:
        await _publish(transport)
        subscription = await transport.subscribe(QUEUE, prefetch=1)
        [delivery] = await subscription.take(1)
        # The transport's thread is stuck (a claim waiting for another process's write) for
        # five leases: the heartbeats still land on their own thread.
        assert transport._executor is not None
        stuck = asyncio.get_running_loop().run_in_executor(transport._executor, time.sleep, 1.5)
        await _others_get_nothing(path, 1.5)
        await stuck
        await subscription.ack(delivery)
        await subscription.close()
    finally:
        await transport.close()


async def test_a_failed_heartbeat_does_not_stop_the_next_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = LocalTransport._extend
    calls: list[int] = []

    def flaky(self: LocalTransport, ids: Any, owner: str) -> int:
        calls.append(len(ids))
        if len(calls) == 1:
            raise sqlite3.OperationalError("database is locked")
        return original(self, ids, owner)

    monkeypatch.setattr(LocalTransport, "_extend", flaky)
    path = tmp_path / "q.db"
    transport = await _transport(path, lease=0.6)
    try:
        await _publish(transport)
        subscription = await transport.subscribe(QUEUE, prefetch=1)
        [delivery] = await subscription.take(1)
        await _others_get_nothing(path, 1.8)
        assert len(calls) >= 3  # it kept beating after the failure
        await subscription.ack(delivery)
        await subscription.close()
    finally:
        await transport.close()


async def test_a_claim_that_finds_the_file_locked_waits_and_claims_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local_transport, "SQLITE_BUSY_TIMEOUT_MS", 100)
    path = tmp_path / "q.db"
    transport = await _transport(path, lease=5.0)
    try:
        await _publish(transport)
        locked, release = threading.Event(), threading.Event()

        def hold_the_lock() -> None:  # another process writing for 0.6 s
            db = sqlite3.connect(path, isolation_level=None)
            db.execute("BEGIN IMMEDIATE")
            locked.set()
            release.wait(5)
            db.execute("COMMIT")
            db.close()

        holder = threading.Thread(target=hold_the_lock)
        holder.start()
        locked.wait(5)
        subscription = await transport.subscribe(QUEUE, prefetch=1)
        taking = asyncio.ensure_future(subscription.take(1))
        await asyncio.sleep(0.6)
        assert not taking.done()  # neither a delivery nor an error while the file is locked
        release.set()
        [delivery] = await asyncio.wait_for(taking, 10)
        assert delivery.envelope is not None and delivery.envelope.id == "e1"
        await subscription.ack(delivery)
        await subscription.close()
        holder.join(5)
    finally:
        await transport.close()
