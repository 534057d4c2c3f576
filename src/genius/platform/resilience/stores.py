"""Where breaker state lives: in process, or in Redis shared by every process (Lua, atomic).

``store_from_settings`` picks Redis when ``settings.redis_url`` is set. The Redis store keeps one
hash per breaker (``<prefix><name>``: state, failures, since, trials) and runs the transition of
``breaker.transition`` as one Lua script, so concurrent processes never race between reading and
writing the state, and every process reads the same clock (Redis ``TIME``).

When Redis cannot be reached the store falls back to an in-process breaker for that call and logs
it: outbound calls keep their protection and are not blocked by the breaker's own storage.

Why not pybreaker's ``CircuitRedisStorage``: it reads and updates the state in separate commands
(two processes can both take the half-open trial) and its async support requires Tornado.
"""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from typing import Any

from genius.platform.resilience.breaker import (
    BreakerRecord,
    BreakerState,
    Decision,
    Op,
    Outcome,
    transition,
)
from genius.platform.resilience.policy import BreakerPolicy
from genius.platform.settings import Settings

log = logging.getLogger("genius.resilience")

DEFAULT_PREFIX = "genius:breaker:"
# A breaker hash untouched this long is dropped (state is re-learned within a few calls).
KEY_TTL_SECONDS = 7 * 24 * 3600
# Keep a breaker's own storage from becoming the slow call it protects against.
REDIS_SOCKET_TIMEOUT_SECONDS = 0.5
# At most one "Redis unreachable" warning per this many seconds.
WARN_EVERY_SECONDS = 30.0


class BreakerStore(ABC):
    """Applies breaker transitions atomically per name."""

    # True when ``apply`` does network I/O (async callers run it off the event loop).
    blocking: bool = False

    @abstractmethod
    def apply(self, name: str, op: Op, policy: BreakerPolicy, *, trial: bool = False) -> Outcome: ...

    @abstractmethod
    def snapshot(self, name: str) -> BreakerRecord: ...

    @abstractmethod
    def reset(self, name: str) -> None: ...

    def close(self) -> None:  # noqa: B027 - optional hook: only stores with connections override it
        """Release connections (no-op in process)."""


class MemoryBreakerStore(BreakerStore):
    """Breakers of this process only (the embedded default)."""

    def __init__(self) -> None:
        self._records: dict[str, BreakerRecord] = {}
        self._lock = threading.Lock()

    def apply(self, name: str, op: Op, policy: BreakerPolicy, *, trial: bool = False) -> Outcome:
        with self._lock:
            record = self._records.setdefault(name, BreakerRecord())
            return transition(record, op, time.monotonic(), policy, trial)

    def snapshot(self, name: str) -> BreakerRecord:
        with self._lock:
            record = self._records.get(name, BreakerRecord())
            return BreakerRecord(record.state, record.failures, record.since, record.trials)

    def reset(self, name: str) -> None:
        with self._lock:
            self._records.pop(name, None)


# KEYS[1] = the breaker hash; ARGV = op, trial (0/1), failure_threshold, reset_timeout,
# half_open_calls, key ttl. Returns {decision, state, retry_after as string}. Mirrors
# breaker.transition line by line.
TRANSITION_LUA = """
local key = KEYS[1]
local op, trial = ARGV[1], ARGV[2] == '1'
local threshold, reset, half = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local ttl = tonumber(ARGV[6])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local h = redis.call('HMGET', key, 'state', 'failures', 'since', 'trials')
local state = h[1] or 'closed'
local failures, since, trials = tonumber(h[2] or '0'), tonumber(h[3] or '0'), tonumber(h[4] or '0')
local function save()
  redis.call('HSET', key, 'state', state, 'failures', failures, 'since', tostring(since), 'trials', trials)
  redis.call('EXPIRE', key, ttl)
end
if op == 'acquire' then
  if state == 'open' then
    if now - since < reset then
      return {'rejected', state, tostring(reset - (now - since))}
    end
    state, since, trials = 'half_open', now, 0
  end
  if state == 'half_open' then
    if trials >= half then
      if now - since < reset then
        save()
        return {'rejected', state, '0'}
      end
      trials, since = 0, now
    end
    trials = trials + 1
    save()
    return {'trial', state, '0'}
  end
  return {'allowed', state, '0'}
elseif op == 'success' then
  if state == 'closed' or (state == 'half_open' and trial) then
    if state ~= 'closed' or failures ~= 0 then
      state, failures, trials = 'closed', 0, 0
      save()
    end
  end
  return {'recorded', state, '0'}
else
  if state == 'half_open' and trial then
    state, since, trials = 'open', now, 0
  elseif state == 'closed' then
    failures = failures + 1
    if failures >= threshold then
      state, since, trials = 'open', now, 0
    end
  end
  save()
  return {'recorded', state, '0'}
end
"""


