"""The monthly depreciation run: 6811 = 280x/281x per asset, once per asset and month, by its method.

``run_depreciation(uow, period)`` posts, for every asset owing ``period`` (commissioned before the
month, within its life, not disposed by the month's end) and not yet depreciated for it, one
entry on the month's last day in the general journal (NC), sourced ``fixed_asset``/<asset
id>/``depreciation YYYY-MM``; the cost centre of the asset goes on the expense line. A second
run of the month posts nothing (the register's key and the ledger's source both refuse it). A
month that is closed or locked is refused before anything is written, naming the month; all
assets of the run are in the caller's one unit of work, so a refusal leaves nothing half-posted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.assets import repository as repo
from genius.apps.accounting.assets.domain.schedule import due_in
from genius.apps.accounting.assets.handlers.common import DEPRECIATION_EXPENSE, source
from genius.apps.accounting.domain.entries import EntryDraft, Line
from genius.apps.accounting.domain.periods import Period, check_open
from genius.apps.accounting.domain.postings import GENERAL_JOURNAL
from genius.apps.accounting.handlers import entries as entry_handlers
from genius.kernel.clock import utcnow
from genius.platform.db.uow import UnitOfWork


@dataclass(frozen=True)
class Posted:
    asset_id: str
    inventory_no: str
    amount: Decimal
    entry_id: str


@dataclass
class RunResult:
    period: Period
    posted: list[Posted] = field(default_factory=list)
    already: int = 0  # assets whose month was depreciated by an earlier run

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.posted), Decimal("0.00"))

    def as_dict(self) -> dict[str, object]:
        return {
            "period": str(self.period),
            "posted": [
                {"asset_id": p.asset_id, "inventory_no": p.inventory_no, "amount": str(p.amount),
                 "entry_id": p.entry_id}
                for p in self.posted
            ],
            "already_posted": self.already,
            "total": str(self.total),
        }  # fmt: skip


def depreciation_role(period: Period) -> str:
    return f"depreciation {period}"


def run_depreciation(uow: UnitOfWork, period: Period, *, by: str | None = None) -> RunResult:
    conn = uow.connection
    check_open(period, acc_repo.period_status(conn, period), f"the depreciation of {period}")
    result = RunResult(period)
    now = utcnow()
    for asset in repo.depreciation_due(conn, period):
        spec = asset.spec
        line = due_in(spec.acquisition_value, spec.life_months, spec.commissioning_date, period, spec.method)
        if line is None or line.amount == 0:
            continue
        if any(month == period for month, _, _ in asset.posted):
            result.already += 1
            continue
        draft = EntryDraft(
            GENERAL_JOURNAL,
            period.last_day,
            f"Amortizare {period} {spec.inventory_no} {spec.name}"[:500],
            (
                Line(DEPRECIATION_EXPENSE, debit=line.amount, cost_centre=spec.cost_centre),
                Line(spec.depreciation_account or "", credit=line.amount),
            ),
            source=source(asset.id, spec.inventory_no, depreciation_role(period)),
        )
        entry = entry_handlers.post(uow, draft, created_by=by)
        repo.record_depreciation(conn, asset.id, period, line.amount, entry.id, now)
        result.posted.append(Posted(asset.id, spec.inventory_no, line.amount, entry.id))
    return result
