"""W3C trace context and correlation ids carried by envelopes across the bus.

The trace travels in the ``traceparent``/``tracestate`` extensions; the carriers are made and read
by the gateway's helpers (``genius.platform.observability``: W3C Trace Context through the
OpenTelemetry API). A handler runs inside a CONSUMER span that continues the producer's trace.
Without an active span there is no traceparent, and none is sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from genius.platform.observability.tracing import continue_trace, inject_trace_context


@dataclass(frozen=True)
class Causation:
    """The message being handled: events published while handling it inherit its correlation id."""

    event_id: str
    correlation_id: str


_causation: ContextVar[Causation | None] = ContextVar("genius_bus_causation", default=None)


def current_trace() -> tuple[str | None, str | None]:
    """(traceparent, tracestate) of the active span, or (None, None)."""
    carrier = inject_trace_context()
    return carrier.get("traceparent"), carrier.get("tracestate") or None


def current_correlation_id() -> str | None:
    causation = _causation.get()
    return causation.correlation_id if causation else None


@contextmanager
def handling(
    event_type: str,
    event_id: str,
    correlation_id: str | None,
    traceparent: str | None,
    tracestate: str | None,
) -> Iterator[None]:
    """Run a handler in the received message's trace (a CONSUMER span) and correlation."""
    carrier = {"traceparent": traceparent} if traceparent else {}
    if traceparent and tracestate:
        carrier["tracestate"] = tracestate
    token = _causation.set(Causation(event_id, correlation_id or event_id))
    try:
        with continue_trace(
            f"handle {event_type}",
            carrier,
            attributes={"messaging.message.id": event_id, "genius.event_type": event_type},
        ):
            yield
    finally:
        _causation.reset(token)
