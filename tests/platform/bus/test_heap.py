"""settle_heap: what exists when a bus process has started goes to the permanent generation, so later
full collections do not walk it (genius.platform.bus.heap; measured in bench/bus.py)."""

from __future__ import annotations

import gc
import weakref

from genius.platform.bus.heap import settle_heap


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_the_startup_heap_is_frozen_after_its_garbage_is_collected() -> None:
    thresholds = gc.get_threshold()
    gc.disable()  # no automatic collection between here and settle_heap's own
    try:
        garbage = weakref.ref(_Cycle())  # unreachable, kept alive only by its own reference cycle
        settle_heap()
        assert gc.get_freeze_count() > 0
        assert garbage() is None  # collected before the freeze, not frozen for good
        assert gc.get_threshold() == thresholds  # CPython's thresholds stay (see the module)
    finally:
        gc.enable()
        gc.unfreeze()  # this test process goes on collecting as before
