"""Trace context across processes: inject into a carrier, extract, continue; OTLP/HTTP export."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest
from opentelemetry import trace

from genius.platform.observability import (
    configure_tracing,
    continue_trace,
    current_trace_id,
    extract_trace_context,
    get_tracer,
    inject_trace_context,
)
from genius.platform.observability.tracing import build_tracer_provider, otlp_traces_url


@pytest.fixture(autouse=True)
def _provider() -> None:
    configure_tracing()


def test_inject_outside_a_span_gives_an_empty_carrier() -> None:
    assert inject_trace_context() == {}
    assert current_trace_id() is None


def test_a_consumer_continues_the_producers_trace() -> None:
    with get_tracer().start_as_current_span("api request") as producer:
        carrier = inject_trace_context()
        produced = producer.get_span_context()
    assert set(carrier) >= {"traceparent"}
    version, trace_hex, span_hex, flags = carrier["traceparent"].split("-")
    assert (version, trace_hex, span_hex) == ("00", f"{produced.trace_id:032x}", f"{produced.span_id:016x}")
    assert int(flags, 16) & 0x01  # sampled

    # Later, in the worker: the event carries the dict; the handler's span joins the same trace.
    with continue_trace("worker handles event", carrier) as consumer:
        assert current_trace_id() == f"{produced.trace_id:032x}"
        assert consumer.get_span_context().trace_id == produced.trace_id
        assert consumer.parent is not None and consumer.parent.span_id == produced.span_id


@pytest.mark.parametrize(
    "carrier",
    [
        None,
        {},
        {"traceparent": "garbage"},
        {"traceparent": "00-00000000000000000000000000000000-b7ad6b7169203331-01"},  # all-zero trace id
        {"traceparent": "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},  # forbidden version
        {"traceparent": 42},
    ],
)
def test_a_missing_or_malformed_carrier_starts_a_new_trace(carrier: object) -> None:
    context = extract_trace_context(carrier)  # type: ignore[arg-type]
    assert not trace.get_current_span(context).get_span_context().is_valid
    with continue_trace("fresh", carrier) as span:  # type: ignore[arg-type]
        assert span.get_span_context().is_valid
        assert span.parent is None


def test_carrier_header_names_are_case_insensitive() -> None:
    trace_hex = "0af7651916cd43dd8448eb211c80319c"
    context = extract_trace_context({"TraceParent": f"00-{trace_hex}-b7ad6b7169203331-01"})
    assert f"{trace.get_current_span(context).get_span_context().trace_id:032x}" == trace_hex


def test_otlp_url_appends_the_traces_path_once() -> None:
    assert otlp_traces_url("http://collector:4318") == "http://collector:4318/v1/traces"
    assert otlp_traces_url("http://collector:4318/") == "http://collector:4318/v1/traces"
    assert otlp_traces_url("http://collector:4318/v1/traces") == "http://collector:4318/v1/traces"


class _Collector(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, str, bytes]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.received.append((self.path, self.headers.get("Content-Type", ""), self.rfile.read(length)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def collector() -> Iterator[tuple[str, list[tuple[str, str, bytes]]]]:
    received: ClassVar[list[tuple[str, str, bytes]]] = []
    handler = type("Handler", (_Collector,), {"received": received})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()
    server.server_close()


def test_spans_are_exported_over_otlp_http(collector: tuple[str, list[tuple[str, str, bytes]]]) -> None:
    endpoint, received = collector
    provider = build_tracer_provider("genius-test", otlp_endpoint=endpoint)
    try:
        with provider.get_tracer("test").start_as_current_span("exported-span-name"):
            pass
        assert provider.force_flush(timeout_millis=5000)
    finally:
        provider.shutdown()
    assert received, "the collector received no export request"
    path, content_type, body = received[0]
    assert path == "/v1/traces"
    assert content_type == "application/x-protobuf"
    assert b"exported-span-name" in body and b"genius-test" in body
