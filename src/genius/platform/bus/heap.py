"""Garbage-collector setting for long-running bus processes (relay, subscribers, workers).

A full (generation 2) collection walks every tracked object of the process and stops it while it
does. After startup a process holds hundreds of thousands of objects that live as long as it does
(modules, SQLAlchemy's tables and compiled statements, the catalogue). Measured with gc.callbacks
in bench/bus.py's relay, consumer and producer processes (2-core VM, 2026-11-26): each full
collection took 90-600 ms of wall time, and every event in flight waited for it (a part of the
p99 of every leg of the RabbitMQ bus). ``settle_heap`` moves what exists at the end of startup to
the permanent generation (``gc.freeze``), so later collections walk only what was allocated
since: full collections then took 1-13 ms. The thresholds stay CPython's: a generation-0
threshold of 20,000 made each young collection take ~12 ms instead of ~0.1 ms (same bench).
"""

from __future__ import annotations

import gc


def settle_heap() -> None:
    """Call once, when a process has finished starting (imports, engines, consumers started).

    Entry points call it (``genius serve``, ``genius worker``, ``genius subscribers``, the
    bench's processes). Frozen objects are still freed by reference counting; only reference
    cycles among them that become garbage later are kept (the startup heap has few such).
    """
    gc.collect()  # what startup left as garbage is freed, not frozen
    gc.freeze()
