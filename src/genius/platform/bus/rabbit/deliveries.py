"""Reading deliveries off the socket ourselves: basic.deliver + content header + body frames.

aiormq reads every frame with a lock, three ``readexactly`` awaits, a ``BytesIO`` and pamqp's
generic decoding, puts it on the channel's queue, has the channel's reader task take the content
header and body the same way and then starts one task per delivery: about a third of a consumer
process's CPU per event in bench/bus.py (py-spy, 2026-11-26). Here the connection's protocol
(``DeliveryReader``, an ``asyncio.StreamReaderProtocol``) finds frame boundaries in the bytes as
they arrive; the frames of a delivery on a routed channel are decoded here and handed to that
channel's callback in the same loop turn, every other frame goes on to aiormq's reader unchanged
and in order (connection and channel methods, publisher confirms, heartbeats, cancels, closes).

``decode_properties`` decodes the basic properties for what we send (short strings, octets, a
timestamp, a header table of long strings); anything else (another field type in the table, a
second property flag word) is decoded by pamqp itself, so the result is always what pamqp gives
(tests compare both on the same frames). Bytes that are not a well-formed frame stop the
interception: from there on everything goes to aiormq, which fails as it would have.

Since aiormq no longer sees the deliveries, it would take a stream of nothing but deliveries for a
stuck connection; the reader passes it a heartbeat frame at most every ``NOTE_EVERY_SECONDS``
while it intercepts.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pamqp.frame
from aiormq.connection import TransportFactory

FRAME_METHOD, FRAME_HEADER, FRAME_BODY = 1, 2, 3
FRAME_END = 0xCE
_KINDS = frozenset((FRAME_METHOD, FRAME_HEADER, FRAME_BODY, 8))  # 8: heartbeat
HEARTBEAT_FRAME = b"\x08\x00\x00\x00\x00\x00\x00\xce"
_DELIVER = struct.pack(">HH", 60, 60)  # basic.deliver: class 60, method 60
# aiormq closes a connection it received no frame on for 3 heartbeat intervals (180 s by default).
NOTE_EVERY_SECONDS = 1.0
_HEAD = struct.Struct(">BHI")
_LONG = struct.Struct(">I")
_LONGLONG = struct.Struct(">q")  # pamqp decodes delivery tags as signed
_TIMESTAMP = struct.Struct(">Q")
_CONTENT_HEAD = struct.Struct(">HHQH")
_STRING = 0x53  # "S": long string, the only table value type decoded here


class Properties:
    """The basic properties of a received message, with pamqp's attribute names (None when absent)."""

    __slots__ = (
        "app_id",
        "cluster_id",
        "content_encoding",
        "content_type",
        "correlation_id",
        "delivery_mode",
        "expiration",
        "headers",
        "message_id",
        "message_type",
        "priority",
        "reply_to",
        "timestamp",
        "user_id",
    )

    def __init__(self) -> None:
        for name in self.__slots__:
            setattr(self, name, None)
        self.cluster_id = ""  # pamqp's default for this one

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


class Received:
    """One delivered message: the basic.deliver fields, its properties and body."""

    __slots__ = (
        "body",
        "consumer_tag",
        "delivery_tag",
        "exchange",
        "properties",
        "redelivered",
        "routing_key",
    )

    def __init__(
        self,
        consumer_tag: str,
        delivery_tag: int,
        redelivered: bool,
        exchange: str,
        routing_key: str,
        properties: Properties,
        body: bytes,
    ) -> None:
        self.consumer_tag = consumer_tag
        self.delivery_tag = delivery_tag
        self.redelivered = redelivered
        self.exchange = exchange
        self.routing_key = routing_key
        self.properties = properties
        self.body = body

    @classmethod
    def from_aiormq(cls, message: Any) -> Received:
        """The same from aiormq's ``DeliveredMessage`` (the path when interception is off)."""
        delivery, source = message.delivery, message.header.properties
        props = Properties()
        for name in Properties.__slots__:
            setattr(props, name, getattr(source, name, None))
        return cls(
            delivery.consumer_tag,
            delivery.delivery_tag,
            bool(delivery.redelivered),
            delivery.exchange,
            delivery.routing_key,
            props,
            message.body,
        )


class _Fallback(Exception):
    """The fast path does not decode this header: pamqp does."""


def _shortstr(data: bytes, at: int) -> tuple[str, int]:
    end = at + 1 + data[at]
    return data[at + 1 : end].decode(), end


