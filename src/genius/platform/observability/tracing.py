"""OpenTelemetry traces: the process tracer provider, OTLP export and W3C trace-context carriers.

One trace follows a piece of work across processes: the gateway continues the caller's
``traceparent`` (or starts a trace), code that emits an event puts ``inject_trace_context()`` in
it, and the consumer continues the trace with ``continue_trace(name, carrier)``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

TRACER_NAME = "genius"
SERVICE_NAME = "genius"
# W3C Trace Context header names (https://www.w3.org/TR/trace-context/).
TRACEPARENT = "traceparent"
TRACESTATE = "tracestate"

_propagator = TraceContextTextMapPropagator()
_lock = threading.Lock()
_provider: TracerProvider | None = None
_exporting_to: set[str] = set()
# get_tracer() per handled event: trace.get_tracer() builds a new tracer (a scope object, a
# deprecation-aware lookup) every call; the tracer is kept for the provider that made it.
_tracer: tuple[trace.TracerProvider, trace.Tracer] | None = None


def otlp_traces_url(endpoint: str) -> str:
    """``settings.otlp_endpoint`` is the collector's base URL (as OTEL_EXPORTER_OTLP_ENDPOINT):
    traces go to ``<base>/v1/traces`` unless the setting already names that path."""
    endpoint = endpoint.rstrip("/")
    return endpoint if endpoint.endswith("/v1/traces") else f"{endpoint}/v1/traces"


def otlp_span_processor(endpoint: str) -> SpanProcessor:
    """A batching processor exporting spans over OTLP/HTTP (protobuf) to ``endpoint``."""
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_traces_url(endpoint)))


def build_tracer_provider(
    service_name: str = SERVICE_NAME, otlp_endpoint: str | None = None
) -> TracerProvider:
    """A fresh SDK provider; with an endpoint, spans are exported there over OTLP/HTTP."""
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    if otlp_endpoint:
        provider.add_span_processor(otlp_span_processor(otlp_endpoint))
    return provider


def configure_tracing(service_name: str = SERVICE_NAME, otlp_endpoint: str | None = None) -> TracerProvider:
    """Install the process-wide provider once (OpenTelemetry allows one); later calls reuse it
    and only add an OTLP exporter for an endpoint not exported to yet.

    An SDK provider is installed even without an exporter, so every request has a real trace id
    for logs and the ``X-Trace-Id`` header.
    """
    global _provider
    with _lock:
        if _provider is None:
            current = trace.get_tracer_provider()
            if isinstance(current, TracerProvider):  # someone (a test, an agent) installed one
                _provider = current
            else:
                _provider = build_tracer_provider(service_name)
                trace.set_tracer_provider(_provider)
        if otlp_endpoint and otlp_endpoint not in _exporting_to:
            _provider.add_span_processor(otlp_span_processor(otlp_endpoint))
            _exporting_to.add(otlp_endpoint)
        return _provider


def get_tracer() -> trace.Tracer:
    """The ``genius`` tracer of the current global provider (made once per provider)."""
    global _tracer
    provider = trace.get_tracer_provider()
    cached = _tracer
    if cached is not None and cached[0] is provider:
        return cached[1]
    tracer = provider.get_tracer(TRACER_NAME)
    _tracer = (provider, tracer)
    return tracer


def inject_trace_context() -> dict[str, str]:
    """The current trace as a W3C carrier (``traceparent``, maybe ``tracestate``) to put inside an
    event or job; empty when no span is active."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier


def extract_trace_context(carrier: Mapping[str, Any] | None) -> Context:
    """The OpenTelemetry context a carrier describes; an empty or malformed carrier gives a
    context with no parent, so the next span starts a new trace."""
    if not carrier:
        return Context()
    clean = {k.lower(): v for k, v in carrier.items() if isinstance(k, str) and isinstance(v, str)}
    return _propagator.extract(clean)


@contextmanager
def continue_trace(
    name: str,
    carrier: Mapping[str, Any] | None,
    *,
    kind: SpanKind = SpanKind.CONSUMER,
    attributes: Mapping[str, Any] | None = None,
) -> Iterator[Span]:
    """Run a block in a span that continues the trace in ``carrier`` (a worker handling an event)."""
    with get_tracer().start_as_current_span(
        name, context=extract_trace_context(carrier), kind=kind, attributes=dict(attributes or {})
    ) as span:
        yield span


def current_trace_id() -> str | None:
    """The active trace id as 32 hex digits, or None outside a span."""
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None
