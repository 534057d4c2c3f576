"""Readiness checks: control-plane database, tenant databases, and Redis and the broker when set.

Answers name the failing check but not hosts, tenants or error texts (the probe is public); the
full reason goes to the log with the trace id.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import sqlalchemy as sa
from anyio import to_thread

from genius.bootstrap import Platform
from genius.platform.observability.logs import get_logger

# A check slower than this counts as failed: a probe must answer well inside its own timeout.
CHECK_TIMEOUT_SECONDS = 3.0

log = get_logger("genius.web.readiness")


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    duration_ms: float
    problem: str | None = None  # short and safe to show; the full reason is logged

    def as_dict(self) -> dict[str, object]:
        return {"check": self.name, "ok": self.ok, "duration_ms": self.duration_ms, "problem": self.problem}


def _control_plane(platform: Platform) -> None:
    with platform.control.connect() as conn:
        conn.execute(sa.text("SELECT 1"))


def _tenant_databases(platform: Platform) -> None:
    failed: list[str] = []
    tenants = platform.tenants.list()
    for tenant in tenants:
        try:
            with platform.databases.engine_for_slug(tenant.slug).connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except Exception as exc:
            log.error("tenant database cannot be opened", tenant=tenant.slug, error=repr(exc))
            failed.append(tenant.slug)
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(tenants)} tenant databases cannot be opened")


async def _redis(url: str) -> None:
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(url, socket_timeout=CHECK_TIMEOUT_SECONDS, socket_connect_timeout=2)
    try:
        await client.ping()
    finally:
        await client.aclose()


async def _broker(url: str) -> None:
    import aio_pika

    connection = await aio_pika.connect(url, timeout=CHECK_TIMEOUT_SECONDS)
    await connection.close()


async def _run(name: str, check: Callable[[], Awaitable[None]]) -> CheckResult:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
    except Exception as exc:
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        log.error("readiness check failed", check=name, error=repr(exc))
        safe = (
            str(exc) if name == "tenant_databases" and isinstance(exc, RuntimeError) else type(exc).__name__
        )
        if isinstance(exc, TimeoutError):
            safe = f"no answer within {CHECK_TIMEOUT_SECONDS} s"
        return CheckResult(name, False, elapsed, safe)
    return CheckResult(name, True, round((time.perf_counter() - started) * 1000, 1))


async def check_readiness(platform: Platform) -> list[CheckResult]:
    """Run every check concurrently; each result says ok or names its problem."""
    settings = platform.settings
    checks: list[tuple[str, Callable[[], Awaitable[None]]]] = [
        ("control_plane", lambda: to_thread.run_sync(_control_plane, platform, abandon_on_cancel=True)),
        ("tenant_databases", lambda: to_thread.run_sync(_tenant_databases, platform, abandon_on_cancel=True)),
    ]
    if settings.redis_url is not None:
        redis_url = settings.redis_url.get_secret_value()
        checks.append(("redis", lambda: _redis(redis_url)))
    if settings.amqp_url is not None:
        amqp_url = settings.amqp_url.get_secret_value()
        checks.append(("broker", lambda: _broker(amqp_url)))
    return list(await asyncio.gather(*(_run(name, check) for name, check in checks)))
