"""``Resilient``: the one entry point every outbound call goes through (ANAF, BNR, SMTP, ...).

    anaf = Resilient("anaf.efactura", Policy(timeout=20, retry=RetryPolicy(retry_on=(AnafBusy,))))
    answer = anaf.call(session.post, url, data=xml)          # plain function
    answer = await anaf.acall(client.post, url, content=xml)  # coroutine function

Guards, outermost first::

    fallback( bulkhead( retry( breaker( timeout( fn ) ) ) ) )

* the bulkhead slot is held for the whole call, retries included (it caps the work in flight);
* every attempt asks the breaker first: an open breaker fails the call at once with
  ``CircuitOpen``, which is never retried;
* each attempt has its own timeout; a timeout counts as a breaker failure and is retried when
  ``CallTimeout`` is in ``retry_on`` (it is by default);
* the fallback sees the final error, except caller errors (``BreakerPolicy.ignore``).

Breaker state lives in the process's ``BreakerStore`` (``use_store``; Redis when configured), read
at each call, so instances may be built at import time.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from genius.kernel.errors import ValidationError
from genius.platform.resilience import metrics
from genius.platform.resilience.breaker import BreakerRecord, BreakerState, Decision, Op, StateCode
from genius.platform.resilience.bulkhead import Bulkhead
from genius.platform.resilience.errors import BulkheadFull, CircuitOpen
from genius.platform.resilience.policy import BreakerPolicy, Policy
from genius.platform.resilience.stores import BreakerStore, default_store
from genius.platform.resilience.timeouts import acall_with_timeout, call_with_timeout

P = ParamSpec("P")
T = TypeVar("T")
# Threads that run plain functions under a timeout, per Resilient, when it has no bulkhead.
DEFAULT_TIMEOUT_THREADS = 16
# Breaker names become metric labels and Redis keys: keep them short and tame.
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")


class Resilient:
    """Guards calls to one dependency; see the module docstring."""

    def __init__(self, name: str, policy: Policy | None = None, *, store: BreakerStore | None = None) -> None:
        if not name or len(name) > 100 or not set(name) <= _NAME_CHARS:
            raise ValidationError.for_field("name", f"{name!r}: 1-100 of a-z 0-9 . _ -")
        self.name = name
        self.policy = policy or Policy()
        self._store = store
        self.bulkhead = Bulkhead(name, self.policy.bulkhead) if self.policy.bulkhead else None
        self._pool: ThreadPoolExecutor | None = None
        if self.policy.timeout is not None:
            threads = self.policy.bulkhead.max_concurrent if self.policy.bulkhead else DEFAULT_TIMEOUT_THREADS
            self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=f"resilient-{name}")
        metrics.BREAKER_STATE.labels(name).set(StateCode.CLOSED)

    @property
    def store(self) -> BreakerStore:
        return self._store or default_store()

    # -- the two entry points --------------------------------------------------------------------
    def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Call the plain function ``fn(*args, **kwargs)`` under the policy."""
        if inspect.iscoroutinefunction(fn):
            raise ValidationError.for_field("fn", "a coroutine function: use `await acall(...)`")
        try:
            if self.bulkhead is None:
                result = self._retrying(lambda: fn(*args, **kwargs))
            else:
                with self.bulkhead.slot():
                    result = self._retrying(lambda: fn(*args, **kwargs))
        except Exception as exc:
            return self._fallback_or_raise(exc)
        metrics.CALLS.labels(self.name, "success").inc()
        return result

    async def acall(self, fn: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs) -> T:
        """Await the coroutine function ``fn(*args, **kwargs)`` under the policy."""
        try:
            if self.bulkhead is None:
                result = await self._aretrying(lambda: fn(*args, **kwargs))
            else:
                async with self.bulkhead.aslot():
                    result = await self._aretrying(lambda: fn(*args, **kwargs))
        except Exception as exc:
            value = self._fallback_or_raise(exc)
            if inspect.isawaitable(value):
                value = await value
            return value  # type: ignore[no-any-return]
        metrics.CALLS.labels(self.name, "success").inc()
        return result

    # -- inspection ------------------------------------------------------------------------------
    def state(self) -> BreakerRecord:
        """The breaker's stored state (shared by every process when the store is Redis)."""
        return self.store.snapshot(self.name)

    def reset(self) -> None:
        """Close the breaker and forget its failures (operators, tests)."""
        self.store.reset(self.name)
        metrics.BREAKER_STATE.labels(self.name).set(StateCode.CLOSED)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    # -- retry -----------------------------------------------------------------------------------
    def _retry_options(self) -> dict[str, Any]:
        retry = self.policy.retry
        if retry is None:
            return {"stop": stop_after_attempt(1), "reraise": True}
        return {
            "stop": stop_after_attempt(retry.attempts),
            "wait": wait_exponential_jitter(
                multiplier=retry.initial_wait, max=retry.max_wait, jitter=retry.jitter
            ),
            # Named retryable errors only, and never a refusal of our own guards.
            "retry": retry_if_exception(
                lambda e: isinstance(e, retry.retry_on) and not isinstance(e, CircuitOpen | BulkheadFull)
            ),
            "before_sleep": self._count_retry,
            "reraise": True,
        }

    def _count_retry(self, _state: RetryCallState) -> None:
        metrics.RETRIES.labels(self.name).inc()

    def _retrying(self, attempt: Callable[[], T]) -> T:
        return Retrying(**self._retry_options())(self._attempt, attempt)

    async def _aretrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        return await AsyncRetrying(**self._retry_options())(self._aattempt, attempt)  # type: ignore[no-any-return]

    # -- one attempt: breaker around timeout -----------------------------------------------------
    def _attempt(self, fn: Callable[[], T]) -> T:
        apply = self.store.apply
        trial = self._acquire(apply)
        try:
            if self.policy.timeout is None:
                result = fn()
            else:
                assert self._pool is not None
                result = call_with_timeout(self.name, self._pool, self.policy.timeout, fn)
        except Exception as exc:
            self._record_failure(exc, trial, apply)
            raise
        self._record(Op.SUCCESS, trial, apply)
        return result

    async def _aattempt(self, fn: Callable[[], Awaitable[T]]) -> T:
        store = self.store
        # A store doing network I/O (Redis) is asked off the event loop.
        off_loop = store.blocking
        if off_loop:
            trial = await asyncio.to_thread(self._acquire, store.apply)
        else:
            trial = self._acquire(store.apply)
        try:
            if self.policy.timeout is None:
                result = await fn()
            else:
                result = await acall_with_timeout(self.name, self.policy.timeout, fn)
        except Exception as exc:
            if off_loop:
                await asyncio.to_thread(self._record_failure, exc, trial, store.apply)
            else:
                self._record_failure(exc, trial, store.apply)
            raise
        if off_loop:
            await asyncio.to_thread(self._record, Op.SUCCESS, trial, store.apply)
        else:
            self._record(Op.SUCCESS, trial, store.apply)
        return result

    def _acquire(self, apply: Callable[..., Any]) -> bool:
        """True for a half-open trial call; raises ``CircuitOpen`` when the breaker refuses."""
        breaker = self.policy.breaker
        if breaker is None:
            return False
        outcome = apply(self.name, Op.ACQUIRE, breaker)
        self._show(outcome.state)
        if outcome.decision is Decision.REJECTED:
            metrics.REJECTIONS.labels(self.name, "circuit_open").inc()
            wait = f"; next trial in {outcome.retry_after:.1f}s" if outcome.retry_after else ""
            raise CircuitOpen(self.name, f"circuit {outcome.state.value}{wait}")
        return outcome.decision is Decision.TRIAL

    def _record_failure(self, exc: Exception, trial: bool, apply: Callable[..., Any]) -> None:
        breaker = self.policy.breaker
        counted = breaker.counts(exc) if breaker is not None else not isinstance(exc, _caller_errors())
        if counted:
            metrics.FAILURES.labels(self.name, type(exc).__name__).inc()
        # The dependency answered (with a caller error): that is a success for its health.
        self._record(Op.FAILURE if counted else Op.SUCCESS, trial, apply)

    def _record(self, op: Op, trial: bool, apply: Callable[..., Any]) -> None:
        if self.policy.breaker is not None:
            self._show(apply(self.name, op, self.policy.breaker, trial=trial).state)

    def _show(self, state: BreakerState) -> None:
        metrics.BREAKER_STATE.labels(self.name).set(_STATE_CODES[state])

    # -- the end ---------------------------------------------------------------------------------
    def _fallback_or_raise(self, exc: Exception) -> Any:
        caller_error = isinstance(exc, _ignored(self.policy.breaker)) and not isinstance(
            exc, CircuitOpen | BulkheadFull
        )
        if isinstance(exc, BulkheadFull):
            metrics.REJECTIONS.labels(self.name, "bulkhead_full").inc()
        if isinstance(exc, CircuitOpen | BulkheadFull):
            metrics.CALLS.labels(self.name, "rejected").inc()
        elif caller_error:
            metrics.CALLS.labels(self.name, "success").inc()  # the dependency did its job
        else:
            metrics.CALLS.labels(self.name, "failure").inc()
        if self.policy.fallback is None or caller_error:
            raise exc
        metrics.CALLS.labels(self.name, "fallback").inc()
        return self.policy.fallback(exc)


_STATE_CODES = {
    BreakerState.CLOSED: StateCode.CLOSED,
    BreakerState.HALF_OPEN: StateCode.HALF_OPEN,
    BreakerState.OPEN: StateCode.OPEN,
}


def _caller_errors() -> tuple[type[BaseException], ...]:
    return BreakerPolicy().ignore


def _ignored(breaker: BreakerPolicy | None) -> tuple[type[BaseException], ...]:
    return breaker.ignore if breaker is not None else _caller_errors()
