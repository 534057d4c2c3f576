"""Consumer batching: one transaction per (handler, tenant) at a time; what waits goes in the next one."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from genius.platform.bus.consumer import Consumer
from genius.platform.bus.transport import Delivery, Transport
from tests.platform.bus.conftest import World
from tests.platform.bus.helpers import eventually, exactly_once_handler, publish_probes, relay_for


class Gated:
    """A batch handler that records its batches, holds the first one until released, and
    notes how many batches of one tenant ever ran at the same time."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.batches: list[tuple[str, int]] = []
        self.entered = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._running: dict[str, int] = {}
        self.most_at_once = 0

    def __call__(self, delivery: Delivery) -> None:
        self.batch([delivery])

    def batch(self, deliveries: Sequence[Delivery]) -> None:
        tenant = deliveries[0].envelope.tenant  # type: ignore[union-attr]
        with self._lock:
            self._running[tenant] = self._running.get(tenant, 0) + 1
            self.most_at_once = max(self.most_at_once, self._running[tenant])
            self.batches.append((tenant, len(deliveries)))
        try:
            self.entered.set()
            assert self.release.wait(20), "the test never released the first batch"
            self.inner.batch(deliveries)  # type: ignore[attr-defined]
        finally:
            with self._lock:
                self._running[tenant] -= 1


async def test_a_tenants_messages_wait_for_its_running_batch_and_go_together_in_the_next(
    world: World, transport: Transport
) -> None:
    handler = Gated(exactly_once_handler(world, "gated"))
    consumer = Consumer(transport, "gated", {"bus.probe.sent": handler}, concurrency=4, batch_size=50)
    relay = relay_for(world, transport)
    await consumer.start()
    try:
        publish_probes(world, 1)
        await relay.drain("acme")
        await eventually(handler.entered.is_set, what="the first batch to start")
        publish_probes(world, 30, start=1, batch=1)  # 30 units of work while the first batch runs
        await relay.drain("acme")
        await eventually(
            lambda: consumer.transport is not None and _waiting(consumer) == 30, what="30 waiting"
        )
        handler.release.set()
        await eventually(lambda: len(world.effects(consumer="gated")) == 31, what="31 effects")
    finally:
        handler.release.set()
        await consumer.stop()
    assert handler.most_at_once == 1  # concurrency 4, yet one transaction of the tenant at a time
    assert handler.batches == [("acme", 1), ("acme", 30)]
    assert sorted(seq for _, seq in world.effects(consumer="gated")) == list(range(31))


def _waiting(consumer: Consumer) -> int:
    return sum(len(v) for v in consumer._waiting.values())


async def test_full_batches_waiting_behind_a_running_one_start_beside_it_up_to_the_concurrency(
    world: World, transport: Transport
) -> None:
    handler = Gated(exactly_once_handler(world, "backlog"))
    consumer = Consumer(
        transport, "backlog", {"bus.probe.sent": handler}, concurrency=3, batch_size=10, prefetch=100
    )
    relay = relay_for(world, transport)
    await consumer.start()
    try:
        publish_probes(world, 1)
        await relay.drain("acme")
        await eventually(handler.entered.is_set, what="the first batch to start")
        publish_probes(world, 45, start=1)  # a backlog: four full batches and a part
        await relay.drain("acme")
        await eventually(lambda: len(handler.batches) == 3, what="two full batches beside the first")
        handler.release.set()
        await eventually(lambda: len(world.effects(consumer="backlog")) == 46, what="46 effects")
    finally:
        handler.release.set()
        await consumer.stop()
    assert handler.most_at_once == 3, handler.batches
    assert handler.batches[:3] == [("acme", 1), ("acme", 10), ("acme", 10)]
    assert sum(size for _, size in handler.batches) == 46
