"""Failed-login limiter: at most N failures per key in any 60-second window, in memory or in Redis.

Keys are ``user:<tenant>:<username>`` and ``ip:<address>``; the token endpoint checks both before
it looks at a password, records a failure against both, and clears the user key on success.
Processes of one installation share the count only through Redis (``settings.redis_url``).
"""

from __future__ import annotations

import math
import threading
from collections import deque
from typing import Any, Protocol

from genius.kernel.clock import utcnow
from genius.kernel.ids import new_id

WINDOW_SECONDS = 60


class FailureLimiter(Protocol):
    def retry_after(self, key: str) -> int | None:
        """Seconds until ``key`` may try again, or None when it may try now."""
        ...

    def record_failure(self, key: str) -> None: ...

    def reset(self, key: str) -> None: ...


def _now() -> float:
    return utcnow().timestamp()


class MemoryFailureLimiter:
    """Sliding window per key in this process (the embedded default)."""

    def __init__(self, failures_per_window: int, window_seconds: int = WINDOW_SECONDS) -> None:
        self.limit = failures_per_window
        self.window = window_seconds
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def retry_after(self, key: str) -> int | None:
        now = _now()
        with self._lock:
            times = self._recent(key, now)
            if len(times) < self.limit:
                return None
            # Allowed again when the oldest failure that keeps the count at the limit leaves the window.
            return max(1, math.ceil(times[len(times) - self.limit] + self.window - now))

    def record_failure(self, key: str) -> None:
        now = _now()
        with self._lock:
            times = self._recent(key, now)
            times.append(now)
            self._failures[key] = times

    def reset(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


class RedisFailureLimiter:
    """The same sliding window in a Redis sorted set per key, shared by every process."""

    PREFIX = "genius:login-failures:"

    def __init__(self, client: Any, failures_per_window: int, window_seconds: int = WINDOW_SECONDS) -> None:
        self.client = client
        self.limit = failures_per_window
        self.window = window_seconds

    def retry_after(self, key: str) -> int | None:
        now = _now()
        name = self.PREFIX + key
        pipe = self.client.pipeline()
        pipe.zremrangebyscore(name, "-inf", now - self.window)
        pipe.zrange(name, 0, -1, withscores=True)
        _, entries = pipe.execute()
        if len(entries) < self.limit:
            return None
        oldest_counted = entries[len(entries) - self.limit][1]
        return max(1, math.ceil(oldest_counted + self.window - now))

    def record_failure(self, key: str) -> None:
        now = _now()
        name = self.PREFIX + key
        pipe = self.client.pipeline()
        pipe.zadd(name, {new_id(): now})
        pipe.zremrangebyscore(name, "-inf", now - self.window)
        pipe.expire(name, self.window + 1)
        pipe.execute()

    def reset(self, key: str) -> None:
        self.client.delete(self.PREFIX + key)

    def close(self) -> None:
        self.client.close()


def make_failure_limiter(failures_per_minute: int, redis_url: str | None = None) -> FailureLimiter:
    """Redis when a URL is configured (shared across processes), else this process's memory."""
    if redis_url:
        import redis  # only when configured

        return RedisFailureLimiter(redis.Redis.from_url(redis_url), failures_per_minute)
    return MemoryFailureLimiter(failures_per_minute)
