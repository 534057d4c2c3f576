"""Per-attempt timeouts for plain functions and coroutines.

A coroutine is cancelled at its deadline. A plain function cannot be interrupted in Python: it
runs on a helper thread and the caller stops waiting at the deadline (``CallTimeout``) while the
thread finishes on its own; clients should also give their sockets a timeout (the SMTP and HTTP
clients do), so that thread does not linger.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from genius.platform.resilience.errors import CallTimeout

T = TypeVar("T")


def call_with_timeout(name: str, pool: ThreadPoolExecutor, seconds: float, fn: Callable[[], T]) -> T:
    ctx = contextvars.copy_context()  # logs and traces keep the caller's context
    future = pool.submit(ctx.run, fn)
    try:
        return future.result(timeout=seconds)
    except FutureTimeout:
        future.cancel()
        raise CallTimeout(name, f"no answer within {seconds:g}s") from None


async def acall_with_timeout(name: str, seconds: float, make: Callable[[], Awaitable[T]]) -> T:
    deadline = asyncio.timeout(seconds)
    try:
        async with deadline:
            return await make()
    except TimeoutError:
        if not deadline.expired():
            raise  # the call's own TimeoutError, not our deadline
        raise CallTimeout(name, f"no answer within {seconds:g}s") from None
