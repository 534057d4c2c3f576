"""The threads the issuing routes run on: ``ISSUING_CONCURRENCY`` of them per process, their own.

An issue is blocking work (database round trips, ~5 ms of Python), so it leaves the event loop
for a thread. A plain ``def`` route would take one of the thread pool's 40 threads (anyio's
``to_thread``), and all but ``ISSUING_CONCURRENCY`` of them would then block on the issuing
slots (``handlers.transaction.issuing_slot``): per request, anyio's hand-over through a
``queue.Queue`` (a ``Condition``: a lock, a notify, a wake-up) plus a blocked thread's wake-up
on the semaphore. Measured with py-spy ``--gil`` on one API process under 8 callers: the
hand-over alone was ~3 % of the process's interpreter time. Here the routes hand the issue to a
pool of exactly ``ISSUING_CONCURRENCY`` threads (a ``SimpleQueue``, in C), so an issue waits in
the queue, not in a thread, and the semaphore never blocks. The slots stay: they also bound
issues started elsewhere (workers, the demo seed).

As with ``to_thread``, the call runs in a copy of the request's context (tenant scope, trace,
the audit middleware's pending record), and a cancelled request still waits for its issue to
end (commit or roll back as one) before the cancellation goes on.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from genius.apps.sales.handlers.transaction import ISSUING_CONCURRENCY

T = TypeVar("T")

_EXECUTOR = ThreadPoolExecutor(max_workers=ISSUING_CONCURRENCY, thread_name_prefix="sales-issuing")


async def run_issuing(call: Callable[..., T], *args: object) -> T:
    """``call(*args)`` on an issuing thread, in a copy of the caller's context."""
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    future = loop.run_in_executor(_EXECUTOR, functools.partial(context.run, call, *args))
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        await asyncio.wait({future})  # the issue runs to its end, as with anyio's to_thread
        raise
