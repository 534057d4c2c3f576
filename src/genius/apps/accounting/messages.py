"""Accounting's worker contract: ``worker.request.fx.revaluation`` and its reply (docs/events.md).

The handler is ``genius.workers.fx_revaluation``; ``genius.workers.schedules`` starts it on the
first days of every month (``handlers.revaluation_schedule``), an operator may start it for a month.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar

from genius.kernel.messages import Event


@dataclass(frozen=True)
class FxRevaluationRequested(Event):
    """Revalue a month's foreign-currency items at the BNR rate of its last banking day."""

    event_type: ClassVar[str] = "worker.request.fx.revaluation"
    schema_version: ClassVar[int] = 1

    period: Annotated[
        str | None, "The month (YYYY-MM); null: the month before the job's day, on the first days of a month"
    ] = None


@dataclass(frozen=True)
class FxRevaluationCompleted(Event):
    """The FX revaluation worker ran for a month: posted, nothing changed, or skipped with the reason."""

    event_type: ClassVar[str] = "worker.response.fx.revaluation"
    schema_version: ClassVar[int] = 1

    job_id: Annotated[str, "The job that ran"]
    period: Annotated[str | None, "The month looked at (YYYY-MM); null when none was due"]
    outcome: Annotated[
        str, "posted, unchanged (revalued already), no_items, skipped (month closed or locked), not_due"
    ]
    message: Annotated[str, "What happened, for a person"]
    entry_id: Annotated[str | None, "The revaluation entry posted now; null when none"] = None
