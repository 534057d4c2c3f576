"""In-process token buckets: the default limiter of a single-process deployment."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from genius.platform.ratelimit.base import Bucket, RateDecision

# Buckets idle long enough to be full again are forgotten first; this caps memory when many
# users come and go (a forgotten bucket is the same as a full one).
MAX_BUCKETS = 100_000


@dataclass
class _State:
    tokens: float
    stamp: float


class InMemoryRateLimiter:
    """Token buckets in a dict guarded by a lock (safe from threads and the event loop)."""

    def __init__(
        self, *, clock: Callable[[], float] = time.monotonic, max_buckets: int = MAX_BUCKETS
    ) -> None:
        self._clock = clock
        self._max = max_buckets
        self._buckets: OrderedDict[str, _State] = OrderedDict()
        self._lock = threading.Lock()

    def acquire_now(self, buckets: Sequence[Bucket], cost: float = 1.0) -> RateDecision:
        """The synchronous core of ``acquire``."""
        now = self._clock()
        with self._lock:
            levels: list[float] = []
            wait, limited_by = 0.0, None
            for bucket in buckets:
                state = self._buckets.get(bucket.key)
                if state is None:
                    tokens = float(bucket.burst)
                else:
                    elapsed = max(0.0, now - state.stamp)
                    tokens = min(float(bucket.burst), state.tokens + elapsed * bucket.rate)
                levels.append(tokens)
                if tokens < cost:
                    need = (cost - tokens) / bucket.rate if cost <= bucket.burst else float("inf")
                    if need > wait:
                        wait, limited_by = need, bucket.key
            if limited_by is not None:
                return RateDecision(False, retry_after=wait, remaining=min(levels), limited_by=limited_by)
            for bucket, tokens in zip(buckets, levels, strict=True):
                self._buckets[bucket.key] = _State(tokens - cost, now)
                self._buckets.move_to_end(bucket.key)
            while len(self._buckets) > self._max:
                self._buckets.popitem(last=False)
            remaining = min(levels) - cost if levels else float("inf")
            return RateDecision(True, remaining=remaining)

    async def acquire(self, buckets: Sequence[Bucket], cost: float = 1.0) -> RateDecision:
        return self.acquire_now(buckets, cost)

    async def reset(self, keys: Sequence[str]) -> None:
        with self._lock:
            for key in keys:
                self._buckets.pop(key, None)

    async def aclose(self) -> None:
        return None
