"""Interpreter settings for long-running bus processes (relay, subscribers, workers, the server).

Garbage collector: a full (generation 2) collection walks every tracked object of the process and
stops it while it does. After startup a process holds hundreds of thousands of objects that live
as long as it does (modules, SQLAlchemy's tables and compiled statements, the catalogue).
Measured with gc.callbacks in bench/bus.py's relay, consumer and producer processes (2-core VM,
2026-11-26): each full collection took 90-600 ms of wall time, and every event in flight waited
for it. ``settle_process`` moves what exists at the end of startup to the permanent generation
(``gc.freeze``), so later collections walk only what was allocated since: full collections then
took 1-13 ms. The thresholds stay CPython's: a generation-0 threshold of 20,000 made each young
collection take ~12 ms instead of ~0.1 ms (same bench).

GIL switch interval: a consumer's event loop (reading the broker's frames, acking) and its handler
thread (the SQLAlchemy transaction) share the GIL. When the loop wakes while the handler thread
runs Python, it waits until that thread lets go, by default after 5 ms: a profile of the loop
thread showed 1-3 ms per socket send and per hand-off to the executor, and a probe of the loop's
lag beside a busy thread measured p50 5.5-14 ms at 5 ms against 0.7-1.9 ms at 0.5 ms (load 17).
``SWITCH_INTERVAL_SECONDS`` makes the hand-over ten times sooner; the CPU per event of bench/bus.py
did not move measurably.
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL_SECONDS = 0.0005
_settled = False  # once per process: a second freeze would also pin what lived since the first


def settle_process() -> None:
    """Call when a process has finished starting (imports, engines, consumers started); acts once.

    Entry points call it (``genius serve``, ``genius worker``, ``genius subscribers``, the
    bench's processes). Frozen objects are still freed by reference counting; only reference
    cycles among them that become garbage later are kept (the startup heap has few such). Later
    calls do nothing, so a process that starts several servers (a test run) freezes only once.
    """
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()  # what startup left as garbage is freed, not frozen
    gc.freeze()
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
