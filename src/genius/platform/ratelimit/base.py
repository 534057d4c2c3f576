"""The rate limiter's interface: token buckets, the decision, the limits source and the 429 error."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from genius.kernel.errors import GeniusError
from genius.platform.settings import RateLimitSettings


@dataclass(frozen=True)
class Bucket:
    """One token bucket: ``rate`` tokens per second refill it up to ``burst`` tokens."""

    key: str
    rate: float
    burst: int

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError("bucket key is required")
        if not self.rate > 0:
            raise ValueError(f"bucket {self.key}: rate must be > 0 tokens per second, got {self.rate}")
        if self.burst < 1:
            raise ValueError(f"bucket {self.key}: burst must be >= 1, got {self.burst}")


@dataclass(frozen=True)
class RateDecision:
    """What the limiter said. When refused, ``retry_after`` seconds from now the same request
    would pass (if nothing else spends the tokens) and ``limited_by`` is the refusing bucket."""

    allowed: bool
    retry_after: float = 0.0
    remaining: float = 0.0
    limited_by: str | None = None

    @property
    def retry_after_header(self) -> str:
        """``Retry-After`` is whole seconds (RFC 9110 §10.2.3); round up, never 0 on a refusal."""
        return str(max(1, math.ceil(self.retry_after)))


class RateLimiter(Protocol):
    """Takes ``cost`` tokens from every bucket at once, or from none (all-or-nothing)."""

    async def acquire(self, buckets: Sequence[Bucket], cost: float = 1.0) -> RateDecision: ...

    async def reset(self, keys: Sequence[str]) -> None: ...

    async def aclose(self) -> None: ...


class LimitSource(Protocol):
    """Where the limits of a tenant come from; per request, so it must answer from memory."""

    def limits_for(self, tenant_id: str) -> RateLimitSettings: ...


@dataclass(frozen=True)
class StaticLimits:
    """The limits from settings for every tenant. A runtime-settings source (admin-overridable
    per tenant) implements the same ``limits_for`` and replaces this one."""

    limits: RateLimitSettings

    def limits_for(self, tenant_id: str) -> RateLimitSettings:
        return self.limits


class RateLimitExceeded(GeniusError):
    """A rate limit refused the request; the gateway answers 429 with ``Retry-After``."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int, bucket: str | None = None) -> None:
        super().__init__(message, details={"retry_after": retry_after, "bucket": bucket})
        self.retry_after = retry_after


def tenant_bucket(tenant_id: str, limits: RateLimitSettings) -> Bucket:
    # "{tenant_id}" is a Redis Cluster hash tag: a tenant's buckets share a slot, so one script
    # can take from the tenant and the user bucket atomically.
    return Bucket(f"{{{tenant_id}}}:tenant", limits.tenant_rate, limits.tenant_burst)


def user_bucket(tenant_id: str, user_id: str, limits: RateLimitSettings) -> Bucket:
    return Bucket(f"{{{tenant_id}}}:user:{user_id}", limits.user_rate, limits.user_burst)


# Bucket sets remembered by ``RequestBuckets``; past this many (tenant, user, limits) it starts over.
MAX_BUCKET_SETS = 10_000


class RequestBuckets:
    """The buckets a request of (tenant, user) takes from, built once per limits value.

    The gateway asks on every request; a ``Bucket`` validates itself when built, so the same
    tenant, user and limits reuse the tuple built the first time. Limits changed by an
    administrator are a new key: their buckets are built then.
    """

    def __init__(self, max_sets: int = MAX_BUCKET_SETS) -> None:
        self._max = max_sets
        self._sets: dict[tuple[str, str | None, float, int, float, int], tuple[Bucket, ...]] = {}

    def for_request(
        self, tenant_id: str, user_id: str | None, limits: RateLimitSettings
    ) -> tuple[Bucket, ...]:
        """The tenant's bucket, then the user's when there is a user."""
        rates = (limits.tenant_rate, limits.tenant_burst, limits.user_rate, limits.user_burst)
        key = (tenant_id, user_id, *rates)
        buckets = self._sets.get(key)
        if buckets is None:
            tenant = tenant_bucket(tenant_id, limits)
            buckets = (tenant, user_bucket(tenant_id, user_id, limits)) if user_id else (tenant,)
            if len(self._sets) >= self._max:
                self._sets.clear()
            self._sets[key] = buckets
        return buckets
