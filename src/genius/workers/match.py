"""Worker ``match``: bank lines against open invoices; sure matches reconciled and posted, the rest proposed.

The work is the bank part's ``run_match`` (genius.apps.accounting.bank.handlers.matching): moves
between the tenant's own accounts posted through 581 (``handlers.transfers``), bank fees posted
627 = 5121, every waiting line scored by the matcher, lines at or above the
confidence threshold reconciled and posted (5121 = 4111, 401 = 5121), the others given candidates
for a person (``GET /api/v1/accounting/bank/lines/{id}/candidates``).

Idempotent: only lines still waiting are read, each line is written in its own transaction, and
the ledger refuses a second posting of a line, so a redelivered or retried job finishes the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from genius.apps.accounting.bank.handlers.matching import run_match
from genius.apps.accounting.bank.messages import MatchCompleted, MatchRequested
from genius.platform.jobs.context import JobContext

if TYPE_CHECKING:
    from genius.bootstrap import Platform

TAG = "match"


def handle(request: MatchRequested, job: JobContext, platform: Platform) -> MatchCompleted:
    summary = run_match(
        platform.databases,
        job.tenant,
        statement_id=request.statement_id,
        line_ids=request.line_ids,
        threshold=request.threshold,
        job_id=job.job_id,
        progress=job.progress,
    )
    job.progress(100, f"{summary.reconciled} reconciled, {summary.proposed} proposed, {summary.fees} fee(s)")
    return MatchCompleted(
        job_id=job.job_id,
        lines=summary.lines,
        reconciled=summary.reconciled,
        proposed=summary.proposed,
        unmatched=summary.unmatched,
        fees=summary.fees,
        posted=summary.posted,
        not_posted=summary.not_posted,
    )
