"""The resilience kit's errors: what a caller sees when a guard, not the remote system, said no.

    ExternalServiceError (kernel)
    └── ResilienceError
        ├── CircuitOpen     the breaker is open (or half-open with its trial calls taken)
        ├── BulkheadFull    too many calls to this dependency are in flight already
        └── CallTimeout     one attempt took longer than the policy's timeout

They sit under ``ExternalServiceError`` because each means "the outside system is not usable now"
(the gateway answers 502). The remote system's own errors pass through unchanged.
"""

from __future__ import annotations

from genius.kernel.errors import ExternalServiceError


class ResilienceError(ExternalServiceError):
    """A resilience guard refused or cut a call to an outside system."""

    code = "resilience_error"

    def __init__(self, breaker: str, message: str) -> None:
        super().__init__(f"{breaker}: {message}", details={"breaker": breaker})
        self.breaker = breaker


class CircuitOpen(ResilienceError):
    """The breaker is open: the call was not attempted."""

    code = "circuit_open"


class BulkheadFull(ResilienceError):
    """The dependency's concurrency limit is reached and no slot freed up in time."""

    code = "bulkhead_full"


class CallTimeout(ResilienceError):
    """One attempt ran past its timeout."""

    code = "call_timeout"
