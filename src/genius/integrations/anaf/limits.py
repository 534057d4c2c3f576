"""ANAF's published call limits, counted per CUI / message / minute, refused locally before ANAF would.

ANAF may block an application that ignores its limits, so every client call first takes one unit
from the matching counter (``AnafLimiter.acquire``); an exhausted counter raises
``AnafLimitReached`` naming the limit, without calling ANAF. Daily windows follow ANAF's calendar
day (Europe/Bucharest); the overall limit is per minute. ``RedisAnafLimiter`` shares the counters
between processes (``settings.redis_url``); ``InMemoryAnafLimiter`` serves one process.

Pacing (the VAT registry's one request per second) is a reservation: ``reserve_slot`` returns how
long the caller must wait for its turn, so concurrent callers line up instead of failing.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from genius.integrations.anaf.errors import AnafLimitReached

ANAF_ZONE = ZoneInfo("Europe/Bucharest")
DAY = "day"
MINUTE = "minute"


@dataclass(frozen=True)
class LimitRule:
    """One published limit: at most ``maximum`` calls per ``window`` (``day`` or ``minute``) per key."""

    name: str
    maximum: int
    window: str
    description: str

    def window_id(self, now: datetime) -> str:
        local = now.astimezone(ANAF_ZONE)
        return local.strftime("%Y%m%d") if self.window == DAY else local.strftime("%Y%m%d%H%M")

    def seconds_left(self, now: datetime) -> float:
        local = now.astimezone(ANAF_ZONE)
        if self.window == DAY:
            end = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), ANAF_ZONE)
        else:
            end = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
        return max((end - local).total_seconds(), 0.0)


# Published by ANAF for the e-Factura API (see /work/shared/ANAF-API.md, "Published limits").
OVERALL_PER_MINUTE = LimitRule("overall_per_minute", 1000, MINUTE, "all methods: 1,000 calls per minute")
STATE_PER_UPLOAD = LimitRule(
    "stare_mesaj_per_upload", 100, DAY, "stareMesaj: 100 queries per day for one upload index"
)
DOWNLOAD_PER_MESSAGE = LimitRule(
    "descarcare_per_message", 10, DAY, "descarcare: 10 downloads per day of one message"
)
LIST_PER_CUI = LimitRule(
    "lista_mesaje_per_cui", 1500, DAY, "listaMesajeFactura: 1,500 queries per day per CUI"
)
PAGED_LIST_PER_CUI = LimitRule(
    "lista_paginata_per_cui", 100_000, DAY, "listaMesajePaginatieFactura: 100,000 queries per day per CUI"
)
RASP_UPLOAD_PER_CUI = LimitRule(
    "upload_rasp_per_cui", 1000, DAY, "upload of RASP messages: 1,000 per day per CUI"
)
# The VAT payer registry: at most 100 CUIs per call and one call per second.
VAT_BATCH_SIZE = 100
VAT_BATCH = LimitRule(
    "platitor_tva_batch", VAT_BATCH_SIZE, "call", "PlatitorTvaRest: at most 100 CUIs per call"
)
VAT_INTERVAL_SECONDS = 1.0
VAT_RATE = LimitRule("platitor_tva_rate", 1, "second", "PlatitorTvaRest: at most 1 request per second")

PUBLISHED_LIMITS: tuple[LimitRule, ...] = (
    OVERALL_PER_MINUTE,
    STATE_PER_UPLOAD,
    DOWNLOAD_PER_MESSAGE,
    LIST_PER_CUI,
    PAGED_LIST_PER_CUI,
    RASP_UPLOAD_PER_CUI,
)


def with_maximums(overrides: Mapping[str, int]) -> dict[str, LimitRule]:
    """The published rules by name, some maximums lowered (a firm sharing its quota with other tools)."""
    rules = {rule.name: rule for rule in PUBLISHED_LIMITS}
    for name, maximum in overrides.items():
        if name not in rules:
            raise KeyError(f"unknown ANAF limit {name!r}; known: {sorted(rules)}")
        rules[name] = replace(rules[name], maximum=maximum)
    return rules


def _refusal(rule: LimitRule, key: str, used: int, now: datetime) -> AnafLimitReached:
    return AnafLimitReached(
        f"ANAF limit {rule.name} reached for {key or 'this application'}: {used} of {rule.maximum} "
        f"({rule.description}); refused locally before ANAF would",
        limit=rule.name,
        key=key,
        local=True,
        retry_after_seconds=rule.seconds_left(now),
    )


class AnafLimiter(Protocol):
    def acquire(self, rule: LimitRule, key: str = "", now: datetime | None = None) -> int:
        """Take one unit; returns the count used in this window, or raises ``AnafLimitReached``."""

    def used(self, rule: LimitRule, key: str = "", now: datetime | None = None) -> int: ...

    def reserve_slot(self, name: str, interval_seconds: float) -> float:
        """Reserve the next slot of a paced resource; returns the seconds to wait before using it."""


class InMemoryAnafLimiter:
    """Counters in this process (tests, a single-process install)."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str, str], int] = {}
        self._slots: dict[str, float] = {}

    def acquire(self, rule: LimitRule, key: str = "", now: datetime | None = None) -> int:
        now = now or self._clock()
        window = rule.window_id(now)
        with self._lock:
            self._forget_old(rule, window)
            slot = (rule.name, key, window)
            used = self._counts.get(slot, 0)
            if used >= rule.maximum:
                raise _refusal(rule, key, used, now)
            self._counts[slot] = used + 1
            return used + 1

    def used(self, rule: LimitRule, key: str = "", now: datetime | None = None) -> int:
        window = rule.window_id(now or self._clock())
        with self._lock:
            return self._counts.get((rule.name, key, window), 0)

    def _forget_old(self, rule: LimitRule, window: str) -> None:
        # Bounded memory: drop this rule's counters of past windows once in a while.
        if len(self._counts) > 10_000:
            self._counts = {k: v for k, v in self._counts.items() if k[0] != rule.name or k[2] == window}

    def reserve_slot(self, name: str, interval_seconds: float) -> float:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._slots.get(name, 0.0))
            self._slots[name] = slot + interval_seconds
            return slot - now


