"""AMQP headers the bus adds beside the CloudEvents ones: attempt count and dead-letter facts."""

from __future__ import annotations

from typing import Any

ATTEMPT_HEADER = "x-genius-attempt"
QUEUE_HEADER = "x-genius-queue"
REASON_HEADER = "x-genius-reason"
DEAD_AT_HEADER = "x-genius-dead-at"


def header_text(value: Any) -> str:
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else str(value)
