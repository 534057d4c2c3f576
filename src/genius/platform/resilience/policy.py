"""Resilience policies: typed, validated settings for retry, breaker, bulkhead, timeout and fallback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from genius.kernel.errors import (
    AuthenticationFailed,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from genius.platform.resilience.errors import CallTimeout

ExceptionTypes = tuple[type[BaseException], ...]

# Errors that say the caller asked for something wrong, not that the dependency is unwell: they
# neither trip the breaker nor get masked by a fallback (they would fail again the same way).
CALLER_ERRORS: ExceptionTypes = (ValidationError, NotFound, Conflict, PermissionDenied, AuthenticationFailed)
# Retried by default: transport-level failures that a second attempt often gets past.
TRANSIENT_ERRORS: ExceptionTypes = (CallTimeout, ConnectionError, TimeoutError)


@dataclass(frozen=True)
class RetryPolicy:
    """Retry the named errors with exponential backoff and full jitter, at most ``attempts`` tries.

    The wait before try n+1 is ``min(max_wait, initial_wait * 2**(n-1))`` plus up to ``jitter``
    seconds at random (tenacity's ``wait_exponential_jitter``), so a burst of callers that failed
    together does not retry together.
    """

    attempts: int = 3
    initial_wait: float = 0.2
    max_wait: float = 5.0
    jitter: float = 0.2
    retry_on: ExceptionTypes = TRANSIENT_ERRORS

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValidationError.for_field("retry.attempts", "at least 1 (1 means no retry)")
        if self.initial_wait < 0 or self.max_wait < self.initial_wait:
            raise ValidationError.for_field("retry.initial_wait", "0 <= initial_wait <= max_wait")
        if self.jitter < 0:
            raise ValidationError.for_field("retry.jitter", "must not be negative")
        _check_types("retry.retry_on", self.retry_on)


@dataclass(frozen=True)
class BreakerPolicy:
    """Open after ``failure_threshold`` consecutive failures; after ``reset_timeout`` seconds let
    ``half_open_calls`` trial calls through: a trial success closes it, a trial failure reopens it."""

    failure_threshold: int = 5
    reset_timeout: float = 30.0
    half_open_calls: int = 1
    # Exceptions that do not count as failures (the dependency answered; the request was wrong).
    ignore: ExceptionTypes = CALLER_ERRORS

    def __post_init__(self) -> None:
        if self.failure_threshold < 1:
            raise ValidationError.for_field("breaker.failure_threshold", "at least 1")
        if self.reset_timeout <= 0:
            raise ValidationError.for_field("breaker.reset_timeout", "must be positive (seconds)")
        if self.half_open_calls < 1:
            raise ValidationError.for_field("breaker.half_open_calls", "at least 1")
        _check_types("breaker.ignore", self.ignore)

    def counts(self, exc: BaseException) -> bool:
        """Whether ``exc`` is a failure of the dependency (trips the breaker)."""
        return isinstance(exc, Exception) and not isinstance(exc, self.ignore)


@dataclass(frozen=True)
class BulkheadPolicy:
    """At most ``max_concurrent`` calls in flight; a caller waits up to ``max_wait`` s for a slot."""

    max_concurrent: int = 10
    max_wait: float = 0.0

    def __post_init__(self) -> None:
        if self.max_concurrent < 1:
            raise ValidationError.for_field("bulkhead.max_concurrent", "at least 1")
        if self.max_wait < 0:
            raise ValidationError.for_field("bulkhead.max_wait", "must not be negative (seconds)")


@dataclass(frozen=True)
class Policy:
    """Everything that guards one dependency; ``None`` switches a guard off.

    ``timeout`` applies to each attempt. ``fallback`` receives the final exception (a counted
    failure, ``CircuitOpen`` or ``BulkheadFull``; never a caller error) and returns the value to use
    instead; for ``acall`` it may be a coroutine function.
    """

    timeout: float | None = 10.0
    retry: RetryPolicy | None = field(default_factory=RetryPolicy)
    breaker: BreakerPolicy | None = field(default_factory=BreakerPolicy)
    bulkhead: BulkheadPolicy | None = None
    fallback: Callable[[BaseException], Any] | None = None

    def __post_init__(self) -> None:
        if self.timeout is not None and self.timeout <= 0:
            raise ValidationError.for_field("timeout", "must be positive (seconds) or None")


def _check_types(field_name: str, types_: ExceptionTypes) -> None:
    if not isinstance(types_, tuple) or not all(
        isinstance(t, type) and issubclass(t, BaseException) for t in types_
    ):
        raise ValidationError.for_field(field_name, "a tuple of exception classes")
