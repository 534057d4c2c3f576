"""``step_process`` killed between "archive stored" and "verdict recorded" (the kill tests).

    python -m tests.apps.sales.spv.step_after_archive '<json>'

The engine stores ANAF's ZIP in the tenant's storage (``SubmissionArchive.store``) and only then
commits the archive row with the verdict. This process SIGKILLs itself the moment ``store``
returns: the ZIP is on disk, nothing about it is in the database. The named crash points live in
the sales app (``genius.apps.sales.spv.crashpoints``); this one wraps the archive from outside so
the engine needs no change, and dies exactly as a crash point does (no cleanup, no ``finally``).
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from genius.apps.sales.spv.submission.archive import StoredDownload, SubmissionArchive
from tests.apps.sales.spv import step_process


def _die_after_store() -> None:
    store = SubmissionArchive.store

    def store_then_die(self: SubmissionArchive, *args: Any, **kwargs: Any) -> StoredDownload:
        stored = store(self, *args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)
        return stored  # never reached

    SubmissionArchive.store = store_then_die  # type: ignore[method-assign]


if __name__ == "__main__":
    _die_after_store()
    step_process.main(sys.argv[1])
