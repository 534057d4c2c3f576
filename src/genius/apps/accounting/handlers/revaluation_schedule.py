"""The scheduled month-end FX revaluation: on the first days of a month, the month before, once.

``genius.workers.schedules`` starts the ``fx.revaluation`` worker once a day per tenant while the
day of the month is at most ``FIRST_DAYS`` (``due_on``); the worker calls ``run_scheduled`` in one
unit of work on the tenant's database:

* the month is the one before the job's day (or the one the request names);
* a month that is closed or locked is skipped - nothing is posted and the reason is logged and
  answered (``skipped``): a closed month is revalued by hand after reopening it, a locked one takes
  no more entries;
* a tenant without a foreign-currency item at the month's end has nothing to revalue (``no_items``);
* otherwise ``handlers.revaluation.revalue_month`` posts the revaluation (``posted``); a second run
  finds nothing changed and posts nothing (``unchanged``), while a posting dated in the month that
  arrived after the first run is revalued by a supplementary entry (why the run repeats on the
  first days, when late supplier invoices of the month come in);
* a currency without the BNR rate of the month's last banking day raises ``NoFxRate`` naming the
  currency and the date: the job fails with that message and nothing is written; the next day's
  run tries again (after the ``bnr.rates`` worker imported the rate).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from genius.apps.accounting import repository as repo
from genius.apps.accounting.domain.fx import REVALUED_PREFIXES
from genius.apps.accounting.domain.periods import Period, PeriodStatus
from genius.apps.accounting.handlers.revaluation import revalue_month
from genius.platform.audit import AuditTrail
from genius.platform.db.uow import UnitOfWork

log = logging.getLogger("genius.accounting.fx_revaluation")

# The scheduled run revalues the previous month on days 1..FIRST_DAYS of a month (UTC): the 1st for
# the month-end, the following days for late postings dated in that month (supplementary entries).
FIRST_DAYS = 5
# How often the schedule starts it per tenant inside those days (the tenant's spv_schedule claim).
EVERY = timedelta(days=1)
SCHEDULE_NAME = "accounting.fx_revaluation"


def due_on(now: datetime) -> bool:
    """Whether the schedule starts the revaluation at ``now`` (the first days of a month)."""
    return now.day <= FIRST_DAYS


def previous_month(today: date) -> Period:
    return Period.of(today.replace(day=1) - timedelta(days=1))


@dataclass(frozen=True)
class Scheduled:
    period: Period | None
    outcome: str  # posted | unchanged | no_items | skipped | not_due
    message: str
    entry_id: str | None = None


def run_scheduled(
    uow: UnitOfWork, today: date, period: Period | None = None, *, trail: AuditTrail | None = None
) -> Scheduled:
    """Revalue ``period`` (default: the month before ``today`` on the first days); see the docstring."""
    slug = uow.tenant.slug if uow.tenant is not None else "?"
    if period is None:
        if today.day > FIRST_DAYS:
            return Scheduled(None, "not_due", f"{today.isoformat()} is not in the first {FIRST_DAYS} days")
        period = previous_month(today)
    conn = uow.connection
    status = repo.period_status(conn, period)
    if status is not PeriodStatus.OPEN:
        reason = (
            f"FX revaluation of {period} skipped: the month is {status.value}"
            + (" (reopen it to revalue)" if status is PeriodStatus.CLOSED else " (it takes no more entries)")
        )
        log.warning("tenant %s: %s", slug, reason)
        return Scheduled(period, "skipped", reason)
    if not repo.currency_items(conn, period.last_day, REVALUED_PREFIXES):
        return Scheduled(period, "no_items", f"no foreign-currency item is open at the end of {period}")
    result = revalue_month(uow, period, trail=trail)
    outcome = "posted" if result.entry is not None else "unchanged"
    log.info("tenant %s: %s", slug, result.message)
    return Scheduled(period, outcome, result.message, result.entry.id if result.entry is not None else None)
