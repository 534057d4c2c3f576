"""settle_process: what exists when a bus process has started goes to the permanent generation, so
later full collections do not walk it, and the GIL changes hands sooner (genius.platform.bus.process)."""

from __future__ import annotations

import gc
import sys
import weakref

from genius.platform.bus.process import SWITCH_INTERVAL_SECONDS, settle_process


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_the_startup_heap_is_frozen_after_its_garbage_is_collected() -> None:
    thresholds, switch = gc.get_threshold(), sys.getswitchinterval()
    gc.disable()  # no automatic collection between here and settle_process's own
    try:
        garbage = weakref.ref(_Cycle())  # unreachable, kept alive only by its own reference cycle
        settle_process()
        assert gc.get_freeze_count() > 0
        assert garbage() is None  # collected before the freeze, not frozen for good
        assert gc.get_threshold() == thresholds  # CPython's thresholds stay (see the module)
        assert sys.getswitchinterval() == SWITCH_INTERVAL_SECONDS < switch
    finally:
        sys.setswitchinterval(switch)
        gc.enable()
        gc.unfreeze()  # this test process goes on collecting as before
