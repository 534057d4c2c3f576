"""Consuming one quorum queue through aiormq: deliveries, coalesced acks, retries and dead letters."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import aio_pika
import aiormq
from aio_pika.abc import AbstractConnection

from genius.platform.bus.envelope import JSON_CONTENT_TYPE, Envelope, EnvelopeError
from genius.platform.bus.rabbit.deliveries import DeliveryTransportFactory, Received
from genius.platform.bus.rabbit.headers import ATTEMPT_HEADER, DEAD_AT_HEADER, QUEUE_HEADER, REASON_HEADER
from genius.platform.bus.transport import Delivery, Subscription, TransportError

if TYPE_CHECKING:
    from genius.platform.bus.rabbit.transport import RabbitTransport


class ReadingConnection(aio_pika.Connection):
    """aio-pika's connection over ``DeliveryTransportFactory`` (deliveries read by rabbit/deliveries.py)."""

    def __init__(self, url: str, factory: DeliveryTransportFactory) -> None:
        super().__init__(url)
        self.kwargs["transport_factory"] = factory
        self.factory = factory


async def connect_reading(url: str, timeout: float) -> ReadingConnection:
    conn = ReadingConnection(url, DeliveryTransportFactory())
    await conn.connect(timeout=timeout)
    return conn


class RabbitSubscription(Subscription):
    """Consumes one quorum queue on its own connection; a lost connection ends the iteration.

    On a ``ReadingConnection`` the deliveries are decoded by its protocol (rabbit/deliveries.py)
    and arrive in ``_on_received``; otherwise through aiormq's consumer callback. Either way a
    delivery's handle is a ``Received``.
    """

    _CLOSED = object()

    def __init__(
        self, transport: RabbitTransport, conn: AbstractConnection, queue: str, prefetch: int
    ) -> None:
        self._t = transport
        self._conn = conn
        self.queue = queue
        self.prefetch = prefetch
        # Deliveries waiting for ``take`` (a deque and one waiter: cheaper per message than a Queue).
        self._ready: deque[Any] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False
        self._lost: BaseException | None = None
        self._raw: aiormq.abc.AbstractChannel | None = None
        # Acks are coalesced into one ``multiple`` ack up to the lowest tag still in flight.
        self._unsettled: set[int] = set()
        self._acked: list[int] = []
        self._ack_scheduled = False
        self._ack_tasks: set[asyncio.Task[None]] = set()

    async def open(self) -> None:
        channel = await self._conn.channel()
        await channel.set_qos(prefetch_count=self.prefetch)
        await channel.declare_queue(
            self._t.qname(self.queue), durable=True, arguments=self._t.queue_arguments()
        )
        self._conn.close_callbacks.add(self._on_close)
        channel.close_callbacks.add(self._on_close)
        self._raw = await channel.get_underlay_channel()
        factory = getattr(self._conn, "factory", None)
        reader = factory.reader if factory is not None else None
        if reader is not None:
            reader.route(self._raw.number, self._on_received)
        await self._raw.basic_consume(self._t.qname(self.queue), self._on_message, no_ack=False)

    def _on_received(self, message: Received) -> None:
        self._put(message)

    async def _on_message(self, message: aiormq.abc.DeliveredMessage) -> None:
        self._put(Received.from_aiormq(message))

    def _put(self, item: Any) -> None:
        self._ready.append(item)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def _on_close(self, _sender: Any, exc: BaseException | None = None) -> None:
        self._lost = exc or ConnectionError("closed")
        self._put(self._CLOSED)

    async def take(self, max_count: int) -> list[Delivery]:
        ready = self._ready
        while not ready:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        taken = [ready.popleft() for _ in range(min(max_count, len(ready)))]
        if self._CLOSED in taken:
            self._ready.appendleft(self._CLOSED)  # seen again by the next take
            taken = taken[: taken.index(self._CLOSED)]
            if not taken:
                if self._closed:
                    return []
                raise TransportError(
                    f"connection to RabbitMQ lost while consuming {self.queue}: {self._lost!r}"
                )
        return [self._delivery(m) for m in taken]

    def _delivery(self, message: Received) -> Delivery:
        tag = message.delivery_tag
        self._unsettled.add(tag)
        props = message.properties
        headers = props.headers or {}
        try:
            envelope: Envelope | None = Envelope.from_amqp(
                headers, message.body, props.content_type or JSON_CONTENT_TYPE
            )
            error = None
        except EnvelopeError as exc:
            envelope, error = None, exc.message
        return Delivery(
            envelope=envelope,
            queue=self.queue,
            attempt=int(headers.get(ATTEMPT_HEADER) or 1),
            redelivered=message.redelivered,
            raw=message.body,
            decode_error=error,
            handle=message,
        )

    @staticmethod
    def _tag(delivery: Delivery) -> int:
        return int(delivery.handle.delivery_tag)  # type: ignore[attr-defined]

    async def ack(self, delivery: Delivery) -> None:
        tag = self._tag(delivery)
        self._acked.append(tag)
        self._unsettled.discard(tag)
        self._schedule_flush()

    def _schedule_flush(self) -> None:
        if self._acked and not self._ack_scheduled:
            # Runs after the current callbacks, so acks settled in the same loop turn share one frame.
            self._ack_scheduled = True
            task = asyncio.get_running_loop().create_task(self._flush_acks())
            self._ack_tasks.add(task)
            task.add_done_callback(self._ack_tasks.discard)

    async def _flush_acks(self) -> None:
        """One ``basic.ack(multiple)`` for every acked tag below the lowest unsettled one."""
        self._ack_scheduled = False
        floor = min(self._unsettled) if self._unsettled else None
        ready = [t for t in self._acked if floor is None or t < floor]
        if not ready or self._raw is None:
            return
        self._acked = [t for t in self._acked if floor is not None and t > floor]
        with contextlib.suppress(Exception):  # lost connection: the broker redelivers, inboxes absorb
            # multiple=True also covers tags retried/dead-lettered/released one by one; those are
            # no longer outstanding, so the broker ignores them.
            await self._raw.basic_ack(max(ready), multiple=True)

    async def _settle_one(self, delivery: Delivery, *, requeue: bool | None = None) -> None:
        """Ack (requeue None) or nack one delivery at once, outside the coalesced acks."""
        tag = self._tag(delivery)
        assert self._raw is not None
        if requeue is None:
            await self._raw.basic_ack(tag)
        else:
            await self._raw.basic_nack(tag, requeue=requeue)
        self._unsettled.discard(tag)
        self._schedule_flush()

    def _copy_properties(self, delivery: Delivery, headers: dict[str, Any], expiration: float | None) -> Any:
        props = delivery.handle.properties  # type: ignore[attr-defined]
        return aiormq.spec.Basic.Properties(
            content_type=props.content_type,
            headers=headers,
            delivery_mode=2,
            message_id=props.message_id,
            correlation_id=props.correlation_id,
            timestamp=props.timestamp,
            message_type=props.message_type,
            expiration=str(max(1, int(expiration * 1000))) if expiration is not None else None,
        )

    async def retry(self, delivery: Delivery, delay: float, error: str) -> None:
        props = delivery.handle.properties  # type: ignore[attr-defined]
        headers = {k: v for k, v in (props.headers or {}).items() if k != "x-death"}
        headers[ATTEMPT_HEADER] = delivery.attempt + 1
        exchange = await self._t._retry_exchange(delay)
        await self._t._publish_raw(
            exchange, self._t.qname(self.queue), delivery.raw, self._copy_properties(delivery, headers, delay)
        )
        await self._settle_one(delivery)

    async def dead_letter(self, delivery: Delivery, reason: str) -> None:
        props = delivery.handle.properties  # type: ignore[attr-defined]
        headers = dict(props.headers or {})
        headers.update(
            {
                ATTEMPT_HEADER: delivery.attempt,
                QUEUE_HEADER: self.queue,
                REASON_HEADER: reason[:2000],
                DEAD_AT_HEADER: datetime.now(UTC).isoformat(),
            }
        )
        await self._t._publish_raw(
            self._t.dlx_name,
            self._t.qname(self.queue),
            delivery.raw,
            self._copy_properties(delivery, headers, None),
        )
        await self._settle_one(delivery)

    async def release(self, delivery: Delivery) -> None:
        await self._settle_one(delivery, requeue=True)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._t._subscriptions.discard(self)
        # Acks still on their way must reach the broker before we hang up, or it redelivers.
        await asyncio.gather(*self._ack_tasks, return_exceptions=True)
        await self._flush_acks()
        with contextlib.suppress(Exception):
            await self._conn.close()
        self._put(self._CLOSED)
