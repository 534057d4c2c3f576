"""Rate limiting: token buckets per tenant and per user, in memory or in Redis (same interface).

``build_rate_limiter(settings)`` picks Redis when ``settings.redis_url`` is set (limits shared by
every process), else in-process buckets. Limits come from a ``LimitSource`` (settings by default,
runtime settings when an administrator overrides them).
"""

from __future__ import annotations

from genius.platform.ratelimit.base import (
    Bucket,
    LimitSource,
    RateDecision,
    RateLimiter,
    RateLimitExceeded,
    RequestBuckets,
    StaticLimits,
    tenant_bucket,
    user_bucket,
)
from genius.platform.ratelimit.memory import InMemoryRateLimiter
from genius.platform.ratelimit.redis_limiter import RedisRateLimiter
from genius.platform.settings import Settings


def build_rate_limiter(settings: Settings) -> RateLimiter:
    if settings.redis_url is not None:
        return RedisRateLimiter(settings.redis_url.get_secret_value())
    return InMemoryRateLimiter()


__all__ = [
    "Bucket",
    "InMemoryRateLimiter",
    "LimitSource",
    "RateDecision",
    "RateLimitExceeded",
    "RateLimiter",
    "RedisRateLimiter",
    "RequestBuckets",
    "StaticLimits",
    "build_rate_limiter",
    "tenant_bucket",
    "user_bucket",
]
