"""Named points where the submission worker can be killed on purpose (the kill tests).

``GENIUS_CRASH_AT=<point>`` in the environment makes the process SIGKILL itself when it reaches
that point: no cleanup, no ``finally``, exactly what a power cut or the OOM killer does. The
points of the submission engine are ``before_upload`` (the ``uploading`` row committed, nothing
sent), ``after_upload`` (ANAF answered with an index, not recorded yet), ``after_index`` (the
index committed, no poll yet) and ``during_download`` (the ZIP fetched, not stored nor recorded).
Unset (always, outside those tests) a point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

ENV = "GENIUS_CRASH_AT"
POINTS = ("before_upload", "after_upload", "after_index", "during_download")


def crash_point(name: str) -> None:
    """Die here, at once, when ``GENIUS_CRASH_AT`` names this point."""
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
