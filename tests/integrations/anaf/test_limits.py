"""ANAF's published limits: refused locally before ANAF would, and refused by the double like ANAF."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from genius.integrations.anaf import (
    AnafLimiter,
    AnafLimitReached,
    InMemoryAnafLimiter,
    NoLocalLimits,
    RedisAnafLimiter,
)
from genius.integrations.anaf import limits as L
from genius.integrations.anaf.limits import with_maximums
from tests.integrations.anaf.conftest import SELLER, Sandbox, example_xml, make_sandbox


def eleventh_download(sandbox: Sandbox, limiter: AnafLimiter | None = None) -> tuple[str, AnafLimitReached]:
    """(the download id, the refusal of its 11th download: ANAF allows 10 a day per message)."""
    with sandbox.efactura(limiter=limiter) as client:
        index = client.upload(example_xml("domestic-21-11"), cif=SELLER).upload_index
        download_id = client.message_state(index).download_id or ""
        for _ in range(10):
            client.download(download_id)
        with pytest.raises(AnafLimitReached) as refused:
            client.download(download_id)
    return download_id, refused.value


def test_download_limit_is_refused_locally_before_anaf(sandbox: Sandbox) -> None:
    download_id, refusal = eleventh_download(sandbox)
    assert refusal.local and refusal.limit == "descarcare_per_message" and refusal.key == download_id
    assert refusal.retry_after_seconds and refusal.retry_after_seconds <= 24 * 3600
    assert sandbox.double.calls["descarcare"] == 10  # the 11th never left


def test_download_limit_is_enforced_by_the_double_too(sandbox: Sandbox) -> None:
    _, refusal = eleventh_download(sandbox, NoLocalLimits())
    assert not refusal.local and refusal.limit == "descarcare_per_message"
    assert "S-au facut deja 10 descarcari" in refusal.message
    assert sandbox.double.calls["descarcare"] == 11


@pytest.fixture
def strict_sandbox() -> Iterator[Sandbox]:
    """The double's daily limits lowered so a test can reach them quickly."""
    yield from make_sandbox(limit_overrides={"stare_mesaj_per_upload": 3, "lista_mesaje_per_cui": 2})


def test_state_and_list_limits_by_the_double(strict_sandbox: Sandbox) -> None:
    with strict_sandbox.efactura(limiter=NoLocalLimits()) as client:
        index = client.upload(example_xml("domestic-21-11"), cif=SELLER).upload_index
        for _ in range(3):
            client.message_state(index)
        with pytest.raises(AnafLimitReached) as state_limit:
            client.message_state(index)
        assert state_limit.value.limit == "stare_mesaj_per_upload" and not state_limit.value.local
        client.list_messages(SELLER, 1)
        client.list_messages(SELLER, 1)
        with pytest.raises(AnafLimitReached) as list_limit:
            client.list_messages(SELLER, 1)
        assert list_limit.value.limit == "lista_mesaje_per_cui"


def test_client_limits_can_be_lowered_and_are_counted_per_key(sandbox: Sandbox) -> None:
    rules = with_maximums({"stare_mesaj_per_upload": 2})
    with sandbox.efactura(limit_rules=rules) as client:
        first = client.upload(example_xml("domestic-21-11"), cif=SELLER).upload_index
        second = client.upload(example_xml("credit-note"), cif=SELLER, standard="CN").upload_index
        client.message_state(first)
        client.message_state(first)
        with pytest.raises(AnafLimitReached, match="stare_mesaj_per_upload"):
            client.message_state(first)
        client.message_state(second)  # another upload index has its own counter
    assert sandbox.double.calls["stareMesaj"] == 3


def test_overall_limit_per_minute_by_the_double() -> None:
    for box in make_sandbox(limit_overrides={"overall_per_minute": 3}):
        with box.efactura(limiter=NoLocalLimits()) as client:
            for _ in range(3):
                client.list_messages(SELLER, 1)
            with pytest.raises(AnafLimitReached) as limited:
                client.list_messages(SELLER, 1)
        assert limited.value.limit == "overall_per_minute" and not limited.value.local


def test_unknown_limit_override_is_refused() -> None:
    with pytest.raises(KeyError, match="unknown ANAF limit"):
        with_maximums({"downloads": 5})


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_daily_window_follows_bucharest_midnight() -> None:
    # 21:30 UTC on 1 July is 00:30 on 2 July in Bucharest (UTC+3 in summer): a new ANAF day.
    clock = Clock(datetime(2026, 7, 1, 20, 30, tzinfo=UTC))
    limiter = InMemoryAnafLimiter(clock)
    rule = L.DOWNLOAD_PER_MESSAGE
    for _ in range(rule.maximum):
        limiter.acquire(rule, "42")
    with pytest.raises(AnafLimitReached) as refused:
        limiter.acquire(rule, "42")
    assert refused.value.retry_after_seconds == pytest.approx(30 * 60)
    assert limiter.used(rule, "42") == 10
    clock.now += timedelta(hours=1)
    assert limiter.acquire(rule, "42") == 1
    limiter.acquire(rule, "43")  # keys are independent


