"""Faults that must lose nothing and repeat no effect: broker connection cut, consumer killed, relay crash."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from genius.platform.bus.consumer import Consumer
from genius.platform.bus.local import LocalTransport
from genius.platform.bus.relay import Relay
from genius.platform.bus.transport import Delivery, QueueSpec, Transport
from tests.platform.bus.conftest import PROJECT_ROOT, World, dispose, namespace
from tests.platform.bus.helpers import eventually, exactly_once_handler, publish_probes, relay_for
from tests.platform.bus.proxy import CuttableProxy


def assert_exactly_once(world: World, consumer: str, ids: list[str]) -> None:
    effects = world.effects(consumer=consumer)
    seen = [e for e, _ in effects]
    duplicates = len(seen) - len(set(seen))
    missing = set(ids) - set(seen)
    assert duplicates == 0, f"{duplicates} effects happened twice"
    assert not missing, f"{len(missing)} events never took effect"
    assert len(seen) == len(ids)


@pytest.mark.rabbitmq
@pytest.mark.slow
async def test_ten_thousand_events_survive_cut_broker_connections(world: World, amqp_url: str) -> None:
    from genius.platform.bus.rabbit import RabbitTransport

    proxy = CuttableProxy.for_url(amqp_url)
    await proxy.start()
    ns = namespace()
    transport = RabbitTransport(proxy.url(amqp_url), namespace=ns, publish_timeout=5)
    await transport.start()
    deliveries = 0
    handler = exactly_once_handler(world, "ledger")

    def counting(delivery: Delivery) -> None:
        nonlocal deliveries
        deliveries += 1
        handler(delivery)

    consumer = Consumer(transport, "ledger", {"bus.probe.sent": counting}, concurrency=8, prefetch=64)
    relay = relay_for(world, transport, batch_size=500, idle_seconds=0.05)
    try:
        await consumer.start()
        await relay.start()
        producing = asyncio.create_task(asyncio.to_thread(publish_probes, world, 10_000, batch=100))
        count = lambda: world.scalar("SELECT count(*) FROM effects")  # noqa: E731
        for threshold in (1_500, 4_000, 7_000):
            await eventually(lambda t=threshold: count() >= t, timeout=120, what=f"{threshold} effects")
            assert proxy.cut() > 0  # relay and consumer connections both die mid-stream
        ids = await producing
        await eventually(lambda: count() >= 10_000, timeout=180, what="all 10,000 effects")
        await eventually(
            lambda: world.outbox_count(pending=True) == 0,
            timeout=60,
            what="an empty outbox",
        )
        await asyncio.sleep(1.0)  # let any redelivered duplicate arrive before counting
    finally:
        await relay.stop()
        await consumer.stop()
        await proxy.close()
        cleanup = RabbitTransport(amqp_url, namespace=ns)
        cleanup._ever_declared, cleanup._ever_buckets = transport._ever_declared, transport._ever_buckets
        await dispose(cleanup)
        await transport.close()
    assert_exactly_once(world, "ledger", ids)
    assert deliveries >= 10_000


async def test_a_consumer_killed_mid_work_loses_nothing_and_repeats_no_effect(
    world: World, transport: Transport, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    kind = "local" if isinstance(transport, LocalTransport) else "rabbitmq"
    url = request.getfixturevalue("amqp_url") if kind == "rabbitmq" else ""
    ns = getattr(transport, "ns", "")
    if isinstance(transport, LocalTransport):
        transport.lease_seconds = 1.0
    await transport.declare(QueueSpec("ledger", ("bus.probe.sent",)))
    ids = publish_probes(world, 400)
    await relay_for(world, transport).drain("acme")

    def spawn() -> subprocess.Popen[str]:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.platform.bus.consumer_process",
                str(tmp_path),
                kind,
                url,
                ns,
                "ledger",
                "0.005",
            ],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ},
        )

    victim = spawn()
    try:
        assert victim.stdout is not None and victim.stdout.readline().strip() == "ready"
        await eventually(lambda: world.scalar("SELECT count(*) FROM effects") >= 100, what="work under way")
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        before = world.scalar("SELECT count(*) FROM effects")
        assert before < 400, "the victim finished before it was killed; the test proved nothing"
    finally:
        if victim.poll() is None:
            victim.kill()
            victim.wait(10)
        if victim.stdout is not None:
            victim.stdout.close()
    successor = Consumer(transport, "ledger", {"bus.probe.sent": exactly_once_handler(world, "ledger")})
    await successor.start()
    await eventually(
        lambda: world.scalar("SELECT count(*) FROM effects") >= 400, timeout=60, what="all effects"
    )
    await asyncio.sleep(1.5)  # past the local lease: a stray redelivery would show up as a duplicate
    await successor.stop()
    assert_exactly_once(world, "ledger", ids)


class CrashingRelay(Relay):
    """Dies after the broker confirmed a batch and before marking it sent."""

    def _mark_published(self, slug: str, seqs: object) -> None:
        raise RuntimeError("relay process died")


async def test_a_relay_crash_between_publish_and_mark_sent_is_absorbed_by_the_inbox(
    world: World, transport: Transport
) -> None:
    deliveries: list[str] = []
    handler = exactly_once_handler(world, "ledger")

    def counting(delivery: Delivery) -> None:
        deliveries.append(delivery.envelope.id)  # type: ignore[union-attr]
        handler(delivery)

    consumer = Consumer(transport, "ledger", {"bus.probe.sent": counting})
    await consumer.start()
    ids = publish_probes(world, 100)
    with pytest.raises(RuntimeError, match="relay process died"):
        await CrashingRelay(transport, world.databases, lambda: ["acme"], lease_seconds=0.5).drain("acme")
    assert world.outbox_count(pending=True) == 100
    await asyncio.sleep(0.6)  # the dead relay's lease runs out; a new relay takes over
    assert await relay_for(world, transport).drain("acme") == 100
    await eventually(lambda: len(deliveries) >= 200, what="both copies delivered")
    await asyncio.sleep(0.3)
    await consumer.stop()
    assert sorted(deliveries) == sorted(ids * 2)  # every event arrived twice ...
    assert_exactly_once(world, "ledger", ids)  # ... and took effect once


async def test_a_second_relay_waits_while_the_first_holds_the_tenant_lease(
    world: World, transport: Transport
) -> None:
    await transport.declare(QueueSpec("ledger", ("bus.probe.sent",)))
    publish_probes(world, 10)
    first = relay_for(world, transport, lease_seconds=30)
    second = relay_for(world, transport, lease_seconds=30)
    assert await first.run_once("acme") == 10
    publish_probes(world, 5, start=10)
    assert await second.run_once("acme") == 0  # the lease keeps the tenant's order single-file
    assert await first.run_once("acme") == 5
    await first.flush_marks("acme")
    await asyncio.to_thread(first.release_leases)
    publish_probes(world, 1, start=15)
    assert await second.run_once("acme") == 1


async def test_local_transport_dead_letters_a_message_that_keeps_killing_its_consumer(tmp_path: Path) -> None:
    transport = LocalTransport(tmp_path / "q.db", max_deliveries=3, lease_seconds=0.05)
    await transport.start()
    world_envelope = None
    try:
        from genius.kernel.clock import utcnow
        from genius.platform.bus.envelope import Envelope
        from genius.platform.bus.transport import Outgoing

        await transport.declare(QueueSpec("fragile", ("bus.probe.sent",)))
        world_envelope = Envelope(
            id="e1", type="bus.probe.sent", source="/t", time=utcnow(), tenant="acme", data={"seq": 1}
        )
        await transport.publish([Outgoing(world_envelope)])
        for _ in range(3):  # each claim is a consumer that died holding the lease
            claimed = await transport._run(transport._claim, "fragile", "dead-consumer", 10)
            assert [r[0] for r in claimed]
            await asyncio.sleep(0.06)
        assert await transport._run(transport._claim, "fragile", "next", 10) == []
        [letter] = await transport.dead_letters()
        assert letter.event_id == "e1" and "delivery limit 3" in letter.reason
    finally:
        await transport.close()


@pytest.mark.rabbitmq
async def test_rabbitmq_dead_letters_a_message_that_keeps_coming_back_unacked(
    world: World, amqp_url: str
) -> None:
    """The quorum queue's delivery limit is the broker-side net for consumers that die holding a message."""
    import aio_pika

    from genius.platform.bus.rabbit import RabbitTransport

    transport = RabbitTransport(amqp_url, namespace=namespace(), max_deliveries=2)
    await transport.start()
    try:
        await transport.declare(QueueSpec("fragile", ("bus.probe.sent",)))
        [event_id] = publish_probes(world, 1)
        await relay_for(world, transport).drain("acme")
        connection = await aio_pika.connect(amqp_url)
        try:
            channel = await connection.channel()
            queue = await channel.get_queue(transport.qname("fragile"), ensure=False)
            for _ in range(3):  # each return is a consumer that died: deliveries 1, 2, 3 > limit 2
                message = await queue.get(timeout=5, fail=False)
                if message is None:
                    break
                await message.nack(requeue=True)
        finally:
            await connection.close()
        letters: list = []
        for _ in range(100):
            letters = await transport.dead_letters(queue="fragile")
            if letters:
                break
            await asyncio.sleep(0.05)
        [letter] = letters
        assert letter.event_id == event_id and letter.tenant == "acme"
        assert "broker" in letter.reason  # dead-lettered by RabbitMQ, found through x-death
        assert await transport.replay("fragile") == [event_id]
        assert await transport.queue_depth("fragile") == 1
    finally:
        await dispose(transport)


async def test_rows_of_a_failed_publish_are_published_by_the_next_pass(world: World, tmp_path: Path) -> None:
    from genius.platform.bus.transport import TransportError

    class FlakyTransport(LocalTransport):
        failures = 1

        async def publish(self, messages):  # type: ignore[no-untyped-def]
            if self.failures:
                self.failures -= 1
                raise TransportError("broker went away")
            return await super().publish(messages)

    transport = FlakyTransport(tmp_path / "flaky.db")
    await transport.start()
    try:
        await transport.declare(QueueSpec("sink", ("bus.#",)))
        publish_probes(world, 5)
        relay = relay_for(world, transport)
        with pytest.raises(TransportError):
            await relay.run_once("acme")
        assert await relay.drain("acme") == 5  # no new commit needed to pick them up again
        assert world.outbox_count(pending=True) == 0
        assert await transport.queue_depth("sink") == 5
    finally:
        await transport.close()
