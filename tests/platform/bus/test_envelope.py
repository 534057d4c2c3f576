"""The CloudEvents 1.0 envelope: structured JSON and AMQP binary mode, validation, trace context."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from genius.platform.bus.envelope import Envelope, EnvelopeError
from genius.platform.bus.messages import ProbeSent
from genius.platform.bus.outbox import build_envelope

WHEN = datetime(2026, 11, 25, 10, 30, 0, 123456, tzinfo=UTC)


def sample(**changes: object) -> Envelope:
    base = Envelope(
        id="0190a3c4-0000-7000-8000-000000000001",
        type="sales.invoice.issued",
        source="/genius/sales",
        time=WHEN,
        tenant="acme",
        data={"invoice_id": "F-1", "total": "119.00"},
        dataschema="urn:genius:schema:sales.invoice.issued:v1",
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        correlationid="req-1",
        idempotencykey="key-1",
    )
    return base.with_changes(**changes) if changes else base


def test_structured_mode_is_cloudevents_json_and_round_trips() -> None:
    env = sample()
    obj = json.loads(env.to_json())
    assert obj["specversion"] == "1.0"
    assert obj["time"] == "2026-11-25T10:30:00.123456Z"
    assert obj["datacontenttype"] == "application/json"
    assert obj["data"] == {"invoice_id": "F-1", "total": "119.00"}
    assert {"tenant", "traceparent", "correlationid", "idempotencykey"} <= obj.keys()
    assert "subject" not in obj and "tracestate" not in obj  # unset attributes are omitted
    assert Envelope.from_json(env.to_json()) == env


def test_amqp_binary_mode_puts_data_in_the_body_and_attributes_in_prefixed_headers() -> None:
    env = sample()
    headers = env.amqp_headers()
    assert headers["cloudEvents_type"] == "sales.invoice.issued"
    assert headers["cloudEvents_tenant"] == "acme"
    assert "cloudEvents_datacontenttype" not in headers  # it is the content-type property
    assert json.loads(env.amqp_body()) == env.data
    assert Envelope.from_amqp(headers, env.amqp_body(), "application/json") == env
    colon = {k.replace("cloudEvents_", "cloudEvents:"): v.encode() for k, v in headers.items()}
    assert Envelope.from_amqp(colon, env.amqp_body(), "application/json") == env  # the other prefix, bytes


@pytest.mark.parametrize(
    ("obj_change", "field"),
    [
        ({"id": ""}, "id"),
        ({"tenant": None}, "tenant"),
        ({"time": "yesterday"}, "time"),
        ({"time": "2026-11-25T10:30:00"}, "time"),
        ({"specversion": "0.3"}, "specversion"),
        ({"traceparent": "not-a-trace"}, "traceparent"),
        ({"data": [1, 2]}, "data"),
        ({"BadName": "x"}, "BadName"),
    ],
)
def test_invalid_events_are_refused_naming_the_attribute(obj_change: dict[str, object], field: str) -> None:
    obj = {**sample().to_structured(), **obj_change}
    with pytest.raises(EnvelopeError) as caught:
        Envelope.from_structured(obj)
    assert caught.value.problems[0].field == field


def test_garbage_is_refused() -> None:
    with pytest.raises(EnvelopeError, match="not JSON"):
        Envelope.from_json(b"\xff{")
    with pytest.raises(EnvelopeError, match="body is not JSON"):
        Envelope.from_amqp(sample().amqp_headers(), b"{", "application/json")


def test_built_envelopes_carry_the_active_trace_and_start_their_own_correlation() -> None:
    provider = TracerProvider()
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("request") as span:
        env = build_envelope(ProbeSent(seq=7), tenant="acme", idempotency_key="k")
        trace_id = format(span.get_span_context().trace_id, "032x")
    assert env.traceparent is not None and env.traceparent.split("-")[1] == trace_id
    assert env.correlationid == env.id and env.idempotencykey == "k"
    assert env.dataschema == "urn:genius:schema:bus.probe.sent:v1" and env.data == {"seq": 7, "note": ""}
    outside = build_envelope(ProbeSent(seq=8), tenant="acme")
    assert outside.traceparent is None
    assert trace.get_current_span().get_span_context().is_valid is False


def test_a_worker_reply_needs_the_request_correlation() -> None:
    from genius.kernel.errors import ValidationError
    from genius.platform.bus.messages import EchoReplied
    from genius.platform.bus.tracing import handling

    with pytest.raises(ValidationError, match="correlation"):
        build_envelope(EchoReplied(text="x"), tenant="acme")
    explicit = build_envelope(EchoReplied(text="x"), tenant="acme", correlation_id="req-7")
    assert explicit.correlationid == "req-7"
    with handling("worker.request.echo", "req-8", "chain-1", None, None):
        assert build_envelope(EchoReplied(text="x"), tenant="acme").correlationid == "chain-1"
