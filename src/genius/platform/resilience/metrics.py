"""Prometheus metrics per breaker name (one name per outside dependency: low cardinality)."""

from __future__ import annotations

from genius.platform.observability.metrics import counter, gauge

BREAKER_STATE = gauge(
    "genius_resilience_breaker_state",
    "Breaker state as this process last saw it: 0 closed, 1 half-open, 2 open",
    ["breaker"],
)
CALLS = counter(
    "genius_resilience_calls",
    "Calls through a Resilient guard, by outcome (success|failure|rejected|fallback)",
    ["breaker", "outcome"],
)
FAILURES = counter(
    "genius_resilience_failures",
    "Attempts that failed, by exception class (timeouts are CallTimeout)",
    ["breaker", "error"],
)
REJECTIONS = counter(
    "genius_resilience_rejections",
    "Calls refused without trying, by reason (circuit_open|bulkhead_full)",
    ["breaker", "reason"],
)
RETRIES = counter("genius_resilience_retries", "Attempts retried after a retryable error", ["breaker"])
