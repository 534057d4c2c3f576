"""The breaker's state machine, run on both stores (in process, and the Lua script in Redis)."""

from __future__ import annotations

import threading
import time

import pytest

from genius.kernel.errors import ValidationError
from genius.platform.resilience import BreakerPolicy, BreakerState, BreakerStore
from genius.platform.resilience.breaker import Decision, Op

POLICY = BreakerPolicy(failure_threshold=3, reset_timeout=0.3, half_open_calls=1)


def fail(store: BreakerStore, name: str, times: int, *, trial: bool = False) -> BreakerState:
    state = BreakerState.CLOSED
    for _ in range(times):
        assert store.apply(name, Op.ACQUIRE, POLICY).decision is not Decision.REJECTED
        state = store.apply(name, Op.FAILURE, POLICY, trial=trial).state
    return state


def test_opens_after_consecutive_failures_only(store: BreakerStore) -> None:
    assert fail(store, "x", 2) is BreakerState.CLOSED
    store.apply("x", Op.SUCCESS, POLICY)  # a success resets the count
    assert fail(store, "x", 2) is BreakerState.CLOSED
    assert fail(store, "x", 1) is BreakerState.OPEN
    refused = store.apply("x", Op.ACQUIRE, POLICY)
    assert refused.decision is Decision.REJECTED and refused.state is BreakerState.OPEN
    assert 0 < refused.retry_after <= POLICY.reset_timeout
    assert store.snapshot("x").failures == 3


def test_half_open_lets_one_trial_through_and_its_success_closes(store: BreakerStore) -> None:
    fail(store, "y", 3)
    time.sleep(POLICY.reset_timeout + 0.05)
    first = store.apply("y", Op.ACQUIRE, POLICY)
    assert (first.decision, first.state) == (Decision.TRIAL, BreakerState.HALF_OPEN)
    second = store.apply("y", Op.ACQUIRE, POLICY)
    assert (second.decision, second.state) == (Decision.REJECTED, BreakerState.HALF_OPEN)
    # A success of a call that was not the trial says nothing about the dependency now.
    assert store.apply("y", Op.SUCCESS, POLICY, trial=False).state is BreakerState.HALF_OPEN
    assert store.apply("y", Op.SUCCESS, POLICY, trial=True).state is BreakerState.CLOSED
    assert store.apply("y", Op.ACQUIRE, POLICY).decision is Decision.ALLOWED
    assert store.snapshot("y").failures == 0


def test_a_failed_trial_opens_again_for_a_full_timeout(store: BreakerStore) -> None:
    fail(store, "z", 3)
    time.sleep(POLICY.reset_timeout + 0.05)
    assert store.apply("z", Op.ACQUIRE, POLICY).decision is Decision.TRIAL
    assert store.apply("z", Op.FAILURE, POLICY, trial=True).state is BreakerState.OPEN
    assert store.apply("z", Op.ACQUIRE, POLICY).decision is Decision.REJECTED


def test_a_vanished_trial_stops_blocking_after_another_timeout(store: BreakerStore) -> None:
    fail(store, "v", 3)
    time.sleep(POLICY.reset_timeout + 0.05)
    assert store.apply("v", Op.ACQUIRE, POLICY).decision is Decision.TRIAL  # its caller dies
    assert store.apply("v", Op.ACQUIRE, POLICY).decision is Decision.REJECTED
    time.sleep(POLICY.reset_timeout + 0.05)
    assert store.apply("v", Op.ACQUIRE, POLICY).decision is Decision.TRIAL


def test_breakers_are_independent_by_name_and_reset_forgets(store: BreakerStore) -> None:
    fail(store, "a", 3)
    assert store.apply("b", Op.ACQUIRE, POLICY).decision is Decision.ALLOWED
    store.reset("a")
    assert store.snapshot("a").state is BreakerState.CLOSED
    assert store.apply("a", Op.ACQUIRE, POLICY).decision is Decision.ALLOWED


def test_concurrent_acquires_in_half_open_grant_exactly_the_trial_slots(store: BreakerStore) -> None:
    policy = BreakerPolicy(failure_threshold=1, reset_timeout=0.2, half_open_calls=2)
    store.apply("c", Op.FAILURE, policy)
    time.sleep(0.25)
    decisions: list[Decision] = []
    lock = threading.Lock()

    def acquire() -> None:
        decision = store.apply("c", Op.ACQUIRE, policy).decision
        with lock:
            decisions.append(decision)

    threads = [threading.Thread(target=acquire) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert decisions.count(Decision.TRIAL) == 2
    assert decisions.count(Decision.REJECTED) == 10


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"failure_threshold": 0}, "breaker.failure_threshold"),
        ({"reset_timeout": 0}, "breaker.reset_timeout"),
        ({"half_open_calls": 0}, "breaker.half_open_calls"),
        ({"ignore": (ValueError, "x")}, "breaker.ignore"),
    ],
)
def test_bad_policies_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        BreakerPolicy(**kwargs)  # type: ignore[arg-type]
    assert caught.value.problems[0].field == field
