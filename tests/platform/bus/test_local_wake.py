"""The local queue wakes consumers in other processes (here: another transport on the same file, which
the publisher's in-process event does not reach) through their wake sockets; polling stays the fallback."""

from __future__ import annotations

import asyncio
import os
import socket
import time
from pathlib import Path

import pytest

from genius.platform.bus.local import LocalTransport
from genius.platform.bus.local.wake import wake_consumers
from genius.platform.bus.messages import ProbeSent
from genius.platform.bus.outbox import build_envelope
from genius.platform.bus.transport import Outgoing, QueueSpec

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets here")


def probe(seq: int) -> Outgoing:
    return Outgoing(build_envelope(ProbeSent(seq=seq), tenant="acme"), None)


async def test_a_publish_through_another_transport_wakes_the_waiting_consumer_at_once(tmp_path: Path) -> None:
    path = tmp_path / "bus" / "queue.db"
    publisher, consumer = LocalTransport(path), LocalTransport(path, poll_seconds=30.0)  # polls every 3-30 s
    await publisher.start()
    await consumer.start()
    await publisher.declare(QueueSpec("probes", ("bus.probe.sent",)))
    subscription = await consumer.subscribe("probes", prefetch=10)
    try:
        taking = asyncio.create_task(subscription.take(10))
        await asyncio.sleep(0.2)  # its first claim found nothing: it waits
        assert not taking.done()
        began = time.monotonic()
        await publisher.publish([probe(1)])
        deliveries = await asyncio.wait_for(taking, 2.0)
        assert [d.envelope.data["seq"] for d in deliveries if d.envelope] == [1]
        assert time.monotonic() - began < 2.0
    finally:
        await subscription.close()
        await consumer.close()
        await publisher.close()
    assert list(consumer.wake_folder.iterdir()) == []  # the socket is gone with its subscription


async def test_only_the_queues_written_to_are_woken_and_dead_sockets_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "bus" / "queue.db"
    transport = LocalTransport(path)
    await transport.start()
    await transport.declare(QueueSpec("probes", ("bus.probe.sent",)))
    await transport.declare(QueueSpec("others", ("sales.#",)))
    probes = await transport.subscribe("probes", prefetch=10)
    others = await transport.subscribe("others", prefetch=10)
    try:
        assert wake_consumers(transport.wake_folder, ["probes"]) == 1
        assert wake_consumers(transport.wake_folder, ["nobody"]) == 0
        assert wake_consumers(transport.wake_folder, ["probes"], skip=transport.own_sockets) == 0
        dead = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        dead_path = transport.wake_folder / (next(transport.wake_folder.iterdir()).name[:8] + ".1.0.sock")
        dead.bind(str(dead_path))
        dead.close()  # its file stays, nobody listens: as after a crash
        assert wake_consumers(transport.wake_folder, ["probes", "others"]) == 2
        assert not dead_path.exists()
    finally:
        await probes.close()
        await others.close()
        await transport.close()


async def test_a_folder_path_too_long_for_a_socket_leaves_the_consumer_polling(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 100) / "bus"
    transport = LocalTransport(deep / "queue.db", poll_seconds=0.05)
    await transport.start()
    await transport.declare(QueueSpec("probes", ("bus.probe.sent",)))
    subscription = await transport.subscribe("probes", prefetch=10)
    try:
        assert os.listdir(transport.wake_folder) == []
        await transport.publish([probe(2)])
        deliveries = await asyncio.wait_for(subscription.take(10), 2.0)
        assert len(deliveries) == 1
    finally:
        await subscription.close()
        await transport.close()
