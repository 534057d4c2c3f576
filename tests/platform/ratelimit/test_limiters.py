"""The token-bucket contract, run against the in-memory and the Redis limiter alike."""

from __future__ import annotations

import asyncio
import math
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from genius.platform.ratelimit import (
    Bucket,
    InMemoryRateLimiter,
    RateDecision,
    RateLimiter,
    RedisRateLimiter,
    RequestBuckets,
    build_rate_limiter,
    tenant_bucket,
    user_bucket,
)
from genius.platform.settings import RateLimitSettings, Settings


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["memory", "redis"])
async def limiter(request: pytest.FixtureRequest, clock: FakeClock) -> AsyncIterator[RateLimiter]:
    if request.param == "memory":
        yield InMemoryRateLimiter(clock=clock)
        return
    url = request.getfixturevalue("redis_url")
    prefix = f"genius:test:rl:{uuid.uuid4().hex}:"
    redis_limiter = RedisRateLimiter(url, clock=clock, prefix=prefix)
    yield redis_limiter
    cleanup = aioredis.Redis.from_url(url)
    keys = [key async for key in cleanup.scan_iter(match=f"{prefix}*")]
    if keys:
        await cleanup.delete(*keys)
    await cleanup.aclose()
    await redis_limiter.aclose()


async def test_burst_is_served_then_refused_with_the_wait(limiter: RateLimiter) -> None:
    bucket = Bucket("t1", rate=2.0, burst=3)
    decisions = [await limiter.acquire([bucket]) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    refused = decisions[-1]
    assert refused.limited_by == "t1"
    assert refused.retry_after == pytest.approx(0.5, abs=1e-6)  # one token at 2 tokens/s
    assert refused.retry_after_header == "1"


async def test_tokens_refill_at_the_rate(limiter: RateLimiter, clock: FakeClock) -> None:
    bucket = Bucket("t2", rate=1.0, burst=1)
    assert (await limiter.acquire([bucket])).allowed
    clock.advance(0.4)
    refused = await limiter.acquire([bucket])
    assert not refused.allowed
    assert refused.retry_after == pytest.approx(0.6, abs=1e-6)
    clock.advance(0.6)
    assert (await limiter.acquire([bucket])).allowed


async def test_idle_bucket_never_exceeds_its_burst(limiter: RateLimiter, clock: FakeClock) -> None:
    bucket = Bucket("t3", rate=10.0, burst=2)
    assert (await limiter.acquire([bucket])).allowed
    clock.advance(3600)
    results = [(await limiter.acquire([bucket])).allowed for _ in range(3)]
    assert results == [True, True, False]


async def test_all_or_nothing_a_refusing_bucket_spends_no_token_elsewhere(limiter: RateLimiter) -> None:
    tenant = Bucket("tenant", rate=0.001, burst=5)
    user = Bucket("user", rate=0.001, burst=2)
    outcomes = [await limiter.acquire([tenant, user]) for _ in range(3)]
    assert [o.allowed for o in outcomes] == [True, True, False]
    assert outcomes[-1].limited_by == "user"
    # The refusal took nothing from the tenant: 5 - 2 = 3 tokens are left for other users.
    others = [(await limiter.acquire([tenant])).allowed for _ in range(4)]
    assert others == [True, True, True, False]


async def test_tightest_bucket_names_the_longest_wait(limiter: RateLimiter) -> None:
    slow = Bucket("slow", rate=0.5, burst=1)
    fast = Bucket("fast", rate=5.0, burst=1)
    assert (await limiter.acquire([slow, fast])).allowed
    refused = await limiter.acquire([slow, fast])
    assert not refused.allowed
    assert refused.limited_by == "slow"
    assert refused.retry_after == pytest.approx(2.0, abs=1e-6)


async def test_cost_above_burst_can_never_pass(limiter: RateLimiter) -> None:
    refused = await limiter.acquire([Bucket("big", rate=100.0, burst=3)], cost=4)
    assert not refused.allowed
    assert math.isinf(refused.retry_after)


async def test_concurrent_requests_never_overspend(limiter: RateLimiter) -> None:
    bucket = Bucket("race", rate=0.001, burst=10)
    decisions = await asyncio.gather(*(limiter.acquire([bucket]) for _ in range(40)))
    assert sum(d.allowed for d in decisions) == 10


async def test_reset_refills(limiter: RateLimiter) -> None:
    bucket = Bucket("reset", rate=0.001, burst=1)
    assert (await limiter.acquire([bucket])).allowed
    assert not (await limiter.acquire([bucket])).allowed
    await limiter.reset(["reset"])
    assert (await limiter.acquire([bucket])).allowed


async def test_tenants_and_users_have_separate_buckets(limiter: RateLimiter) -> None:
    limits = RateLimitSettings(tenant_rate=0.001, tenant_burst=3, user_rate=0.001, user_burst=1)
    a_user1 = [tenant_bucket("A", limits), user_bucket("A", "u1", limits)]
    a_user2 = [tenant_bucket("A", limits), user_bucket("A", "u2", limits)]
    b_user1 = [tenant_bucket("B", limits), user_bucket("B", "u1", limits)]
    assert (await limiter.acquire(a_user1)).allowed
    assert not (await limiter.acquire(a_user1)).allowed  # u1's own bucket is empty
    assert (await limiter.acquire(a_user2)).allowed  # another user of A still passes
    assert (await limiter.acquire(b_user1)).allowed  # the same user id in tenant B is another bucket


def test_buckets_refuse_nonsense_limits() -> None:
    with pytest.raises(ValueError, match="rate must be > 0"):
        Bucket("x", rate=0, burst=1)
    with pytest.raises(ValueError, match="burst must be >= 1"):
        Bucket("x", rate=1, burst=0)


def test_retry_after_header_rounds_up_to_whole_seconds() -> None:
    assert RateDecision(False, retry_after=0.01).retry_after_header == "1"
    assert RateDecision(False, retry_after=1.2).retry_after_header == "2"
    assert RateDecision(False, retry_after=3.0).retry_after_header == "3"


def test_memory_limiter_forgets_the_oldest_buckets_beyond_its_cap() -> None:
    limiter = InMemoryRateLimiter(clock=FakeClock(), max_buckets=2)
    for key in ("a", "b", "c"):
        assert limiter.acquire_now([Bucket(key, rate=0.001, burst=1)]).allowed
    # "a" was forgotten (as if full again); "c" is still empty.
    assert limiter.acquire_now([Bucket("a", rate=0.001, burst=1)]).allowed
    assert not limiter.acquire_now([Bucket("c", rate=0.001, burst=1)]).allowed


async def test_redis_limiter_uses_the_server_clock_and_expires_idle_buckets(redis_url: str) -> None:
    prefix = f"genius:test:rl:{uuid.uuid4().hex}:"
    limiter = RedisRateLimiter(redis_url, prefix=prefix)
    client = aioredis.Redis.from_url(redis_url)
    try:
        bucket = Bucket("server-clock", rate=2.0, burst=2)
        assert [(await limiter.acquire([bucket])).allowed for _ in range(3)] == [True, True, False]
        ttl_ms = await client.pttl(f"{prefix}server-clock")
        assert 0 < ttl_ms <= 2000  # full again after burst / rate = 1 s, plus a 1 s margin
        await asyncio.sleep(0.6)  # > 1 token at 2 tokens/s on the Redis clock
        assert (await limiter.acquire([bucket])).allowed
    finally:
        await client.delete(f"{prefix}server-clock")
        await client.aclose()
        await limiter.aclose()


def test_settings_pick_the_implementation(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(build_rate_limiter(Settings(data_dir=tmp_path, redis_url=None)), InMemoryRateLimiter)
    chosen = build_rate_limiter(Settings(data_dir=tmp_path, redis_url="redis://127.0.0.1:6379/0"))
    assert isinstance(chosen, RedisRateLimiter)


def test_request_buckets_are_built_once_per_tenant_user_and_limits() -> None:
    sets = RequestBuckets(max_sets=3)
    limits = RateLimitSettings(tenant_rate=10, tenant_burst=20, user_rate=1, user_burst=2)
    first = sets.for_request("t1", "u1", limits)
    assert first == (tenant_bucket("t1", limits), user_bucket("t1", "u1", limits))
    assert sets.for_request("t1", "u1", limits.model_copy()) is first  # equal limits: the same buckets
    assert sets.for_request("t1", None, limits) == (tenant_bucket("t1", limits),)
    changed = limits.model_copy(update={"user_burst": 5})  # an administrator's override
    rebuilt = sets.for_request("t1", "u1", changed)
    assert rebuilt == (tenant_bucket("t1", changed), user_bucket("t1", "u1", changed))
    assert sets.for_request("t1", "u2", limits)[1].key == "{t1}:user:u2"  # a fourth set: starts over
    again = sets.for_request("t1", "u1", limits)
    assert again == first and again is not first
