"""Prometheus metrics: the process registry every area adds to, and the gateway's HTTP metrics.

Areas declare their metrics once at import with ``counter()``, ``histogram()`` or ``gauge()``
(get-or-create, so re-importing or re-creating an app never raises "duplicated timeseries");
``/metrics`` renders ``REGISTRY``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.gc_collector import GCCollector
from prometheus_client.metrics import MetricWrapperBase
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

# `*_created` series double the output and no dashboard of ours reads them.
disable_created_metrics()
REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

# Request latency buckets in seconds: fine below 100 ms where an ERP API should answer.
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

_lock = threading.Lock()
_metrics: dict[str, MetricWrapperBase] = {}


def _get_or_create(kind: type[MetricWrapperBase], name: str, documentation: str, **kwargs: object):  # type: ignore[no-untyped-def]
    with _lock:
        existing = _metrics.get(name)
        if existing is not None:
            if not isinstance(existing, kind):
                raise TypeError(f"metric {name!r} already exists as {type(existing).__name__}")
            return existing
        metric = kind(name, documentation, registry=REGISTRY, **kwargs)
        _metrics[name] = metric
        return metric


def counter(name: str, documentation: str, labelnames: Sequence[str] = ()) -> Counter:
    return _get_or_create(Counter, name, documentation, labelnames=tuple(labelnames))


def gauge(name: str, documentation: str, labelnames: Sequence[str] = ()) -> Gauge:
    return _get_or_create(Gauge, name, documentation, labelnames=tuple(labelnames))


def histogram(
    name: str,
    documentation: str,
    labelnames: Sequence[str] = (),
    buckets: Sequence[float] = LATENCY_BUCKETS,
) -> Histogram:
    return _get_or_create(
        Histogram, name, documentation, labelnames=tuple(labelnames), buckets=tuple(buckets)
    )


def render_metrics() -> tuple[bytes, str]:
    """The registry in Prometheus text format and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


# The gateway's metrics. ``route`` is the route template (``/api/v1/audit/records/{id}``), never
# the raw path, so ids do not explode the label set; unmatched paths count as ``<unmatched>``.
HTTP_REQUESTS = counter(
    "genius_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ("method", "route", "status"),
)
HTTP_LATENCY = histogram(
    "genius_http_request_duration_seconds",
    "Time from request start to the end of the response, by method, route template and status.",
    ("method", "route", "status"),
)
HTTP_IN_FLIGHT = gauge("genius_http_requests_in_flight", "Requests being served now.")
RATE_LIMITED = counter(
    "genius_rate_limited", "Requests refused by the rate limiter, by bucket kind.", ("bucket",)
)
