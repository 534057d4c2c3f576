"""The broker's floor for bench/bus.py: our RabbitMQ transport without any database.

Events fall due at one per millisecond; every 5 ms (the relay's sweep in a stream) those due are
published in one batch with publisher confirms, as the relay sends its rows, to a quorum queue of
our arguments, and one subscription takes and acks each at once. Times count from when the event
fell due, so the floor includes the wait for the next 5 ms sweep (2.5 ms on average).
What is left is the broker (quorum-queue log and its fsync, routing, delivery) and the client
(aiormq framing, our encode/decode): the least a bus event can take on this machine.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import uuid

from genius.platform.bus.messages import ProbeSent
from genius.platform.bus.outbox import build_envelope
from genius.platform.bus.process import settle_process
from genius.platform.bus.rabbit import RabbitTransport
from genius.platform.bus.transport import Outgoing, QueueSpec

FLOOR_RATE = 1_000  # events per second
FLOOR_SECONDS = 5
SWEEP_SECONDS = 0.005  # the relay's busy poll (relay.DEFAULT_BUSY_POLL_SECONDS)


def _p50_p99(values: list[float]) -> str:
    q = statistics.quantiles(values, n=100)
    return f"{q[49]:.1f}/{q[98]:.1f}"


async def floor(url: str) -> str:
    """ "publish -> confirm p50/p99 ms; publish -> taken by the consumer p50/p99 ms"."""
    transport = RabbitTransport(url, namespace=f"benchfloor{uuid.uuid4().hex[:8]}")
    await transport.start()
    total = FLOOR_RATE * FLOOR_SECONDS
    sent, confirmed, taken = [0.0] * total, [0.0] * total, [0.0] * total
    try:
        await transport.declare(QueueSpec("floor", ("bus.probe.sent",)))
        subscription = await transport.subscribe("floor", prefetch=500)
        envelopes = [build_envelope(ProbeSent(seq=i), tenant="floor") for i in range(total)]
        settle_process()

        async def consume() -> None:
            seen = 0
            while seen < total:
                for delivery in await subscription.take(100):
                    assert delivery.envelope is not None
                    taken[int(delivery.envelope.data["seq"])] = time.perf_counter()
                    await subscription.ack(delivery)
                    seen += 1

        async def publish(first: int, last: int) -> None:
            results = await transport.publish([Outgoing(e) for e in envelopes[first:last]])
            if not all(results):
                raise RuntimeError(f"floor: events {first}..{last - 1} not all confirmed")
            now = time.perf_counter()
            confirmed[first:last] = [now] * (last - first)

        consumer = asyncio.create_task(consume())
        begin, publishes, due = time.perf_counter(), [], 0
        while due < total:
            await asyncio.sleep(SWEEP_SECONDS)
            now = time.perf_counter()
            upto = min(total, int((now - begin) * FLOOR_RATE) + 1)
            if upto > due:
                sent[due:upto] = [begin + seq / FLOOR_RATE for seq in range(due, upto)]
                publishes.append(asyncio.create_task(publish(due, upto)))
                due = upto
        await asyncio.gather(*publishes)
        await asyncio.wait_for(consumer, 120)
        await subscription.close()
    finally:
        await transport.destroy()
        await transport.close()
    to_confirm = [(c - s) * 1000 for s, c in zip(sent, confirmed, strict=True)]
    to_take = [(t - s) * 1000 for s, t in zip(sent, taken, strict=True)]
    return f"publish -> confirm {_p50_p99(to_confirm)}; publish -> taken by the consumer {_p50_p99(to_take)}"


if __name__ == "__main__":  # .venv/bin/python -m bench._bus_floor (GENIUS_TEST_AMQP_URL)
    print(asyncio.run(floor(os.environ["GENIUS_TEST_AMQP_URL"])))
