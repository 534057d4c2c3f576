"""Token buckets in Redis, shared by every process: one Lua script checks and takes atomically."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

import redis.asyncio as aioredis

from genius.platform.ratelimit.base import Bucket, RateDecision

KEY_PREFIX = "genius:rl:"
# Fail fast when Redis is unreachable: the gateway then lets the request through (fail open).
SOCKET_TIMEOUT_SECONDS = 0.5

# KEYS: bucket keys. ARGV[1]: now in ms ("" = use the Redis server clock, one clock for every
# process), ARGV[2]: cost, then rate (tokens/s) and burst for each key.
# Each bucket is a hash {tokens, stamp_ms}; it expires once it would be full again, so idle
# buckets cost no memory. All-or-nothing: tokens are taken from every bucket or from none.
# Floats go back as strings: Redis truncates Lua numbers to integers.
ACQUIRE_LUA = """
local now
if ARGV[1] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
else
  now = tonumber(ARGV[1])
end
local cost = tonumber(ARGV[2])
local levels = {}
local wait = 0
local limited = 0
local lowest = -1
for i = 1, #KEYS do
  local rate = tonumber(ARGV[1 + 2 * i])
  local burst = tonumber(ARGV[2 + 2 * i])
  local state = redis.call('HMGET', KEYS[i], 'tokens', 'stamp')
  local tokens = tonumber(state[1])
  local stamp = tonumber(state[2])
  if tokens == nil or stamp == nil then
    tokens = burst
  else
    local elapsed = math.max(0, now - stamp)
    tokens = math.min(burst, tokens + elapsed * rate / 1000)
  end
  levels[i] = tokens
  if lowest < 0 or tokens < lowest then lowest = tokens end
  if tokens < cost then
    local need
    if cost > burst then need = -1 else need = (cost - tokens) * 1000 / rate end
    if need < 0 then
      wait = -1
      limited = i
    elseif wait >= 0 and need > wait then
      wait = need
      limited = i
    end
  end
end
if limited > 0 then
  return {0, tostring(wait), tostring(lowest), limited}
end
for i = 1, #KEYS do
  local rate = tonumber(ARGV[1 + 2 * i])
  local burst = tonumber(ARGV[2 + 2 * i])
  redis.call('HSET', KEYS[i], 'tokens', tostring(levels[i] - cost), 'stamp', tostring(now))
  redis.call('PEXPIRE', KEYS[i], math.ceil(burst * 1000 / rate) + 1000)
end
return {1, '0', tostring(lowest - cost), 0}
"""


class RedisRateLimiter:
    """The Redis-backed limiter; same interface and semantics as ``InMemoryRateLimiter``.

    ``clock`` (seconds) is for tests; by default the Redis server's clock is used so that all
    processes agree on time. One client per event loop: an asyncio connection cannot move
    between loops (the test client runs each app in its own loop).
    """

    def __init__(
        self, url: str, *, clock: Callable[[], float] | None = None, prefix: str = KEY_PREFIX
    ) -> None:
        self._url = url
        self._clock = clock
        self._prefix = prefix
        self._clients: dict[int, tuple[asyncio.AbstractEventLoop, aioredis.Redis, Any]] = {}

    def _client(self) -> tuple[aioredis.Redis, Any]:
        loop = asyncio.get_running_loop()
        entry = self._clients.get(id(loop))
        if entry is None or entry[0] is not loop:
            client = aioredis.Redis.from_url(
                self._url,
                socket_timeout=SOCKET_TIMEOUT_SECONDS,
                socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
            )
            entry = (loop, client, client.register_script(ACQUIRE_LUA))
            self._clients[id(loop)] = entry
        return entry[1], entry[2]

    async def acquire(self, buckets: Sequence[Bucket], cost: float = 1.0) -> RateDecision:
        if not buckets:
            return RateDecision(True, remaining=float("inf"))
        _client, script = self._client()
        now = "" if self._clock is None else repr(self._clock() * 1000.0)
        args: list[str] = [now, repr(float(cost))]
        for bucket in buckets:
            args += [repr(float(bucket.rate)), str(bucket.burst)]
        allowed, wait, remaining, limited = await script(
            keys=[self._prefix + b.key for b in buckets], args=args
        )
        if int(allowed) == 1:
            return RateDecision(True, remaining=float(remaining))
        wait_s = float("inf") if float(wait) < 0 else float(wait) / 1000.0
        return RateDecision(
            False, retry_after=wait_s, remaining=float(remaining), limited_by=buckets[int(limited) - 1].key
        )

    async def reset(self, keys: Sequence[str]) -> None:
        if keys:
            client, _ = self._client()
            await client.delete(*[self._prefix + k for k in keys])

    async def aclose(self) -> None:
        """Close the clients of the running loop; clients of finished loops are dropped."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        entries, self._clients = list(self._clients.values()), {}
        for entry_loop, client, _ in entries:
            if entry_loop is loop:
                await client.aclose()
