"""The resilience kit: every outbound call (ANAF, BNR, SMTP, ...) goes through ``Resilient``.

Public API (import from here)::

    Resilient(name, policy).call(fn, *a, **kw) / await .acall(async_fn, *a, **kw)
    Policy(timeout, retry, breaker, bulkhead, fallback)
    RetryPolicy, BreakerPolicy, BulkheadPolicy              the parts of a policy
    CALLER_ERRORS, TRANSIENT_ERRORS                          default ignore / retry_on sets
    ResilienceError, CircuitOpen, BulkheadFull, CallTimeout  the error tree (``errors``)
    BreakerState, BreakerRecord                              a breaker's state, as stored
    BreakerStore, MemoryBreakerStore, RedisBreakerStore      where breaker state lives
    store_from_settings, use_store, default_store            the process's store (bootstrap)

Metrics (``genius_resilience_*``): breaker_state gauge, calls by outcome, failures by error,
rejections by reason, retries; all labelled by breaker name.
"""

from genius.platform.resilience.breaker import BreakerRecord, BreakerState
from genius.platform.resilience.errors import BulkheadFull, CallTimeout, CircuitOpen, ResilienceError
from genius.platform.resilience.policy import (
    CALLER_ERRORS,
    TRANSIENT_ERRORS,
    BreakerPolicy,
    BulkheadPolicy,
    Policy,
    RetryPolicy,
)
from genius.platform.resilience.resilient import Resilient
from genius.platform.resilience.stores import (
    BreakerStore,
    MemoryBreakerStore,
    RedisBreakerStore,
    default_store,
    store_from_settings,
    use_store,
)

__all__ = [
    "CALLER_ERRORS",
    "TRANSIENT_ERRORS",
    "BreakerPolicy",
    "BreakerRecord",
    "BreakerState",
    "BreakerStore",
    "BulkheadFull",
    "BulkheadPolicy",
    "CallTimeout",
    "CircuitOpen",
    "MemoryBreakerStore",
    "Policy",
    "RedisBreakerStore",
    "ResilienceError",
    "Resilient",
    "RetryPolicy",
    "default_store",
    "store_from_settings",
    "use_store",
]
