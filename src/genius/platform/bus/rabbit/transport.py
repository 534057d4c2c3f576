"""The RabbitMQ transport (aio-pika): topic exchange, quorum queues, retry queues, one dead-letter queue.

Topology for namespace ``ns`` (``genius`` in production; tests use a unique one and delete it):

* ``ns.events``: topic exchange; messages are routed by their CloudEvents type.
* ``ns.<queue>``: one durable quorum queue per subscriber and per worker tag, bound to its
  patterns. ``x-delivery-limit`` dead-letters a message that keeps crashing its consumer;
  ``x-dead-letter-strategy=at-least-once`` (with ``x-overflow=reject-publish``, which it requires)
  so the broker does not drop a message on its way to the dead letters.
* ``ns.dlx`` (fanout) -> ``ns.dead-letters``: one durable quorum queue holding every dead
  letter; the header ``x-genius-queue`` (or ``x-death``) says where it came from.
* ``ns.retry.<ms>``: fanout exchange + classic durable queue per delay bucket. A retried message
  is published there with ``routing_key`` = its queue's name and a per-message TTL; on expiry the
  queue dead-letters it to the default exchange, which routes it by that key straight back to its
  queue. Buckets are a quarter octave wide, so a message waits at most ~19% longer than asked
  behind a longer-lived one (per-message TTL only expires at the head of a queue).

Retries and dead letters are explicit publishes (with confirms) followed by the ack of the
original, so a crash in between gives a duplicate, never a loss. Publishes always wait for the
broker's confirm; an unroutable command (``mandatory``) counts as not confirmed.

Here: the connection, the topology and publishing. Consuming is ``rabbit/subscription.py``, the
dead-letter queue's list/replay/purge ``rabbit/dead_letters.py``, the publish frames ``rabbit/frames.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Sequence
from typing import Any

import aio_pika
import aiormq
from aio_pika.abc import AbstractChannel, AbstractConnection

from genius.platform.bus.catalogue import tag_of
from genius.platform.bus.rabbit import dead_letters as dead
from genius.platform.bus.rabbit.frames import Publish, publish_batch
from genius.platform.bus.transport import (
    DEFAULT_MAX_DELIVERIES,
    DeadLetter,
    Outgoing,
    QueueSpec,
    Subscription,
    Transport,
    TransportError,
    worker_queue,
)

PUBLISH_TIMEOUT_SECONDS = 30.0


class RabbitTransport(Transport):
    """RabbitMQ through aio-pika; see the module docstring for the topology."""

    name = "rabbitmq"

    def __init__(
        self,
        url: str,
        *,
        namespace: str = "genius",
        max_deliveries: int = DEFAULT_MAX_DELIVERIES,
        publish_timeout: float = PUBLISH_TIMEOUT_SECONDS,
    ) -> None:
        self.url = url
        self.ns = namespace
        self.max_deliveries = max_deliveries
        self.publish_timeout = publish_timeout
        self.exchange_name = f"{namespace}.events"
        self.dlx_name = f"{namespace}.dlx"
        self.dead_queue = f"{namespace}.dead-letters"
        self._conn: AbstractConnection | None = None
        self._channel: AbstractChannel | None = None
        self._lock = asyncio.Lock()
        # Caches of what this connection declared, and everything ever declared (for destroy()).
        self._declared: set[str] = set()
        self._retry_buckets: set[int] = set()
        self._ever_declared: set[str] = set()
        self._ever_buckets: set[int] = set()
        self._subscriptions: set[Any] = set()  # RabbitSubscription, closed with the transport

    def qname(self, queue: str) -> str:
        return f"{self.ns}.{queue}"

    def short(self, full: str) -> str:
        prefix = f"{self.ns}."
        return full[len(prefix) :] if full.startswith(prefix) else full

    # -- connection ----------------------------------------------------------------------------
    async def start(self) -> None:
        await self._ensure()

    async def _ensure(self) -> AbstractChannel:
        if (
            self._channel is not None
            and not self._channel.is_closed
            and self._conn
            and not self._conn.is_closed
        ):
            return self._channel
        async with self._lock:
            if (
                self._channel is not None
                and not self._channel.is_closed
                and self._conn
                and not self._conn.is_closed
            ):
                return self._channel
            await self._drop()
            try:
                self._conn = await aio_pika.connect(self.url, timeout=10)
                self._channel = await self._conn.channel(publisher_confirms=True)
                await self._declare_base(self._channel)
            except Exception as exc:
                await self._drop()
                raise TransportError(f"cannot connect to RabbitMQ: {exc!r}") from exc
            # Queues may have vanished with a broker restart only if not durable; ours are, but the
            # worker-queue cache is per connection so commands re-declare after a reconnect.
            self._declared.clear()
            self._retry_buckets.clear()
            return self._channel

    async def _drop(self) -> None:
        conn, self._conn, self._channel = self._conn, None, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close()

    async def close(self) -> None:
        for sub in list(self._subscriptions):
            await sub.close()
        async with self._lock:
            await self._drop()

    async def _declare_base(self, channel: AbstractChannel) -> None:
        await channel.declare_exchange(self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True)
        dlx = await channel.declare_exchange(self.dlx_name, aio_pika.ExchangeType.FANOUT, durable=True)
        dead = await channel.declare_queue(
            self.dead_queue, durable=True, arguments={"x-queue-type": "quorum"}
        )
        await dead.bind(dlx, routing_key="")

    def queue_arguments(self) -> dict[str, Any]:
        return {
            "x-queue-type": "quorum",
            "x-delivery-limit": self.max_deliveries,
            "x-dead-letter-exchange": self.dlx_name,
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        }

    async def declare(self, spec: QueueSpec) -> None:
        channel = await self._ensure()
        queue = await channel.declare_queue(
            self.qname(spec.name), durable=True, arguments=self.queue_arguments()
        )
        for pattern in spec.patterns:
            await queue.bind(self.exchange_name, routing_key=pattern)
        self._declared.add(spec.name)
        self._ever_declared.add(spec.name)

    async def _retry_exchange(self, delay: float) -> str:
        # Quarter-octave buckets: see the module docstring.
        ms = max(1, int(delay * 1000))
        bucket = int(2 ** (math.floor(math.log2(ms) * 4) / 4))
        name = f"{self.ns}.retry.{bucket}"
        if bucket not in self._retry_buckets:
            channel = await self._ensure()
            exchange = await channel.declare_exchange(name, aio_pika.ExchangeType.FANOUT, durable=True)
            queue = await channel.declare_queue(name, durable=True, arguments={"x-dead-letter-exchange": ""})
            await queue.bind(exchange, routing_key="")
            self._retry_buckets.add(bucket)
            self._ever_buckets.add(bucket)
        return name

    # -- publish -------------------------------------------------------------------------------
    async def publish(self, messages: Sequence[Outgoing]) -> list[bool]:
        await self._ensure()
        for m in messages:
            tag = tag_of(m.envelope.type)
            if (
                tag
                and m.envelope.type.startswith("worker.request.")
                and f"worker.{tag}" not in self._declared
            ):
                # A command must wait for its worker even if the worker has not started yet.
                await self.declare(worker_queue(tag))
        assert self._channel is not None
        # aiormq directly, the whole batch in one write with its confirms awaited together
        # (frames.publish_batch): aio-pika's publish waits for each frame to drain while holding
        # the channel lock, and aiormq's basic_publish costs a coroutine and a lock per message.
        channel = await self._channel.get_underlay_channel()
        batch = []
        for m in messages:
            env = m.envelope
            if m.target_queue is not None:
                exchange, key, mandatory = "", self.qname(m.target_queue), True
            else:
                exchange, key = self.exchange_name, env.type
                mandatory = env.type.startswith("worker.request.")  # commands must reach a queue
            batch.append(
                Publish(
                    exchange=exchange,
                    routing_key=key,
                    body=env.amqp_body(),
                    message_id=env.id,
                    content_type=env.datacontenttype,
                    headers=env.amqp_headers(),
                    correlation_id=env.correlationid,
                    timestamp=env.time,
                    message_type=env.type,
                    mandatory=mandatory,
                )
            )
        try:
            results = await publish_batch(channel, batch, self.publish_timeout)
        except TimeoutError:
            await self._reset()
            return [False] * len(messages)
        except Exception:  # the channel or connection closed under us: nothing is known confirmed
            await self._reset()
            return [False] * len(messages)
        confirmed = [isinstance(r, aiormq.spec.Basic.Ack) for r in results]
        if any(isinstance(r, BaseException) for r in results):
            await self._reset()
        return confirmed

    async def _reset(self) -> None:
        async with self._lock:
            await self._drop()

    async def _publish_raw(self, exchange_name: str, routing_key: str, body: bytes, properties: Any) -> None:
        """Publish a received message's body and properties with a confirm, or raise."""
        await self._ensure()
        assert self._channel is not None
        channel = await self._channel.get_underlay_channel()
        try:
            result = await asyncio.wait_for(
                channel.basic_publish(
                    body,
                    exchange=exchange_name,
                    routing_key=routing_key,
                    properties=properties,
                    mandatory=True,
                ),
                self.publish_timeout,
            )
        except Exception as exc:
            await self._reset()
            raise TransportError(
                f"publish to {exchange_name or 'default'}/{routing_key} failed: {exc!r}"
            ) from exc
        if not isinstance(result, aiormq.spec.Basic.Ack):
            raise TransportError(f"publish to {exchange_name or 'default'}/{routing_key} was not confirmed")

    # -- consume -------------------------------------------------------------------------------
    async def subscribe(self, queue: str, *, prefetch: int) -> Subscription:
        from genius.platform.bus.rabbit.subscription import RabbitSubscription, connect_reading

        try:
            conn = await connect_reading(self.url, timeout=10)
        except Exception as exc:
            raise TransportError(f"cannot connect to RabbitMQ: {exc!r}") from exc

        sub = RabbitSubscription(self, conn, queue, prefetch)
        try:
            await sub.open()
        except Exception as exc:
            await sub.close()
            raise TransportError(f"cannot consume {queue!r}: {exc!r}") from exc
        self._subscriptions.add(sub)
        return sub

    # -- dead letters (rabbit/dead_letters.py) --------------------------------------------------
    async def dead_letters(
        self,
        *,
        queue: str | None = None,
        tenant: str | None = None,
        type: str | None = None,
        limit: int = 100,
    ) -> list[DeadLetter]:
        return await dead.letters(self, queue=queue, tenant=tenant, type_=type, limit=limit)

    async def replay(
        self,
        queue: str,
        event_ids: Sequence[str] | None = None,
        *,
        tenant: str | None = None,
        type: str | None = None,
    ) -> list[str]:
        return await dead.settle(self, queue, event_ids, tenant, type, replay=True)

    async def purge(
        self,
        queue: str,
        event_ids: Sequence[str] | None = None,
        *,
        tenant: str | None = None,
        type: str | None = None,
    ) -> list[str]:
        return await dead.settle(self, queue, event_ids, tenant, type, replay=False)

    async def queue_depth(self, queue: str) -> int:
        channel = await self._ensure()
        declared = await channel.declare_queue(self.qname(queue), passive=True)
        return int(declared.declaration_result.message_count or 0)

    async def destroy(self) -> None:
        """Delete every exchange and queue of this namespace that this object declared (tests)."""
        channel = await self._ensure()
        for queue in [
            *(self.qname(q) for q in self._ever_declared),
            self.dead_queue,
            *(f"{self.ns}.retry.{b}" for b in self._ever_buckets),
        ]:
            with contextlib.suppress(Exception):
                await channel.queue_delete(queue)
        for exchange in [
            self.exchange_name,
            self.dlx_name,
            *(f"{self.ns}.retry.{b}" for b in self._ever_buckets),
        ]:
            with contextlib.suppress(Exception):
                await channel.exchange_delete(exchange)
