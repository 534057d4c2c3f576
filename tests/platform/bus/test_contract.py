"""The transport contract: the same tests on the local transport and on RabbitMQ."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from genius.platform.bus.consumer import Consumer, Unprocessable
from genius.platform.bus.envelope import Envelope
from genius.platform.bus.messages import EchoReplied, EchoRequested, ProbeSent
from genius.platform.bus.tables import outbox as outbox_table
from genius.platform.bus.transport import Delivery, Outgoing, QueueSpec, RetryPolicy, Transport
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs.messages import EmailSendRequested, PdfRenderRequested
from tests.platform.bus.conftest import World
from tests.platform.bus.helpers import eventually, exactly_once_handler, publish_probes, relay_for

FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.05, max_delay=0.2, jitter=0.2)


async def test_topic_routing_reaches_every_bound_queue_with_the_envelope_intact(
    world: World, transport: Transport
) -> None:
    got: dict[str, list[Delivery]] = {"exact": [], "wild": [], "other": []}

    def recorder(name: str):  # type: ignore[no-untyped-def]
        async def handle(delivery: Delivery) -> None:
            got[name].append(delivery)

        return handle

    consumers = [
        Consumer(transport, "sub-exact", {"bus.probe.sent": recorder("exact")}),
        Consumer(transport, "sub-wild", {"bus.#": recorder("wild")}),
        Consumer(transport, "sub-other", {"sales.*.issued": recorder("other")}),
    ]
    for c in consumers:
        await c.start()
    ids = publish_probes(world, 25, note="ăîșțâ")
    assert await relay_for(world, transport).drain("acme") == 25
    await eventually(lambda: len(got["exact"]) == 25 and len(got["wild"]) == 25, what="both subscribers")
    await asyncio.sleep(0.2)
    for c in consumers:
        await c.stop()
    assert got["other"] == []
    assert sorted(d.envelope.id for d in got["exact"]) == sorted(ids)  # type: ignore[union-attr]
    first = next(d.envelope for d in got["exact"] if d.envelope.data["seq"] == 0)  # type: ignore[union-attr]
    assert first is not None
    assert (first.type, first.tenant, first.source) == ("bus.probe.sent", "acme", "/genius/bus")
    assert first.dataschema == "urn:genius:schema:bus.probe.sent:v1"
    assert first.data == {"seq": 0, "note": "ăîșțâ"}
    assert first.correlationid == first.id  # a chain starts with its own id
    assert all(d.attempt == 1 and not d.redelivered for d in got["exact"])


async def test_one_consumer_at_concurrency_one_sees_a_tenant_in_commit_order(
    world: World, transport: Transport
) -> None:
    seen: list[int] = []

    async def handle(delivery: Delivery) -> None:
        seen.append(delivery.envelope.data["seq"])  # type: ignore[union-attr]

    consumer = Consumer(transport, "ordered", {"bus.probe.sent": handle}, concurrency=1, prefetch=10)
    await consumer.start()
    publish_probes(world, 300, batch=37)
    await relay_for(world, transport, batch_size=64).drain("acme")
    await eventually(lambda: len(seen) == 300, what="300 probes")
    await consumer.stop()
    assert seen == list(range(300))


async def test_a_failing_handler_is_retried_with_backoff_then_succeeds(
    world: World, transport: Transport
) -> None:
    attempts: list[tuple[int, float]] = []

    async def flaky(delivery: Delivery) -> None:
        attempts.append((delivery.attempt, time.monotonic()))
        if delivery.attempt < 3:
            raise RuntimeError("database is busy")

    policy = RetryPolicy(max_attempts=5, base_delay=0.2, max_delay=1.0, jitter=0.0)
    consumer = Consumer(transport, "flaky", {"bus.probe.sent": flaky}, retry=policy)
    await consumer.start()
    publish_probes(world, 1)
    await relay_for(world, transport).drain("acme")
    await eventually(lambda: len(attempts) == 3, what="three attempts")
    await asyncio.sleep(0.3)
    await consumer.stop()
    assert [a for a, _ in attempts] == [1, 2, 3]
    gaps = [b - a for (_, a), (_, b) in itertools.pairwise(attempts)]
    assert gaps[0] >= 0.19 and gaps[1] >= 0.39  # 0.2 s then 0.4 s: exponential
    assert await transport.dead_letters() == []


async def test_a_poison_message_is_dead_lettered_without_blocking_the_rest_and_replays_after_a_fix(
    world: World, transport: Transport
) -> None:
    fixed = False
    handled: list[int] = []
    poison_attempts: list[int] = []

    async def handle(delivery: Delivery) -> None:
        seq = delivery.envelope.data["seq"]  # type: ignore[union-attr]
        if seq == 0 and not fixed:
            poison_attempts.append(delivery.attempt)
            raise ValueError("cannot parse the invoice")
        handled.append(seq)

    consumer = Consumer(transport, "picky", {"bus.probe.sent": handle}, concurrency=1, retry=FAST_RETRY)
    await consumer.start()
    ids = publish_probes(world, 20)
    await relay_for(world, transport).drain("acme")
    await eventually(
        lambda: len(handled) == 19 and len(poison_attempts) == 3, what="19 good + 3 poison tries"
    )
    letters: list = []

    async def dead() -> None:
        letters[:] = await transport.dead_letters(queue="picky")

    for _ in range(100):
        await dead()
        if letters:
            break
        await asyncio.sleep(0.05)
    assert sorted(handled) == list(range(1, 20))
    assert poison_attempts == [1, 2, 3]
    [letter] = letters
    assert (letter.event_id, letter.type, letter.tenant, letter.attempts) == (
        ids[0],
        "bus.probe.sent",
        "acme",
        3,
    )
    assert "cannot parse the invoice" in letter.reason
    assert await transport.dead_letters(tenant="other") == []
    assert await transport.dead_letters(type="sales.invoice.issued") == []

    fixed = True
    assert await transport.replay("picky", [ids[0]]) == [ids[0]]
    await eventually(lambda: 0 in handled, what="the replayed message")
    await consumer.stop()
    assert sorted(handled) == list(range(20))
    assert await transport.dead_letters() == []


async def test_unprocessable_and_unknown_messages_go_straight_to_dead_letters_and_can_be_purged(
    world: World, transport: Transport
) -> None:
    calls: list[int] = []

    async def handle(delivery: Delivery) -> None:
        calls.append(delivery.attempt)
        raise Unprocessable("amount is negative")

    consumer = Consumer(transport, "strict", {"bus.probe.sent": handle}, retry=FAST_RETRY)
    await consumer.start()
    ids = publish_probes(world, 3)
    await relay_for(world, transport).drain("acme")
    letters: list = []

    async def wait_letters() -> None:
        for _ in range(200):
            letters[:] = await transport.dead_letters(queue="strict")
            if len(letters) == 3:
                return
            await asyncio.sleep(0.05)

    await wait_letters()
    await consumer.stop()
    assert calls == [1, 1, 1]  # no retries for what can never succeed
    assert sorted(x.event_id for x in letters) == sorted(ids)
    assert all("amount is negative" in x.reason for x in letters)
    assert await transport.purge("strict", [ids[1]]) == [ids[1]]
    remaining = await transport.dead_letters(queue="strict")
    assert sorted(x.event_id for x in remaining) == sorted([ids[0], ids[2]])
    assert sorted(await transport.purge("strict")) == sorted([ids[0], ids[2]])
    assert await transport.dead_letters() == []


async def test_worker_request_waits_for_its_worker_and_the_reply_carries_the_correlation_id(
    world: World, transport: Transport
) -> None:
    with UnitOfWork(world.databases, tenant=world.ctx()) as uow:
        request = uow.publish(EchoRequested(text="salut"), idempotency_key="job-1")
    relay = relay_for(world, transport)
    assert await relay.drain("acme") == 1  # published before any worker exists: must not be lost

    def echo(delivery: Delivery) -> None:
        with UnitOfWork(world.databases, tenant=world.ctx(delivery.envelope.tenant)) as uow:  # type: ignore[union-attr]
            uow.publish(EchoReplied(text=delivery.envelope.data["text"]))  # type: ignore[union-attr]

    replies: list[Delivery] = []

    async def on_reply(delivery: Delivery) -> None:
        replies.append(delivery)

    worker = Consumer.for_worker(transport, "echo", echo)
    waiter = Consumer(transport, "jobs.replies", {"worker.response.echo": on_reply})
    await waiter.start()
    await worker.start()
    await eventually(lambda: world.outbox_count() == 2, what="the reply in the outbox")
    await relay.drain("acme")
    await eventually(lambda: len(replies) == 1, what="the reply")
    await worker.stop()
    await waiter.stop()
    reply = replies[0].envelope
    assert reply is not None
    assert reply.type == "worker.response.echo" and reply.data == {"text": "salut"}
    assert reply.correlationid == request.id  # the reply carries the request's correlation
    assert request.idempotencykey == "job-1"


async def test_a_dotted_worker_tag_has_its_own_queue_bound_to_exactly_its_request_type(
    world: World, transport: Transport
) -> None:
    with UnitOfWork(world.databases, tenant=world.ctx()) as uow:
        pdf = uow.publish(PdfRenderRequested(template="<p>x</p>", key="sales/x.pdf"), idempotency_key="j-1")
        uow.publish(EmailSendRequested(to=["a@example.ro"], subject="s", text="t"), idempotency_key="j-2")
    relay = relay_for(world, transport)
    assert await relay.drain("acme") == 2  # each command waits in its own worker.<tag> queue

    received: list[Delivery] = []

    async def render(delivery: Delivery) -> None:
        received.append(delivery)

    worker = Consumer.for_worker(transport, "pdf.render", render)
    assert worker.spec == QueueSpec("worker.pdf.render", ("worker.request.pdf.render",))
    await worker.start()
    await eventually(lambda: len(received) == 1, what="the render request")
    await worker.stop()
    assert received[0].queue == "worker.pdf.render" and received[0].envelope is not None
    assert received[0].envelope.id == pdf.id and received[0].envelope.type == "worker.request.pdf.render"
    assert await transport.queue_depth("worker.email.send") == 1  # not delivered to pdf.render


async def test_graceful_shutdown_hands_unfinished_work_back_to_the_queue(
    world: World, transport: Transport
) -> None:
    release = asyncio.Event()
    started: list[str] = []

    async def slow(delivery: Delivery) -> None:
        started.append(delivery.envelope.id)  # type: ignore[union-attr]
        await release.wait()

    first = Consumer(transport, "slow", {"bus.probe.sent": slow}, concurrency=2, prefetch=2)
    await first.start()
    ids = publish_probes(world, 2)
    await relay_for(world, transport).drain("acme")
    await eventually(lambda: len(started) == 2, what="two in flight")
    await first.stop(grace=0.2)  # handlers still blocked: their messages go back

    done: list[Delivery] = []

    async def quick(delivery: Delivery) -> None:
        done.append(delivery)

    second = Consumer(transport, "slow", {"bus.probe.sent": quick})
    await second.start()
    await eventually(lambda: len(done) == 2, what="the returned messages")
    await second.stop()
    assert sorted(d.envelope.id for d in done) == sorted(ids)  # type: ignore[union-attr]
    assert all(d.attempt == 1 for d in done)  # a shutdown is not a failed attempt
    assert await transport.dead_letters() == []


async def test_exactly_once_effects_across_two_tenants_with_a_transactional_handler(
    world: World, transport: Transport
) -> None:
    consumer = Consumer(transport, "ledger", {"bus.probe.sent": exactly_once_handler(world, "ledger")})
    await consumer.start()
    ids = publish_probes(world, 50)
    relay = relay_for(world, transport)
    await relay.drain("acme")
    # The same rows published again (a relay that crashed before marking them sent).
    with world.engine().connect() as conn:
        again = [
            Envelope.from_json(r.body)
            for r in conn.execute(outbox_table.select().order_by(outbox_table.c.seq))
        ]
    assert await transport.publish([Outgoing(e) for e in again]) == [True] * 50
    await eventually(lambda: len(world.effects(consumer="ledger")) >= 50, what="50 effects")
    await asyncio.sleep(0.5)
    await consumer.stop()
    effects = world.effects(consumer="ledger")
    assert sorted(e for e, _ in effects) == sorted(ids)  # each once, though delivered twice


@pytest.mark.parametrize("pattern", ["bad pattern", "a..b", "A.b"])
def test_queue_specs_refuse_bad_patterns(pattern: str) -> None:
    from genius.kernel.errors import ValidationError

    with pytest.raises(ValidationError, match="patterns"):
        QueueSpec("q", (pattern,))


async def test_a_bad_message_in_a_transactional_batch_does_not_hold_back_the_others(
    world: World, transport: Transport
) -> None:
    from tests.platform.bus.helpers import recording_effect

    record = recording_effect("batcher")
    tries: list[int] = []

    def effect(uow: UnitOfWork, message: ProbeSent, delivery: Delivery) -> None:
        if message.seq == 3:
            tries.append(delivery.attempt)
            raise RuntimeError("cannot post this one")
        record(uow, message, delivery)

    from genius.platform.bus.handlers import transactional

    handler = transactional(world.databases, "batcher", effect, tenants=world.resolver)
    consumer = Consumer(transport, "batcher", {"bus.probe.sent": handler}, batch_size=50, retry=FAST_RETRY)
    await transport.declare(consumer.spec)
    ids = publish_probes(world, 40)
    await relay_for(world, transport).drain("acme")  # all waiting before the consumer starts: batches
    await consumer.start()
    await eventually(lambda: len(world.effects(consumer="batcher")) == 39, what="39 effects")
    letters: list = []
    for _ in range(100):
        letters = await transport.dead_letters(queue="batcher")
        if letters:
            break
        await asyncio.sleep(0.05)
    await consumer.stop()
    assert [x.event_id for x in letters] == [ids[3]]
    assert max(tries) == 3  # retried alone, then parked
    effects = [e for e, _ in world.effects(consumer="batcher")]
    assert sorted(effects) == sorted(ids[:3] + ids[4:]) and len(effects) == len(set(effects))


async def test_the_same_event_twice_in_one_batch_takes_effect_once(
    world: World, transport: Transport
) -> None:
    consumer = Consumer(
        transport, "twice", {"bus.probe.sent": exactly_once_handler(world, "twice")}, batch_size=50
    )
    await transport.declare(consumer.spec)
    ids = publish_probes(world, 5)
    with world.engine().connect() as conn:
        envelopes = [Envelope.from_json(r.body) for r in conn.execute(outbox_table.select())]
    assert await transport.publish([Outgoing(e) for e in envelopes + envelopes]) == [True] * 10
    await consumer.start()
    await eventually(lambda: len(world.effects(consumer="twice")) >= 5, what="5 effects")
    await asyncio.sleep(0.3)
    await consumer.stop()
    assert sorted(e for e, _ in world.effects(consumer="twice")) == sorted(ids)


async def test_an_event_of_an_unknown_tenant_is_parked_at_once(world: World, transport: Transport) -> None:
    from genius.kernel.clock import utcnow

    consumer = Consumer(transport, "ledger", {"bus.probe.sent": exactly_once_handler(world, "ledger")})
    await consumer.start()
    ghost = Envelope(
        id="ghost-1",
        type="bus.probe.sent",
        source="/genius/bus",
        time=utcnow(),
        tenant="gone",
        data={"seq": 1},
    )
    assert await transport.publish([Outgoing(ghost)]) == [True]
    letters: list = []
    for _ in range(100):
        letters = await transport.dead_letters(queue="ledger")
        if letters:
            break
        await asyncio.sleep(0.05)
    await consumer.stop()
    [letter] = letters
    assert letter.event_id == "ghost-1" and letter.attempts == 1 and "gone" in letter.reason


async def test_graceful_shutdown_lets_in_flight_work_finish_and_settle(
    world: World, transport: Transport
) -> None:
    handled: list[str] = []
    started = asyncio.Event()

    async def slow(delivery: Delivery) -> None:
        started.set()
        await asyncio.sleep(0.3)
        handled.append(delivery.envelope.id)  # type: ignore[union-attr]

    consumer = Consumer(transport, "patient", {"bus.probe.sent": slow}, concurrency=1, prefetch=1)
    await consumer.start()
    [event_id] = publish_probes(world, 1)
    await relay_for(world, transport).drain("acme")
    await asyncio.wait_for(started.wait(), 20)
    await consumer.stop(grace=5)  # the handler finishes within the grace period and is acked
    assert handled == [event_id]

    again: list[str] = []

    async def record(delivery: Delivery) -> None:
        again.append(delivery.envelope.id)  # type: ignore[union-attr]

    successor = Consumer(transport, "patient", {"bus.probe.sent": record})
    await successor.start()
    await asyncio.sleep(0.5)
    await successor.stop()
    assert again == []  # settled, so not delivered a second time
    assert await transport.queue_depth("patient") == 0