def test_minute_window() -> None:
    clock = Clock(datetime(2026, 7, 1, 10, 0, 59, tzinfo=UTC))
    limiter = InMemoryAnafLimiter(clock)
    rule = with_maximums({"overall_per_minute": 2})["overall_per_minute"]
    limiter.acquire(rule)
    limiter.acquire(rule)
    with pytest.raises(AnafLimitReached):
        limiter.acquire(rule)
    clock.now += timedelta(seconds=1)
    assert limiter.acquire(rule) == 1


def test_in_memory_slots_space_concurrent_callers() -> None:
    limiter = InMemoryAnafLimiter()
    waits = sorted(limiter.reserve_slot("vat", 1.0) for _ in range(3))
    assert waits[0] == pytest.approx(0.0, abs=0.01)
    assert waits[1] == pytest.approx(1.0, abs=0.05) and waits[2] == pytest.approx(2.0, abs=0.05)


@pytest.mark.redis
def test_redis_limiter_shares_counters_between_processes(redis_url: str) -> None:
    prefix = f"gtest:anaf:{uuid.uuid4().hex[:8]}"
    first = RedisAnafLimiter(redis_url, prefix=prefix)
    second = RedisAnafLimiter(redis_url, prefix=prefix)
    try:
        rule = L.DOWNLOAD_PER_MESSAGE
        for n in range(rule.maximum):
            (first if n % 2 else second).acquire(rule, "3000000001")
        with pytest.raises(AnafLimitReached) as refused:
            first.acquire(rule, "3000000001")
        assert refused.value.local and refused.value.limit == rule.name
        assert second.used(rule, "3000000001") == 10  # a refusal does not count
        assert first.acquire(rule, "3000000002") == 1
        # Concurrent acquisitions never exceed the maximum.
        granted: list[int] = []

        def grab() -> None:
            for _ in range(10):
                with contextlib.suppress(AnafLimitReached):
                    granted.append(second.acquire(L.STATE_PER_UPLOAD, "77"))

        threads = [threading.Thread(target=grab) for _ in range(15)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(granted) == L.STATE_PER_UPLOAD.maximum and sorted(granted) == list(range(1, 101))
        # Paced slots come from Redis's clock: two limiters line up one second apart.
        waits = [first.reserve_slot("vat", 1.0), second.reserve_slot("vat", 1.0)]
        assert waits[0] == pytest.approx(0.0, abs=0.05) and waits[1] == pytest.approx(1.0, abs=0.05)
    finally:
        keys = list(first._redis.scan_iter(f"{prefix}:*"))
        if keys:
            first._redis.delete(*keys)
        first.close()
        second.close()


@pytest.mark.redis
@pytest.mark.parametrize(
    ("second", "expected"),
    [(30.0, 3630), (59.5, 3601), (0.0, 3660)],  # mid-window, the last half second, the first instant
)
def test_redis_limiter_keys_expire_after_their_window(redis_url: str, second: float, expected: int) -> None:
    prefix = f"gtest:anaf:{uuid.uuid4().hex[:8]}"
    now = datetime(2026, 11, 26, 10, 15, 0, tzinfo=UTC) + timedelta(seconds=second)
    limiter = RedisAnafLimiter(redis_url, prefix=prefix, clock=lambda: now)
    try:
        limiter.acquire(L.OVERALL_PER_MINUTE)
        (key,) = list(limiter._redis.scan_iter(f"{prefix}:*"))
        pttl = limiter._redis.pttl(key)
        # The key outlives the minute it counts: the window's rest, rounded up, plus an hour of slack
        # (milliseconds, so a key that would end exactly an hour after the window is caught).
        assert (expected - 1) * 1000 < pttl <= expected * 1000
    finally:
        for key in limiter._redis.scan_iter(f"{prefix}:*"):
            limiter._redis.delete(key)
        limiter.close()


def test_no_local_limits_counts_nothing() -> None:
    limiter = NoLocalLimits()
    for _ in range(20):
        assert limiter.acquire(L.DOWNLOAD_PER_MESSAGE, "1") == 0
    started = time.monotonic()
    assert limiter.reserve_slot("vat", 1.0) == 0.0
    assert time.monotonic() - started < 0.5
