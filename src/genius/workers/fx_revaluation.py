"""Worker ``fx.revaluation``: the month-end revaluation of foreign-currency items, scheduled or on request.

The work is accounting's ``handlers.revaluation_schedule.run_scheduled`` in one unit of work on the
tenant's database: the month before the job's day (UTC) on the first days of a month, or the month
the request names; a closed or locked month is skipped with the reason, a tenant without currency
items has nothing to do, a second run posts nothing. A missing BNR rate fails the job with a
message naming the currency and the date (``NoFxRate``), nothing written; the next run retries.

Scheduled by ``genius.workers.schedules`` (``accounting.fx_revaluation``) once a day per tenant on
the first ``FIRST_DAYS`` days of a month, in every worker runtime serving this tag.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.handlers.revaluation_schedule import run_scheduled
from genius.apps.accounting.messages import FxRevaluationCompleted, FxRevaluationRequested
from genius.kernel.clock import utcnow
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs.context import JobContext
from genius.platform.tenancy import tenant_scope

if TYPE_CHECKING:
    from genius.bootstrap import Platform

TAG = "fx.revaluation"


def handle(request: FxRevaluationRequested, job: JobContext, platform: Platform) -> FxRevaluationCompleted:
    period = Period.parse(request.period) if request.period else None
    job.progress(10, f"revaluing {period or 'the previous month'}")
    with tenant_scope(job.tenant), UnitOfWork(platform.databases, tenant=job.tenant) as uow:
        done = run_scheduled(uow, utcnow().date(), period, trail=platform.audit)
    job.progress(100, done.message)
    return FxRevaluationCompleted(
        job_id=job.job_id,
        period=str(done.period) if done.period is not None else None,
        outcome=done.outcome,
        message=done.message,
        entry_id=done.entry_id,
    )
