"""What a worker handler gets besides its request: the job's id, tenant, attempt, deadline, progress."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from genius.kernel.errors import ValidationError
from genius.platform.tenancy import TenantContext

ProgressSink = Callable[[int, str], None]


@dataclass
class JobContext:
    """One run of one job. ``progress`` is pushed to the job row (and from there to the browser)."""

    job_id: str
    tag: str
    tenant: TenantContext
    attempt: int = 1
    # time.monotonic() by which the handler should be done (the runtime enforces it too).
    deadline: float = field(default_factory=lambda: time.monotonic() + 3600)
    report: ProgressSink | None = None
    # This run's claim on the job (``genius.platform.jobs.runs``); None outside the worker runtime.
    # Effects that lock a resource for the job may name the run, to tell a dead run of the same job
    # (whose claim this run took over) from a live one.
    run_id: str | None = None

    def progress(self, percent: int, message: str = "") -> None:
        if not 0 <= percent <= 100:
            raise ValidationError.for_field("progress", "a percentage from 0 to 100")
        if self.report is not None:
            self.report(percent, message[:500])

    def remaining(self) -> float:
        """Seconds left before the deadline (for subprocess and socket timeouts), at least 1."""
        return max(1.0, self.deadline - time.monotonic())

    @property
    def idempotency_key(self) -> str:
        """Stable across redeliveries of the same job: effects outside the database key on it."""
        return f"{self.tenant.slug}:{self.job_id}"
