"""The demo accountant's bookings around the bank lines that pay no invoice.

* Each month's payroll (``bank_plan.Payroll``), booked on its last day from the payroll statement:
  641 = 421 (gross), 421 = 4315 / 4316 / 444 (the employee's CAS, CASS, income tax), 6461 = 436
  (CAM), as one entry sourced ``demo_payroll``/<month>; the salaries of the month before the demo
  (paid in its first month) are liabilities carried in the opening balance (``opening_lines``).
* The bank lines of salaries, payroll taxes, VAT and interest posted to their counter-account
  through the bank service (``handlers.direct.post_to_account``), except, in the last month, those
  after ``OPEN_FROM_DAY``: the accountant's current month is not finished.

Both are idempotent: a payroll entry is looked up by its source first, a posted line is no longer
waiting.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Final

import sqlalchemy as sa

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.bank import repository as bank_repo
from genius.apps.accounting.bank import tables as bank
from genius.apps.accounting.bank.handlers.direct import post_to_account
from genius.apps.accounting.domain.entries import EntryDraft, Line, SourceDocument
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.domain.postings import GENERAL_JOURNAL
from genius.apps.accounting.handlers import entries as entry_handlers
from genius.demo.bank_plan import Month, Payroll, Plan
from genius.platform.audit import AuditTrail
from genius.platform.db.uow import UnitOfWork

log = logging.getLogger(__name__)

PAYROLL_SOURCE: Final = "demo_payroll"
OPEN_FROM_DAY: Final = 21  # in the last month, lines booked from this day on are left to post
SALARIES, EMPLOYER = "641", "6461"  # 6461: CAM of employees
NET, CAM = "421", "436"


def payroll_lines(payroll: Payroll) -> list[Line]:
    """The liabilities a payroll leaves (credits): net salaries, the taxes withheld, CAM."""
    return [Line(NET, credit=payroll.net)] + [
        Line(account, credit=amount) for account, amount, _ in payroll.taxes()
    ]


def opening_lines(plan: Plan, months: Sequence[Month]) -> list[Line]:
    """The liabilities of the month before the demo (its salaries are paid in the first month)."""
    before = f"{months[0].first - datetime.timedelta(days=1):%Y-%m}"
    payroll = plan.payroll.get(before)
    return payroll_lines(payroll) if payroll is not None else []


def post_payrolls(unit: Callable[[], UnitOfWork], plan: Plan, months: Sequence[Month]) -> int:
    """Book the payroll of each demo month on its last day; the number of entries posted now."""
    done = 0
    for month in months:
        payroll = plan.payroll.get(str(month))
        if payroll is None:
            continue
        source = SourceDocument(PAYROLL_SOURCE, str(month), f"STAT-{month.first:%Y%m}")
        with unit() as uow:
            if acc_repo.find_by_source(uow.connection, source) is not None:
                continue
            draft = EntryDraft(
                GENERAL_JOURNAL,
                month.last,
                f"Stat de salarii {month.first:%m.%Y}: salarii brute, rețineri, CAM",
                (
                    Line(SALARIES, debit=payroll.gross),
                    Line(EMPLOYER, debit=payroll.cam),
                    *payroll_lines(payroll),
                ),
                source=source,
            )
            entry_handlers.post(uow, draft)
            done += 1
    return done


def post_direct_lines(
    unit: Callable[[], UnitOfWork],
    account_iban: str,
    plan: Plan,
    months: Sequence[Month],
    trail: AuditTrail | None,
    *,
    upto: Period | None = None,
) -> int:
    """Post the plan's lines that carry a counter-account (through the bank service); how many now.

    ``upto``: only lines booked in that month or before (the month about to be closed)."""
    wanted = [
        (month, line)
        for month in months
        for line in plan.lines.get(str(month), [])
        if line.account is not None
        and (upto is None or Period.of(line.booking_date) <= upto)
        and not (month == months[-1] and line.booking_date.day >= OPEN_FROM_DAY)
    ]
    ln = bank.lines.c
    done = 0
    for _, line in wanted:
        with unit() as uow:
            found = uow.connection.execute(
                sa.select(ln.id, ln.status).where(
                    ln.account_iban == account_iban, ln.bank_reference == line.reference
                )
            ).first()
            if found is None or found.status not in bank_repo.MATCHABLE:
                continue
            post_to_account(uow, found.id, account=line.account or "", trail=trail)
            done += 1
    return done


def liabilities_total(lines: Sequence[Line]) -> Decimal:
    return sum((line.credit for line in lines), Decimal(0))


__all__ = ["liabilities_total", "opening_lines", "payroll_lines", "post_direct_lines", "post_payrolls"]