# Take one unit unless the window is full: never counts a refused call (KEYS[1] counter,
# ARGV[1] maximum, ARGV[2] ttl seconds). Returns the new count, or -count when refused.
_ACQUIRE = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return -used end
used = redis.call('INCR', KEYS[1])
if used == 1 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2])) end
return used
"""
# Paced slots from the Redis clock (one clock for every process): KEYS[1] next free slot in
# microseconds, ARGV[1] interval in microseconds. Returns the wait in microseconds.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nxt)
redis.call('SET', KEYS[1], slot + tonumber(ARGV[1]), 'PX', math.floor(tonumber(ARGV[1]) / 1000) + 60000)
return slot - now
"""


class RedisAnafLimiter:
    """Counters in Redis, shared by every worker process of the installation."""

    def __init__(
        self, url: str, *, prefix: str = "genius:anaf:limit", clock: Callable[[], datetime] | None = None
    ):
        import redis  # imported only when Redis is configured

        self._redis = redis.Redis.from_url(url)
        self._prefix = prefix
        self._clock = clock or (lambda: datetime.now(UTC))
        self._acquire = self._redis.register_script(_ACQUIRE)
        self._reserve = self._redis.register_script(_RESERVE)

    def _key(self, rule: LimitRule, key: str, now: datetime) -> str:
        return f"{self._prefix}:{rule.name}:{key}:{rule.window_id(now)}"

    def acquire(self, rule: LimitRule, key: str = "", now: datetime | None = None) -> int:
        now = now or self._clock()
        # Past the window's end, with an hour's slack for clock skew; rounded up so that the last
        # fraction of a second of a window still gets a key that outlives it.
        ttl = math.ceil(rule.seconds_left(now)) + 3600
        result = int(self._acquire(keys=[self._key(rule, key, now)], args=[rule.maximum, ttl]))
        if result < 0 or (result == 0 and rule.maximum == 0):
            raise _refusal(rule, key, -result, now)
        return result

    def used(self, rule: LimitRule, key: str = "", now: datetime | None = None) -> int:
        value = self._redis.get(self._key(rule, key, now or self._clock()))
        return int(value or 0)

    def reserve_slot(self, name: str, interval_seconds: float) -> float:
        micros = int(self._reserve(keys=[f"{self._prefix}:slot:{name}"], args=[int(interval_seconds * 1e6)]))
        return micros / 1e6

    def close(self) -> None:
        self._redis.close()


class NoLocalLimits:
    """Counts nothing and never refuses: for tests that must reach the double's own limits."""

    def acquire(self, rule: LimitRule, key: str = "", now: datetime | None = None) -> int:
        return 0

    def used(self, rule: LimitRule, key: str = "", now: datetime | None = None) -> int:
        return 0

    def reserve_slot(self, name: str, interval_seconds: float) -> float:
        return 0.0


def build_limiter(redis_url: str | None) -> AnafLimiter:
    """Redis counters when the installation has Redis (several processes), else in memory."""
    return RedisAnafLimiter(redis_url) if redis_url else InMemoryAnafLimiter()


__all__ = [
    "ANAF_ZONE",
    "DOWNLOAD_PER_MESSAGE",
    "LIST_PER_CUI",
    "OVERALL_PER_MINUTE",
    "PAGED_LIST_PER_CUI",
    "PUBLISHED_LIMITS",
    "RASP_UPLOAD_PER_CUI",
    "STATE_PER_UPLOAD",
    "VAT_BATCH",
    "VAT_BATCH_SIZE",
    "VAT_INTERVAL_SECONDS",
    "VAT_RATE",
    "AnafLimiter",
    "InMemoryAnafLimiter",
    "LimitRule",
    "NoLocalLimits",
    "RedisAnafLimiter",
    "build_limiter",
    "with_maximums",
]
