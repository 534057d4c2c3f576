"""Observability: structured logs, OpenTelemetry traces and the Prometheus registry.

Public names::

    configure_logging, get_logger, bound_log_context          (logs)
    configure_tracing, get_tracer, inject_trace_context,
    extract_trace_context, continue_trace, current_trace_id   (tracing)
    REGISTRY, counter, gauge, histogram, render_metrics       (metrics)
"""

from __future__ import annotations

from genius.platform.observability.logs import bound_log_context, configure_logging, get_logger
from genius.platform.observability.metrics import REGISTRY, counter, gauge, histogram, render_metrics
from genius.platform.observability.tracing import (
    configure_tracing,
    continue_trace,
    current_trace_id,
    extract_trace_context,
    get_tracer,
    inject_trace_context,
)

__all__ = [
    "REGISTRY",
    "bound_log_context",
    "configure_logging",
    "configure_tracing",
    "continue_trace",
    "counter",
    "current_trace_id",
    "extract_trace_context",
    "gauge",
    "get_logger",
    "get_tracer",
    "histogram",
    "inject_trace_context",
    "render_metrics",
]
