"""Month-end revaluation of foreign-currency monetary items (OMFP 1802/2014 pct. 322(3)), in the caller's
unit of work.

For a month: every open currency item of the ledger (account + partner + currency, from the
currency amounts on posted lines: 4111 EUR receivables, 401 EUR payables, 5124 EUR accounts, ...,
``domain.fx.REVALUED_PREFIXES``) is valued at the BNR rate of the month's last banking day; the
difference from its carrying amount in lei is posted in one entry dated the month's last day
(item = 7651 gain, 6651 = item loss), source ``fx_revaluation`` / ``YYYY-MM``.

* Carried, not reversed: the revalued amount is the item's carrying amount from then on; next
  month revalues it, and a receipt or payment clears it at that amount (``bank.handlers.ledger``).
* Idempotent: the carrying amount includes earlier revaluations, so a second run of a month finds
  no difference and posts nothing. When a posting dated in the month arrived after the run (a late
  supplier invoice), a second run posts only the difference it brings, as a supplementary entry
  (role ``supplement-N``); later months already revalued are named in the answer so they are run
  again after it (each run corrects the next month's base).
* Refused: a month that is closed or locked (``PeriodClosed`` naming it: reopen a closed month; a
  locked one takes no more entries), a currency without a BNR rate of the last banking day
  (``NoFxRate`` naming the currency and the date). Nothing is written then.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from genius.apps.accounting import repository as repo
from genius.apps.accounting.domain.entries import Entry, SourceDocument
from genius.apps.accounting.domain.fx import (
    REVALUED_PREFIXES,
    Revaluation,
    month_end_rate,
    revaluation_entry,
    revalue,
)
from genius.apps.accounting.domain.periods import Period, check_open
from genius.apps.accounting.domain.postings import GENERAL_JOURNAL
from genius.apps.accounting.handlers.fx_rates import latest_rate
from genius.platform.audit import AuditTrail
from genius.platform.db.uow import UnitOfWork

from .audit import audit
from .entries import post

SOURCE_TYPE = repo.REVALUATION_SOURCE


@dataclass(frozen=True)
class MonthRevaluation:
    """What a month's revaluation found and did."""

    period: Period
    items: list[Revaluation]
    entry: Entry | None = None  # posted now (None: nothing changed, or a preview)
    earlier: list[str] = field(default_factory=list)  # revaluation entries of the month before this run
    later_months: list[str] = field(default_factory=list)  # revalued already: run them again after this

    @property
    def message(self) -> str:
        if self.entry is not None:
            what = "supplementary revaluation" if self.earlier else "revaluation"
            text = f"{what} of {self.period} posted (entry {self.entry.number})"
        elif self.earlier:
            text = f"{self.period} is revalued already (entry {self.earlier[0]}); nothing changed since"
        else:
            text = f"no foreign-currency item of {self.period} changed value"
        if self.later_months and self.entry is not None:
            text += f"; revalue {', '.join(self.later_months)} again: their base changed"
        return text


def compute(uow: UnitOfWork, period: Period) -> list[Revaluation]:
    """Every open currency item at the month's end valued at the last banking day's BNR rate."""
    conn = uow.connection
    items = repo.currency_items(conn, period.last_day, REVALUED_PREFIXES)
    rates = {
        currency: month_end_rate(currency, period.last_day, latest_rate(conn, currency, period.last_day))
        for currency in sorted({i.currency for i in items})
    }
    return [revalue(item, rates[item.currency]) for item in items]


def revalue_month(
    uow: UnitOfWork, period: Period, *, trail: AuditTrail | None = None, dry_run: bool = False
) -> MonthRevaluation:
    """Revalue ``period`` (see the module docstring); ``dry_run`` computes without posting."""
    conn = uow.connection
    label = f"the FX revaluation of {period}"
    if not dry_run:
        check_open(period, repo.period_status(conn, period), label)
    found = compute(uow, period)
    earlier = repo.revaluation_entries(conn, str(period))
    later = [p for p in repo.revalued_after(conn, period.last_day) if p != str(period)]
    role = "issue" if not earlier else f"supplement-{len(earlier) + 1}"
    settings = repo.load_settings(conn)
    draft = revaluation_entry(
        found,
        journal=GENERAL_JOURNAL,
        on=period.last_day,
        source=SourceDocument(SOURCE_TYPE, str(period), f"REEV-{period}", role),
        gain_account=settings.fx_gain_account,
        loss_account=settings.fx_loss_account,
    )
    if dry_run or draft is None:
        return MonthRevaluation(period, found, None, earlier, later)
    entry = post(uow, draft, label=label)
    audit(
        uow,
        trail,
        "accounting.fx.revalue",
        str(period),
        after={
            "entry_id": entry.id,
            "number": entry.number,
            "role": role,
            "items": [
                [r.item.account, r.item.partner_id, r.item.currency, str(r.item.amount), str(r.difference)]
                for r in found
                if r.difference
            ],
        },
        resource_type="accounting.fx_revaluation",
    )
    return MonthRevaluation(period, found, entry, earlier, later)
