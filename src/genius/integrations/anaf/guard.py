"""The one place every outbound ANAF call passes: the platform resilience kit, one breaker per family.

``CallGuard.call(family, fn, idempotent=...)`` runs ``fn`` (one HTTP exchange that raises the
ANAF error tree) through ``genius.platform.resilience.Resilient`` named ``anaf.<family>``:

- families: ``oauth``, ``efactura.upload``, ``efactura.state``, ``efactura.list``,
  ``efactura.download``, ``vat``; each has its own breaker (state in the process's breaker
  store: Redis when configured, so every worker sees the same breaker);
- only transient failures trip a breaker (``AnafUnavailable``, ``UploadOutcomeUnknown``,
  ``AnafProtocolError``, the kit's ``CallTimeout``); an answer that refuses (limits, auth,
  rejections, bad arguments) proves ANAF is up. An open breaker raises ``AnafCircuitOpen``;
- retries (exponential backoff with jitter) only for idempotent calls and only on
  ``AnafUnavailable`` / ``CallTimeout``. Uploads and token grants are never retried: a lost
  upload answer is ``UploadOutcomeUnknown`` and the caller reconciles through the message list;
- a per-attempt timeout backstop above httpx's own timeouts, and a bulkhead per family.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from genius.integrations.anaf.errors import (
    AnafAuthError,
    AnafCircuitOpen,
    AnafLimitReached,
    AnafRejected,
    AnafUnavailable,
    UploadOutcomeUnknown,
)
from genius.platform.resilience import (
    CALLER_ERRORS,
    BreakerPolicy,
    BreakerStore,
    BulkheadFull,
    BulkheadPolicy,
    CallTimeout,
    CircuitOpen,
    Policy,
    Resilient,
    RetryPolicy,
)

T = TypeVar("T")

FAMILIES = ("oauth", "efactura.upload", "efactura.state", "efactura.list", "efactura.download", "vat")
UPLOAD_FAMILY = "efactura.upload"
# ANAF answered, and said no: these do not count against ANAF's health.
ANSWERED = (*CALLER_ERRORS, AnafLimitReached, AnafAuthError, AnafRejected)


class CallGuard(Protocol):
    def call(self, family: str, fn: Callable[[], T], *, idempotent: bool) -> T: ...


@dataclass(frozen=True)
class GuardPolicy:
    """Tunables. ``timeout_backstop`` (s) caps one attempt whatever httpx does (a trickling
    answer); keep it above the upload timeout. ``max_concurrent`` calls per family in flight."""

    failure_threshold: int = 5
    reset_seconds: float = 30.0
    attempts: int = 3
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    timeout_backstop: float | None = 180.0
    max_concurrent: int = 8
    bulkhead_wait: float = 60.0


class ResilientGuard:
    """ANAF's families on the platform resilience kit (see the module docstring)."""

    def __init__(
        self, policy: GuardPolicy | None = None, *, store: BreakerStore | None = None, prefix: str = "anaf"
    ):
        self.policy = policy or GuardPolicy()
        self._store = store
        self._prefix = prefix
        self._guards: dict[tuple[str, bool], Resilient] = {}
        self._lock = threading.Lock()

    def _policy(self, retry: bool) -> Policy:
        p = self.policy
        return Policy(
            timeout=p.timeout_backstop,
            retry=RetryPolicy(
                attempts=p.attempts,
                initial_wait=p.backoff_initial,
                max_wait=p.backoff_max,
                retry_on=(AnafUnavailable, CallTimeout),
            )
            if retry and p.attempts > 1
            else None,
            breaker=BreakerPolicy(
                failure_threshold=p.failure_threshold, reset_timeout=p.reset_seconds, ignore=ANSWERED
            ),
            bulkhead=BulkheadPolicy(max_concurrent=p.max_concurrent, max_wait=p.bulkhead_wait),
        )

    def _guard(self, family: str, retry: bool) -> Resilient:
        # Two Resilient per family (with and without retries) share one breaker: its state is
        # kept in the store under the name.
        with self._lock:
            guard = self._guards.get((family, retry))
            if guard is None:
                guard = Resilient(f"{self._prefix}.{family}", self._policy(retry), store=self._store)
                self._guards[(family, retry)] = guard
            return guard

    def breaker_state(self, family: str) -> str:
        return self._guard(family, False).state().state.value

    def reset(self, family: str) -> None:
        self._guard(family, False).reset()

    def close(self) -> None:
        with self._lock:
            guards, self._guards = list(self._guards.values()), {}
        for guard in guards:
            guard.close()

    def call(self, family: str, fn: Callable[[], T], *, idempotent: bool) -> T:
        try:
            return self._guard(family, idempotent).call(fn)
        except CircuitOpen as exc:
            raise AnafCircuitOpen(f"ANAF {family}: {exc.message}; not called", family=family) from exc
        except BulkheadFull as exc:
            raise AnafUnavailable(
                f"ANAF {family}: too many calls in flight; not called", family=family
            ) from exc
        except CallTimeout as exc:
            if family == UPLOAD_FAMILY:
                raise UploadOutcomeUnknown(
                    f"ANAF upload: {exc.message}; the invoice may be filed: reconcile through the message "
                    "list before sending again"
                ) from exc
            raise AnafUnavailable(f"ANAF {family}: {exc.message}", family=family) from exc


class DirectGuard:
    """No breaker, no retries: one attempt per call (unit tests of the protocol mapping)."""

    def call(self, family: str, fn: Callable[[], T], *, idempotent: bool) -> T:
        return fn()


__all__ = ["FAMILIES", "CallGuard", "DirectGuard", "GuardPolicy", "ResilientGuard"]
