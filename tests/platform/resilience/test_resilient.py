"""``Resilient``: retry on named errors, breaker, timeouts, bulkhead, fallback and metrics, sync and async."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
import uuid

import pytest

from genius.kernel.errors import ExternalServiceError, ValidationError
from genius.platform.observability.metrics import REGISTRY
from genius.platform.resilience import (
    BreakerPolicy,
    BreakerState,
    BulkheadFull,
    BulkheadPolicy,
    CallTimeout,
    CircuitOpen,
    MemoryBreakerStore,
    Policy,
    Resilient,
    RetryPolicy,
)

FAST_RETRY = RetryPolicy(
    attempts=3, initial_wait=0.01, max_wait=0.05, jitter=0.01, retry_on=(ConnectionError,)
)


class Flaky:
    """Fails with ``errors`` in turn, then returns ``value``; counts calls."""

    def __init__(self, *errors: BaseException, value: str = "ok") -> None:
        self.errors = list(errors)
        self.value = value
        self.calls = 0

    def __call__(self, *args: object, **kwargs: object) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return f"{self.value}{args}{kwargs}" if args or kwargs else self.value


def unique(prefix: str = "dep") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def sample(metric: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(metric, labels) or 0.0


def guard(policy: Policy, name: str | None = None) -> Resilient:
    return Resilient(name or unique(), policy, store=MemoryBreakerStore())


def test_retries_named_errors_with_arguments_and_counts_them() -> None:
    r = guard(Policy(timeout=None, retry=FAST_RETRY))
    fn = Flaky(ConnectionError("reset"), ConnectionError("reset"))
    assert r.call(fn, 1, b=2) == "ok(1,){'b': 2}"
    assert fn.calls == 3
    assert sample("genius_resilience_retries_total", breaker=r.name) == 2
    assert sample("genius_resilience_calls_total", breaker=r.name, outcome="success") == 1
    assert sample("genius_resilience_failures_total", breaker=r.name, error="ConnectionError") == 2


def test_does_not_retry_errors_that_are_not_named() -> None:
    r = guard(Policy(timeout=None, retry=FAST_RETRY))
    fn = Flaky(KeyError("boom"))
    with pytest.raises(KeyError):
        r.call(fn)
    assert fn.calls == 1
    assert sample("genius_resilience_retries_total", breaker=r.name) == 0


def test_gives_up_after_the_attempts_with_the_last_error() -> None:
    r = guard(Policy(timeout=None, retry=FAST_RETRY, breaker=None))
    fn = Flaky(*(ConnectionError(f"try {i}") for i in range(5)))
    with pytest.raises(ConnectionError, match="try 2"):
        r.call(fn)
    assert fn.calls == 3


def test_backoff_grows_exponentially() -> None:
    policy = RetryPolicy(attempts=4, initial_wait=0.05, max_wait=1.0, jitter=0.0, retry_on=(ConnectionError,))
    r = guard(Policy(timeout=None, retry=policy, breaker=None))
    stamps: list[float] = []

    def failing() -> None:
        stamps.append(time.monotonic())
        raise ConnectionError("down")

    with pytest.raises(ConnectionError):
        r.call(failing)
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert len(gaps) == 3
    for gap, expected in zip(gaps, (0.05, 0.1, 0.2), strict=True):
        assert expected * 0.9 <= gap < expected + 0.15, gaps


def test_the_breaker_opens_and_an_open_breaker_is_not_retried() -> None:
    breaker = BreakerPolicy(failure_threshold=2, reset_timeout=60)
    r = guard(
        Policy(
            timeout=None,
            retry=RetryPolicy(attempts=5, initial_wait=0, max_wait=0, jitter=0, retry_on=(ConnectionError,)),
            breaker=breaker,
        )
    )
    fn = Flaky(*(ConnectionError("down") for _ in range(10)))
    with pytest.raises(CircuitOpen) as caught:
        r.call(fn)
    assert fn.calls == 2  # the third attempt met the open breaker and stopped the retries
    assert caught.value.code == "circuit_open" and caught.value.breaker == r.name
    assert isinstance(caught.value, ExternalServiceError)
    assert r.state().state is BreakerState.OPEN
    assert sample("genius_resilience_breaker_state", breaker=r.name) == 2
    with pytest.raises(CircuitOpen):
        r.call(fn)
    assert fn.calls == 2
    assert sample("genius_resilience_rejections_total", breaker=r.name, reason="circuit_open") == 2
    r.reset()
    assert sample("genius_resilience_breaker_state", breaker=r.name) == 0


def test_half_open_trial_success_closes_through_the_guard() -> None:
    r = guard(Policy(timeout=None, retry=None, breaker=BreakerPolicy(failure_threshold=1, reset_timeout=0.1)))
    with pytest.raises(ConnectionError):
        r.call(Flaky(ConnectionError("down")))
    with pytest.raises(CircuitOpen):
        r.call(Flaky())
    time.sleep(0.15)
    assert r.call(Flaky(value="back")) == "back"
    assert r.state().state is BreakerState.CLOSED


def test_caller_errors_neither_trip_the_breaker_nor_reach_the_fallback() -> None:
    seen: list[BaseException] = []
    r = guard(
        Policy(timeout=None, retry=None, breaker=BreakerPolicy(failure_threshold=1), fallback=seen.append)
    )
    for _ in range(3):
        with pytest.raises(ValidationError):
            r.call(Flaky(ValidationError.for_field("cui", "bad")))
    assert r.state().state is BreakerState.CLOSED and seen == []


def test_fallback_receives_the_final_error_and_its_value_is_returned() -> None:
    r = guard(
        Policy(
            timeout=None,
            retry=FAST_RETRY,
            breaker=BreakerPolicy(failure_threshold=10),
            fallback=lambda exc: f"cached after {type(exc).__name__}",
        )
    )
    assert r.call(Flaky(*(ConnectionError("down") for _ in range(3)))) == "cached after ConnectionError"
    assert sample("genius_resilience_calls_total", breaker=r.name, outcome="fallback") == 1
    assert sample("genius_resilience_calls_total", breaker=r.name, outcome="failure") == 1


def test_fallback_also_answers_for_an_open_breaker() -> None:
    r = guard(
        Policy(
            timeout=None,
            retry=None,
            breaker=BreakerPolicy(failure_threshold=1, reset_timeout=60),
            fallback=lambda exc: type(exc).__name__,
        )
    )
    assert r.call(Flaky(ConnectionError("down"))) == "ConnectionError"
    assert r.call(Flaky()) == "CircuitOpen"


def test_sync_timeout_cuts_a_slow_call_and_counts_as_a_failure() -> None:
    r = guard(Policy(timeout=0.1, retry=None, breaker=BreakerPolicy(failure_threshold=1)))
    release = threading.Event()
    started = time.monotonic()
    with pytest.raises(CallTimeout) as caught:
        r.call(release.wait, 5)
    release.set()
    assert time.monotonic() - started < 1.0
    assert caught.value.code == "call_timeout"
    assert r.state().state is BreakerState.OPEN
    assert sample("genius_resilience_failures_total", breaker=r.name, error="CallTimeout") == 1
    r.close()


def test_timeouts_are_retried_by_default() -> None:
    r = guard(
        Policy(
            timeout=0.05, retry=RetryPolicy(attempts=2, initial_wait=0, max_wait=0, jitter=0), breaker=None
        )
    )
    calls: list[int] = []

    def slow_then_fast() -> str:
        calls.append(1)
        if len(calls) == 1:
            time.sleep(0.3)
        return "fast"

    assert r.call(slow_then_fast) == "fast"
    assert len(calls) == 2


def test_sync_bulkhead_refuses_past_its_limit() -> None:
    r = guard(Policy(timeout=None, retry=None, bulkhead=BulkheadPolicy(max_concurrent=2, max_wait=0.05)))
    release = threading.Event()
    entered = threading.Semaphore(0)

    def hold() -> None:
        entered.release()
        release.wait(5)

    threads = [threading.Thread(target=r.call, args=(hold,)) for _ in range(2)]
    for t in threads:
        t.start()
    entered.acquire(timeout=5)
    entered.acquire(timeout=5)
    assert r.bulkhead is not None and r.bulkhead.in_flight == 2
    with pytest.raises(BulkheadFull):
        r.call(Flaky())
    release.set()
    for t in threads:
        t.join()
    assert r.call(Flaky()) == "ok"
    assert sample("genius_resilience_rejections_total", breaker=r.name, reason="bulkhead_full") == 1


def test_a_coroutine_function_is_refused_by_call() -> None:
    async def coro() -> None: ...

    with pytest.raises(ValidationError, match="acall"):
        guard(Policy()).call(coro)


def test_names_are_checked() -> None:
    with pytest.raises(ValidationError, match="name"):
        Resilient("Bad Name!", Policy())


# -- async ------------------------------------------------------------------------------------
async def test_async_retry_timeout_and_breaker() -> None:
    r = guard(
        Policy(
            timeout=0.05,
            retry=RetryPolicy(attempts=2, initial_wait=0, max_wait=0, jitter=0),
            breaker=BreakerPolicy(failure_threshold=2, reset_timeout=60),
        )
    )
    calls = 0

    async def hangs() -> None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(5)

    with pytest.raises(CallTimeout):
        await r.acall(hangs)
    assert calls == 2 and r.state().state is BreakerState.OPEN
    with pytest.raises(CircuitOpen):
        await r.acall(hangs)
    assert calls == 2


async def test_async_own_timeout_error_is_not_mistaken_for_the_deadline() -> None:
    r = guard(Policy(timeout=5, retry=None, breaker=None))

    async def raises() -> None:
        raise TimeoutError("the server said so")

    with pytest.raises(TimeoutError, match="the server said so"):
        await r.acall(raises)


async def test_async_bulkhead_and_async_fallback() -> None:
    async def fallback(exc: BaseException) -> str:
        return f"later ({exc.code})"  # type: ignore[attr-defined]

    r = guard(Policy(timeout=None, retry=None, bulkhead=BulkheadPolicy(max_concurrent=1), fallback=fallback))
    gate = asyncio.Event()

    async def hold(value: str) -> str:
        await gate.wait()
        return value

    first = asyncio.create_task(r.acall(hold, "first"))
    await asyncio.sleep(0.01)
    assert await r.acall(hold, "second") == "later (bulkhead_full)"
    gate.set()
    assert await first == "first"


async def test_async_bulkhead_waits_up_to_max_wait() -> None:
    r = guard(Policy(timeout=None, retry=None, bulkhead=BulkheadPolicy(max_concurrent=1, max_wait=1.0)))

    async def short(value: str) -> str:
        await asyncio.sleep(0.05)
        return value

    results = await asyncio.gather(r.acall(short, "a"), r.acall(short, "b"), r.acall(short, "c"))
    assert results == ["a", "b", "c"]