class RedisBreakerStore(BreakerStore):
    """Breakers shared by every process using the same Redis (and key prefix)."""

    blocking = True

    def __init__(self, client: Any, *, prefix: str = DEFAULT_PREFIX) -> None:
        self._client = client
        self._script = client.register_script(TRANSITION_LUA)
        self.prefix = prefix
        self._fallback = MemoryBreakerStore()
        self._warned_at = -WARN_EVERY_SECONDS

    @classmethod
    def from_url(cls, url: str, *, prefix: str = DEFAULT_PREFIX) -> RedisBreakerStore:
        import redis

        client = redis.Redis.from_url(
            url,
            socket_timeout=REDIS_SOCKET_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_SOCKET_TIMEOUT_SECONDS,
        )
        return cls(client, prefix=prefix)

    def apply(self, name: str, op: Op, policy: BreakerPolicy, *, trial: bool = False) -> Outcome:
        import redis

        try:
            decision, state, retry_after = self._script(
                keys=[self.prefix + name],
                args=[
                    op.value,
                    "1" if trial else "0",
                    policy.failure_threshold,
                    repr(policy.reset_timeout),
                    policy.half_open_calls,
                    KEY_TTL_SECONDS,
                ],
            )
        except redis.RedisError as exc:
            self._warn(exc)
            return self._fallback.apply(name, op, policy, trial=trial)
        return Outcome(Decision(_text(decision)), BreakerState(_text(state)), float(_text(retry_after)))

    def snapshot(self, name: str) -> BreakerRecord:
        raw = self._client.hgetall(self.prefix + name)
        if not raw:
            return BreakerRecord()
        values = {_text(k): _text(v) for k, v in raw.items()}
        return BreakerRecord(
            BreakerState(values.get("state", "closed")),
            int(values.get("failures", 0)),
            float(values.get("since", 0.0)),
            int(values.get("trials", 0)),
        )

    def reset(self, name: str) -> None:
        self._client.delete(self.prefix + name)
        self._fallback.reset(name)

    def close(self) -> None:
        self._client.close()

    def _warn(self, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            log.warning("breaker state in Redis unreachable, using in-process state: %r", exc)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def store_from_settings(settings: Settings) -> BreakerStore:
    """Redis-shared breakers when ``settings.redis_url`` is set, else in-process ones."""
    if settings.redis_url is not None:
        return RedisBreakerStore.from_url(settings.redis_url.get_secret_value())
    return MemoryBreakerStore()


# The process's store: bootstrap installs the one from settings; until then, in-process.
_default: BreakerStore = MemoryBreakerStore()
_default_lock = threading.Lock()


def use_store(store: BreakerStore) -> BreakerStore:
    """Make ``store`` the process default for ``Resilient`` instances built without one.

    The store it replaces is closed (each ``build_platform`` installs a new one); a guard still
    using it reconnects on its next call, redis-py clients do that after ``close``.
    """
    global _default
    with _default_lock:
        previous, _default = _default, store
    if previous is not store:
        previous.close()
    return store


def default_store() -> BreakerStore:
    with _default_lock:
        return _default
