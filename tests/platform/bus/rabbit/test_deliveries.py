"""Our reading of deliveries gives what pamqp (aiormq's codec) gives, and passes every other frame on."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pamqp.frame
import pytest
from pamqp import commands
from pamqp.body import ContentBody
from pamqp.header import ContentHeader
from pamqp.heartbeat import Heartbeat

from genius.platform.bus.rabbit import deliveries
from genius.platform.bus.rabbit.deliveries import (
    HEARTBEAT_FRAME,
    DeliveryReader,
    Properties,
    Received,
    decode_deliver,
    decode_header,
)

CLOUD_HEADERS = {
    "cloudEvents_specversion": "1.0",
    "cloudEvents_id": "0193a0f2-7c1e-7d2a-9c1b-5b0b1d2e3f40",
    "cloudEvents_tenant": "acme",
    "cloudEvents_source": "/apps/sales",
    "cloudEvents_note": "Ștefan și Țară",
}
PROPERTIES = [
    commands.Basic.Properties(
        content_type="application/json",
        headers=CLOUD_HEADERS,
        delivery_mode=2,
        correlation_id="c-1",
        message_id="m-1",
        timestamp=datetime(2026, 11, 25, 17, 0, 1, tzinfo=UTC),
        message_type="sales.invoice.issued",
    ),
    commands.Basic.Properties(message_id="m-2"),
    commands.Basic.Properties(),
    commands.Basic.Properties(headers={}),
    # Every property, and header values of other types (decoded by pamqp itself).
    commands.Basic.Properties(
        content_type="text/plain",
        content_encoding="gzip",
        headers={
            "x-genius-attempt": 3,
            "big": 2**40,
            "flag": True,
            "nested": {"a": "b", "n": -5},
            "list": ["x", 1, 2.5],
            "price": Decimal("12.34"),
            "when": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            "none": None,
        },
        delivery_mode=1,
        priority=7,
        correlation_id="c-2",
        reply_to="amq.rabbitmq.reply-to",
        expiration="1500",
        message_id="m-3",
        timestamp=datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC),
        message_type="worker.request.pdf.render",
        user_id="guest",
        app_id="genius",
    ),
]


def _header_frame(properties: commands.Basic.Properties, body_size: int = 10) -> bytes:
    return pamqp.frame.marshal(ContentHeader(body_size=body_size, properties=properties), 1)


def _pamqp_properties(frame: bytes) -> dict[str, Any]:
    _, _, header = pamqp.frame.unmarshal(frame)
    return {name: getattr(header.properties, name) for name in Properties.__slots__}


@pytest.mark.parametrize("properties", PROPERTIES)
def test_content_header_decodes_as_pamqp_does(properties: commands.Basic.Properties) -> None:
    frame = _header_frame(properties, body_size=1234)
    size, ours = decode_header(frame)
    assert size == 1234
    assert ours.as_dict() == _pamqp_properties(frame)


def test_string_headers_that_are_not_utf8_stay_bytes_as_in_pamqp() -> None:
    frame = bytearray(_header_frame(commands.Basic.Properties(headers={"k": "vv"})))
    at = frame.index(b"vv")
    frame[at : at + 2] = b"\xff\xfe"
    ours = decode_header(bytes(frame))[1].as_dict()
    assert ours == _pamqp_properties(bytes(frame))
    assert ours["headers"] == {"k": b"\xff\xfe"}


def test_a_millisecond_timestamp_reads_as_pamqp_reads_it() -> None:
    frame = bytearray(_header_frame(commands.Basic.Properties(timestamp=datetime(2026, 1, 1, tzinfo=UTC))))
    at = len(frame) - 9
    frame[at : at + 8] = (1_767_225_600_123).to_bytes(8, "big")  # milliseconds, not seconds
    assert decode_header(bytes(frame))[1].as_dict() == _pamqp_properties(bytes(frame))


def test_basic_deliver_fields_as_pamqp() -> None:
    method = commands.Basic.Deliver(
        consumer_tag="ctag1.abc",
        delivery_tag=2**40 + 7,
        redelivered=True,
        exchange="genius.events",
        routing_key="a.b",
    )
    frame = pamqp.frame.marshal(method, 3)
    assert decode_deliver(frame[7:-1]) == ("ctag1.abc", 2**40 + 7, True, "genius.events", "a.b")


class _Sink(asyncio.StreamReader):
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop=loop)
        self.fed = bytearray()

    def feed_data(self, data: bytes) -> None:
        self.fed += data


def _reader(clock: list[float] | None = None) -> tuple[DeliveryReader, _Sink]:
    loop = asyncio.new_event_loop()
    sink = _Sink(loop)  # the loop named: another test may have left no current loop
    reader = DeliveryReader(sink, loop)
    if clock is not None:
        reader._clock = lambda: clock[0]
    loop.close()
    return reader, sink


def _delivery(
    channel: int, tag: int, body: bytes, properties: commands.Basic.Properties, frame_max: int
) -> bytes:
    frames: list[Any] = [
        commands.Basic.Deliver(
            consumer_tag="ctag", delivery_tag=tag, exchange="genius.events", routing_key="t.x"
        ),
        ContentHeader(body_size=len(body), properties=properties),
    ]
    chunk = frame_max - 8
    frames += [ContentBody(body[i : i + chunk]) for i in range(0, len(body), chunk)]
    return b"".join(pamqp.frame.marshal(f, channel) for f in frames)


def _stream() -> tuple[bytes, bytes, list[tuple[int, bytes]]]:
    """A stream mixing deliveries on channel 1 (routed) with frames aiormq must get, in order."""
    others = [
        pamqp.frame.marshal(commands.Basic.QosOk(), 1),
        pamqp.frame.marshal(Heartbeat(), 0),
        pamqp.frame.marshal(commands.Basic.Ack(delivery_tag=5, multiple=True), 2),
        _delivery(2, 9, b'{"other":"channel"}', PROPERTIES[1], 64),  # a channel nobody routed
        pamqp.frame.marshal(commands.Basic.CancelOk(consumer_tag="ctag"), 1),
    ]
    ours = [
        (1, b'{"seq":1}'),
        (2, b""),
        (3, b"x" * 300),  # several body frames (frame_max 64)
        (4, '{"nume":"Ștefan"}'.encode()),
    ]
    stream, expected = b"", b""
    for i, (tag, body) in enumerate(ours):
        stream += others[i] + _delivery(1, tag, body, PROPERTIES[i % 2], 64)
        expected += others[i]
    stream += others[-1]
    expected += others[-1]
    return stream, expected, ours


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 8, 13, 64, 100, 10_000])
def test_deliveries_of_a_routed_channel_are_taken_and_every_other_frame_passes_in_order(chunk: int) -> None:
    reader, sink = _reader()
    got: list[Received] = []
    assert reader.route(1, got.append)
    stream, expected, ours = _stream()
    for start in range(0, len(stream), chunk):
        reader.data_received(stream[start : start + chunk])
    assert bytes(sink.fed) == expected
    assert [(m.delivery_tag, m.body) for m in got] == ours
    assert all(
        m.routing_key == "t.x" and m.exchange == "genius.events" and m.consumer_tag == "ctag" for m in got
    )
    assert got[0].properties.as_dict() == {
        name: getattr(PROPERTIES[0], name) for name in Properties.__slots__
    }


def test_without_routes_every_byte_goes_to_aiormq() -> None:
    reader, sink = _reader()
    stream, _, _ = _stream()
    reader.data_received(stream)
    assert bytes(sink.fed) == stream


def test_bytes_that_are_not_a_frame_stop_the_interception() -> None:
    reader, sink = _reader()
    got: list[Received] = []
    reader.route(1, got.append)
    first = _delivery(1, 1, b"{}", PROPERTIES[1], 4096)
    second = _delivery(1, 2, b"{}", PROPERTIES[1], 4096)
    method = second[: second.index(b"\xce") + 1]  # its basic.deliver frame, then no content header
    reader.data_received(first + method)
    reader.data_received(b"AMQP\x00\x00\x09\x01")
    reader.data_received(b"later")
    assert [m.delivery_tag for m in got] == [1]
    # The heartbeat noted after the first delivery, then the half delivery and the rest as they came.
    assert bytes(sink.fed) == HEARTBEAT_FRAME + method + b"AMQP\x00\x00\x09\x01" + b"later"
    assert not reader.route(2, got.append)


def test_a_frame_out_of_place_hands_the_delivery_to_aiormq() -> None:
    reader, sink = _reader()
    got: list[Received] = []
    reader.route(1, got.append)
    method = pamqp.frame.marshal(
        commands.Basic.Deliver(consumer_tag="c", delivery_tag=1, exchange="", routing_key="k"), 1
    )
    ack = pamqp.frame.marshal(commands.Basic.Ack(delivery_tag=1), 1)
    reader.data_received(method + ack)
    assert got == []
    assert bytes(sink.fed) == method + ack


def test_a_heartbeat_reaches_aiormq_while_only_deliveries_arrive(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    reader, sink = _reader(clock)
    got: list[Received] = []
    reader.route(1, got.append)
    one = _delivery(1, 1, b"{}", PROPERTIES[1], 4096)
    reader.data_received(one)
    assert bytes(sink.fed) == HEARTBEAT_FRAME  # the first: nothing was noted yet
    clock[0] += deliveries.NOTE_EVERY_SECONDS / 2
    reader.data_received(one)
    assert bytes(sink.fed) == HEARTBEAT_FRAME
    clock[0] += deliveries.NOTE_EVERY_SECONDS
    reader.data_received(one)
    assert bytes(sink.fed) == HEARTBEAT_FRAME * 2
    assert len(got) == 3


def test_received_from_aiormq_carries_the_same_fields() -> None:
    class Message:
        delivery = commands.Basic.Deliver(
            consumer_tag="c", delivery_tag=4, redelivered=True, exchange="e", routing_key="k"
        )
        header = ContentHeader(body_size=2, properties=PROPERTIES[0])
        body = b"{}"

    received = Received.from_aiormq(Message())
    assert (received.consumer_tag, received.delivery_tag, received.redelivered) == ("c", 4, True)
    assert (received.exchange, received.routing_key, received.body) == ("e", "k", b"{}")
    assert received.properties.as_dict() == {
        name: getattr(PROPERTIES[0], name) for name in Properties.__slots__
    }