def _table(data: bytes, at: int) -> tuple[dict[str, Any], int]:
    """A field table whose values are all long strings; ``_Fallback`` for any other."""
    end = at + 4 + _LONG.unpack_from(data, at)[0]
    at += 4
    table: dict[str, Any] = {}
    while at < end:
        key, at = _shortstr(data, at)
        if data[at] != _STRING:
            raise _Fallback
        size = _LONG.unpack_from(data, at + 1)[0]
        raw = data[at + 5 : at + 5 + size]
        if len(raw) != size:
            raise _Fallback
        try:
            table[key] = raw.decode()
        except UnicodeDecodeError:  # pamqp keeps such a value as bytes
            table[key] = raw
        at += 5 + size
    if at != end:
        raise _Fallback
    return table, end


def decode_deliver(payload: bytes) -> tuple[str, int, bool, str, str]:
    """(consumer_tag, delivery_tag, redelivered, exchange, routing_key) of a basic.deliver payload."""
    consumer_tag, at = _shortstr(payload, 4)
    delivery_tag = _LONGLONG.unpack_from(payload, at)[0]
    redelivered = bool(payload[at + 8] & 1)
    exchange, at = _shortstr(payload, at + 9)
    routing_key, _ = _shortstr(payload, at)
    return consumer_tag, delivery_tag, redelivered, exchange, routing_key


def decode_header(frame: bytes) -> tuple[int, Properties]:
    """(body size, properties) of one whole content-header frame (head, payload and end byte)."""
    try:
        return _decode_header_fast(frame)
    except Exception:
        _consumed, _channel, header = pamqp.frame.unmarshal(frame)
        props = Properties()
        for name in Properties.__slots__:
            setattr(props, name, getattr(header.properties, name, None))
        return header.body_size, props


def _decode_header_fast(frame: bytes) -> tuple[int, Properties]:
    _class, _weight, body_size, flags = _CONTENT_HEAD.unpack_from(frame, 7)
    if flags & 1:  # a second flag word: not one of ours
        raise _Fallback
    props = Properties()
    data, at = frame, 21
    if flags & 0x8000:
        props.content_type, at = _shortstr(data, at)
    if flags & 0x4000:
        props.content_encoding, at = _shortstr(data, at)
    if flags & 0x2000:
        props.headers, at = _table(data, at)
    if flags & 0x1000:
        props.delivery_mode, at = data[at], at + 1
    if flags & 0x0800:
        props.priority, at = data[at], at + 1
    if flags & 0x0400:
        props.correlation_id, at = _shortstr(data, at)
    if flags & 0x0200:
        props.reply_to, at = _shortstr(data, at)
    if flags & 0x0100:
        props.expiration, at = _shortstr(data, at)
    if flags & 0x0080:
        props.message_id, at = _shortstr(data, at)
    if flags & 0x0040:
        seconds: float = _TIMESTAMP.unpack_from(data, at)[0]
        if seconds > 0xFFFFFFFF:  # pamqp's reading: beyond 2106 it is milliseconds
            seconds /= 1000.0
        props.timestamp, at = datetime.fromtimestamp(seconds, tz=UTC), at + 8
    if flags & 0x0020:
        props.message_type, at = _shortstr(data, at)
    if flags & 0x0010:
        props.user_id, at = _shortstr(data, at)
    if flags & 0x0008:
        props.app_id, at = _shortstr(data, at)
    if flags & 0x0004:
        props.cluster_id, at = _shortstr(data, at)
    if at != len(frame) - 1:
        raise _Fallback
    return body_size, props


class _Pending:
    """A delivery whose content header or body frames have not all arrived."""

    __slots__ = ("body", "deliver", "frames", "properties", "size")

    def __init__(self, deliver: tuple[str, int, bool, str, str], frame: bytes) -> None:
        self.deliver = deliver
        self.frames = [frame]  # raw, handed to aiormq if the interception stops halfway
        self.size = -1  # body size, once the content header arrived
        self.properties: Properties | None = None
        self.body: list[bytes] = []


OnDelivery = Callable[[Received], None]


