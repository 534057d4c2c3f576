"""Prometheus metrics of the bus, in the gateway's registry (served by /metrics).

Labels stay low-cardinality: message type, queue (one per subscriber or worker tag), tenant for
the outbox gauges only.
"""

from __future__ import annotations

from genius.platform.observability.metrics import counter, gauge, histogram

OUTBOX_PENDING = gauge("genius_bus_outbox_pending", "Outbox rows not yet confirmed by the broker", ["tenant"])
OUTBOX_LAG = gauge(
    "genius_bus_outbox_lag_seconds", "Age of the oldest unpublished outbox row (0 when empty)", ["tenant"]
)
PUBLISHED = counter("genius_bus_published", "Messages the relay published with a broker confirm", ["type"])
PUBLISH_FAILURES = counter(
    "genius_bus_publish_failures", "Outbox rows the broker did not confirm (kept for the next pass)", ["type"]
)
CONSUMED = counter(
    "genius_bus_consumed", "Deliveries handled, by outcome (ok|retry|dead)", ["queue", "type", "outcome"]
)
RETRIES = counter("genius_bus_retries", "Deliveries scheduled for a delayed retry", ["queue", "type"])
DEAD_LETTERS = counter("genius_bus_dead_letters", "Deliveries moved to the dead letters", ["queue", "type"])
PROCESSING = histogram(
    "genius_bus_processing_seconds",
    "Handler time per delivery",
    ["queue", "type"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
END_TO_END = histogram(
    "genius_bus_end_to_end_seconds",
    "From the event's time (outbox commit) to the end of its handling",
    ["queue", "type"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
