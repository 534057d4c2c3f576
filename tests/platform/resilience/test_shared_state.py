"""Breaker state shared through Redis: two guards with separate connections see one breaker."""

from __future__ import annotations

import time

import pytest

from genius.platform.resilience import (
    BreakerPolicy,
    BreakerState,
    CircuitOpen,
    Policy,
    RedisBreakerStore,
    Resilient,
    store_from_settings,
)
from genius.platform.settings import Settings

pytestmark = pytest.mark.redis

POLICY = Policy(timeout=None, retry=None, breaker=BreakerPolicy(failure_threshold=2, reset_timeout=0.3))


def failing() -> None:
    raise ConnectionError("ANAF is down")


def test_one_instance_trips_the_breaker_the_other_refuses(redis_url: str, redis_prefix: str) -> None:
    # Two processes' worth of state: each guard with its own client and connection pool.
    store_a = RedisBreakerStore.from_url(redis_url, prefix=redis_prefix)
    store_b = RedisBreakerStore.from_url(redis_url, prefix=redis_prefix)
    a = Resilient("anaf.efactura", POLICY, store=store_a)
    b = Resilient("anaf.efactura", POLICY, store=store_b)
    calls: list[str] = []
    try:
        for _ in range(2):
            with pytest.raises(ConnectionError):
                a.call(failing)
        assert b.state().state is BreakerState.OPEN
        with pytest.raises(CircuitOpen):
            b.call(calls.append, "b")  # refused without calling
        assert calls == []
        time.sleep(0.35)
        # Half-open: the first instance takes the one trial slot ...
        trial_started: list[str] = []

        def trial() -> str:
            trial_started.append("a")
            # ... and while it runs, the other instance is refused.
            with pytest.raises(CircuitOpen):
                b.call(calls.append, "b")
            return "ok"

        assert a.call(trial) == "ok"
        assert trial_started == ["a"] and calls == []
        assert b.state().state is BreakerState.CLOSED
        assert b.call(lambda: "closed for everyone") == "closed for everyone"
    finally:
        store_a.close()
        store_b.close()


async def test_async_callers_share_the_same_redis_breaker(redis_url: str, redis_prefix: str) -> None:
    store_a = RedisBreakerStore.from_url(redis_url, prefix=redis_prefix)
    store_b = RedisBreakerStore.from_url(redis_url, prefix=redis_prefix)
    a = Resilient("bnr.rates", POLICY, store=store_a)
    b = Resilient("bnr.rates", POLICY, store=store_b)

    async def down() -> None:
        raise ConnectionError("BNR is down")

    try:
        for _ in range(2):
            with pytest.raises(ConnectionError):
                await a.acall(down)
        with pytest.raises(CircuitOpen):
            await b.acall(down)
    finally:
        store_a.close()
        store_b.close()


def test_an_unreachable_redis_falls_back_to_in_process_state() -> None:
    store = RedisBreakerStore.from_url("redis://127.0.0.1:1/0")  # nothing listens on port 1
    r = Resilient("smtp", POLICY, store=store)
    for _ in range(2):
        with pytest.raises(ConnectionError):
            r.call(failing)
    with pytest.raises(CircuitOpen):  # still protected, by this process's own breaker
        r.call(failing)
    store.close()


def test_settings_pick_the_store(redis_url: str) -> None:
    assert isinstance(store_from_settings(Settings(redis_url=redis_url)), RedisBreakerStore)
    assert not isinstance(store_from_settings(Settings(redis_url=None)), RedisBreakerStore)
