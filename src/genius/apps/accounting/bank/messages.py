"""The bank part's worker contract: ``worker.request.match`` and its reply ``worker.response.match``.

The handler is ``genius.workers.match``; the API starts it with ``JobService.start`` (202 + job id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, ClassVar

from genius.kernel.messages import Event


@dataclass(frozen=True)
class MatchRequested(Event):
    """Match bank lines not yet reconciled against open invoices; reconcile the sure ones."""

    event_type: ClassVar[str] = "worker.request.match"
    schema_version: ClassVar[int] = 1

    statement_id: Annotated[str | None, "Only this statement's lines; null for every line not reconciled"] = (
        None
    )
    line_ids: Annotated[list[str], "Only these lines (empty: as statement_id says)"] = field(
        default_factory=list
    )
    threshold: Annotated[
        float | None, "Confidence (0.5 to 1) from which a match is applied; null: the default tunable"
    ] = None


@dataclass(frozen=True)
class MatchCompleted(Event):
    """The match worker looked at bank lines: reconciled, proposed, left unmatched, fees posted."""

    event_type: ClassVar[str] = "worker.response.match"
    schema_version: ClassVar[int] = 1

    job_id: Annotated[str, "The job that matched"]
    lines: Annotated[int, "Lines looked at"]
    reconciled: Annotated[int, "Lines reconciled automatically"]
    proposed: Annotated[int, "Lines with candidates waiting for a person"]
    unmatched: Annotated[int, "Lines without any candidate"]
    fees: Annotated[int, "Bank fee lines posted to 627"]
    posted: Annotated[int, "Ledger entries posted (receipts, payments, fees)"]
    not_posted: Annotated[list[str], "Lines reconciled but not posted, each with the reason"] = field(
        default_factory=list
    )
