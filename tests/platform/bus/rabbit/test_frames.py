"""Our basic.publish frame encoding is byte for byte what pamqp (aiormq's codec) writes."""

from __future__ import annotations

from datetime import UTC, datetime

import pamqp.frame
import pytest
from pamqp import commands
from pamqp.body import ContentBody
from pamqp.header import ContentHeader

from genius.platform.bus.rabbit.frames import Publish, encode_publish


def _pamqp(message: Publish, channel: int, frame_max: int) -> bytes:
    properties = commands.Basic.Properties(
        content_type=message.content_type,
        headers=dict(message.headers) if message.headers is not None else None,
        delivery_mode=2 if message.persistent else 1,
        message_id=message.message_id,
        correlation_id=message.correlation_id,
        timestamp=message.timestamp,
        message_type=message.message_type,
        expiration=message.expiration,
    )
    frames: list[object] = [
        commands.Basic.Publish(
            exchange=message.exchange, routing_key=message.routing_key, mandatory=message.mandatory
        ),
        ContentHeader(body_size=len(message.body), properties=properties),
    ]
    chunk = frame_max - 8
    frames += [ContentBody(message.body[i : i + chunk]) for i in range(0, len(message.body), chunk)]
    return b"".join(pamqp.frame.marshal(f, channel) for f in frames)  # type: ignore[arg-type]


FULL = Publish(
    exchange="genius.events",
    routing_key="worker.request.pdf.render",
    body=b'{"seq":1,"name":"\xc8\x98tefan"}',
    message_id="0193a0f2-7c1e-7d2a-9c1b-5b0b1d2e3f40",
    content_type="application/json",
    headers={"cloudEvents_id": "0193a0f2", "cloudEvents_tenant": "acme"},
    correlation_id="0193a0f2-0000-7000-8000-000000000000",
    timestamp=datetime(2026, 11, 25, 17, 0, 1, 999_999, tzinfo=UTC),
    message_type="worker.request.pdf.render",
    expiration="1500",
    mandatory=True,
)


@pytest.mark.parametrize(
    "message",
    [
        FULL,
        Publish(exchange="", routing_key="genius.bench", body=b"{}", message_id="m1"),
        Publish(exchange="x", routing_key="k", body=b"", message_id="m2", headers={}, persistent=False),
        Publish(exchange="x", routing_key="k", body=b"y" * 10_000, message_id="m3", headers={"k": "v" * 300}),
    ],
)
def test_encoding_matches_pamqp(message: Publish) -> None:
    assert encode_publish(message, 7, 4096) == _pamqp(message, 7, 4096)


def test_too_long_short_string_is_refused() -> None:
    with pytest.raises(ValueError, match="short string"):
        encode_publish(Publish(exchange="x", routing_key="k" * 256, body=b"", message_id="m"), 1, 4096)


def test_only_string_headers_are_encoded() -> None:
    with pytest.raises(TypeError, match="attempt"):
        encode_publish(
            Publish(exchange="x", routing_key="k", body=b"", message_id="m", headers={"attempt": 3}), 1, 4096
        )  # type: ignore[dict-item]