class DeliveryReader(asyncio.StreamReaderProtocol):
    """The connection's protocol: deliveries of routed channels to their callbacks, the rest to aiormq."""

    def __init__(self, stream_reader: asyncio.StreamReader, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(stream_reader, loop=loop)
        self._clock = loop.time
        self._tail = b""  # the start of a frame not complete yet
        self._routes: dict[int, OnDelivery] = {}
        self._pending: dict[int, _Pending] = {}
        self._off = False
        self._noted = 0.0
        self.intercepted = 0

    def route(self, channel: int, callback: OnDelivery) -> bool:
        """Deliveries on ``channel`` go to ``callback`` from now on; False once interception stopped."""
        if self._off:
            return False
        self._routes[channel] = callback
        return True

    def unroute(self, channel: int) -> None:
        self._routes.pop(channel, None)

    def data_received(self, data: bytes) -> None:
        if self._off:
            super().data_received(data)
            return
        if self._tail:
            data = self._tail + data
        passed: list[bytes] = []
        run = pos = 0  # frames from ``run`` to ``pos`` go to aiormq as they are
        size = len(data)
        routes = self._routes
        while size - pos >= 8:
            kind, channel, length = _HEAD.unpack_from(data, pos)
            if kind not in _KINDS:
                self._stop(passed, data, run)
                return
            end = pos + 7 + length
            if end >= size:
                break
            if data[end] != FRAME_END:
                self._stop(passed, data, run)
                return
            callback = routes.get(channel) if routes else None
            if callback is not None:
                if run < pos:  # what came before goes first
                    passed.append(data[run:pos])
                    run = pos
                if self._take(data, pos, end, kind, channel, callback, passed):
                    run = end + 1
            pos = end + 1
        if run < pos:
            passed.append(data[run:pos])
        self._tail = data[pos:]
        if self.intercepted and not passed and self._clock() - self._noted >= NOTE_EVERY_SECONDS:
            passed.append(HEARTBEAT_FRAME)  # aiormq's reader must see frames (see the module docstring)
        if passed:
            self._noted = self._clock()
            super().data_received(passed[0] if len(passed) == 1 else b"".join(passed))

    def _take(
        self,
        data: bytes,
        pos: int,
        end: int,
        kind: int,
        channel: int,
        callback: OnDelivery,
        passed: list[bytes],
    ) -> bool:
        """Consume one frame of a routed channel if it belongs to a delivery; False leaves it to aiormq."""
        pending = self._pending.get(channel)
        if pending is None:
            if kind != FRAME_METHOD or data[pos + 7 : pos + 11] != _DELIVER:
                return False
            frame = data[pos : end + 1]
            self._pending[channel] = _Pending(decode_deliver(frame[7:-1]), frame)
            return True
        frame = data[pos : end + 1]
        pending.frames.append(frame)
        if kind == FRAME_HEADER and pending.properties is None:
            pending.size, pending.properties = decode_header(frame)
        elif kind == FRAME_BODY and pending.properties is not None:
            pending.body.append(frame[7:-1])
        else:  # not a delivery's next frame: a protocol error, aiormq reports it
            del self._pending[channel]
            passed.extend(pending.frames)
            return True
        body = pending.body
        received = sum(map(len, body)) if len(body) > 1 else len(body[0]) if body else 0
        if received < pending.size:
            return True
        del self._pending[channel]
        self.intercepted += 1
        callback(
            Received(*pending.deliver, pending.properties, body[0] if len(body) == 1 else b"".join(body))  # type: ignore[arg-type]
        )
        return True

    def _stop(self, passed: list[bytes], data: bytes, run: int) -> None:
        """Not a frame where one should start: everything from here on is aiormq's."""
        self._off = True
        for pending in self._pending.values():
            passed.extend(pending.frames)
        self._pending.clear()
        self._routes.clear()
        passed.append(data[run:])
        self._tail = b""
        super().data_received(b"".join(passed))


class DeliveryTransportFactory(TransportFactory):
    """aiormq's transport factory with ``DeliveryReader`` as the protocol (plain TCP or TLS)."""

    def __init__(self) -> None:
        self.reader: DeliveryReader | None = None

    async def create(self, url: Any, **kwargs: Any) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        from aiormq.exceptions import AMQPConnectionError

        provider = kwargs.pop("ssl_context_provider", None)
        ssl = await provider.get_context() if url.scheme == "amqps" and provider is not None else None
        loop = asyncio.get_running_loop()
        stream = asyncio.StreamReader(loop=loop)
        protocol = DeliveryReader(stream, loop)
        try:
            transport, _ = await loop.create_connection(
                lambda: protocol, url.host, url.port, ssl=ssl, **kwargs
            )
        except OSError as exc:
            raise AMQPConnectionError(*exc.args) from exc
        self.reader = protocol
        return stream, asyncio.StreamWriter(transport, protocol, stream, loop)
