"""Fixtures of the resilience tests: breaker stores in process and in Redis (unique key prefix)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from genius.platform.resilience import BreakerStore, MemoryBreakerStore, RedisBreakerStore


def redis_store(url: str, prefix: str) -> RedisBreakerStore:
    return RedisBreakerStore.from_url(url, prefix=prefix)


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of its own (tests run concurrently on one Redis); its keys are deleted after."""
    prefix = f"gtest:breaker:{uuid.uuid4().hex[:10]}:"
    yield prefix
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def store(request: pytest.FixtureRequest) -> Iterator[BreakerStore]:
    if request.param == "memory":
        yield MemoryBreakerStore()
        return
    url = request.getfixturevalue("redis_url")
    built = redis_store(url, request.getfixturevalue("redis_prefix"))
    yield built
    built.close()
