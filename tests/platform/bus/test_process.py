"""settle_process: what exists when a bus process has started goes to the permanent generation, so
later full collections do not walk it, and the GIL changes hands sooner (genius.platform.bus.process).

Checked in a fresh interpreter: the test process may already have settled (an embedded server of
another test calls it), and the interpreter's state is process-wide.
"""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import gc, json, sys, weakref
from genius.platform.bus.process import SWITCH_INTERVAL_SECONDS, settle_process

class Cycle:
    def __init__(self):
        self.me = self

before = {"thresholds": gc.get_threshold(), "switch": sys.getswitchinterval()}
gc.disable()  # no automatic collection between here and settle_process's own
garbage = weakref.ref(Cycle())  # unreachable, kept alive only by its own reference cycle
settle_process()
first = {"frozen": gc.get_freeze_count(), "collected": garbage() is None}
gc.unfreeze()
settle_process()  # once per process: a second call freezes nothing
print(json.dumps({
    "before": before, "first": first, "second_frozen": gc.get_freeze_count(),
    "thresholds": gc.get_threshold(), "switch": sys.getswitchinterval(),
    "expected_switch": SWITCH_INTERVAL_SECONDS,
}))
"""


def test_the_startup_heap_is_frozen_once_after_its_garbage_is_collected() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["first"]["frozen"] > 0
    assert seen["first"]["collected"]  # collected before the freeze, not frozen for good
    assert seen["second_frozen"] == 0
    assert seen["thresholds"] == seen["before"]["thresholds"]  # CPython's thresholds stay
    assert seen["switch"] == seen["expected_switch"] < seen["before"]["switch"]
