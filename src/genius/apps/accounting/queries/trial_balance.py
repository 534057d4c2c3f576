"""Balanța de verificare (trial balance) from the per-account per-month summary ``acc_balances``.

Why it is fast: the posting transaction adds each entry's per-account sums to ``acc_balances``
(a trigger, migration 0001), so this report reads at most accounts x months rows, whatever the
number of journal lines; one grouped query over that table answers it.

Columns (the Romanian "balanță cu 5 egalități"): opening balance at 1 January (sold inițial),
previous turnovers of the year before the period (rulaje precedente), turnovers of the period
(rulaje curente), total sums (sume totale = opening + all turnovers of the year so far), closing
balance (sold final). Every pair's debit and credit totals are equal; ``facts`` says so.

Levels: ``analytic`` (every account as booked), ``synthetic2`` (grade II, or grade I accounts
without grade II ones), ``synthetic1`` (3 digits), ``class``. A rolled-up line sums the side
balances of its accounts (a customer with a credit balance stays on the credit side), so the
equalities hold at every level.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import tables as t
from genius.apps.accounting.queries.report import Column, PeriodRange, ReportTable
from genius.fiscal.ro.chart import chart, class_names
from genius.kernel.errors import ValidationError

LEVELS = ("analytic", "synthetic2", "synthetic1", "class")
PAIRS = ("opening", "previous", "period", "total", "closing")


@dataclass
class _Sums:
    opening: int = 0  # net debit - credit before 1 January, in bani
    previous_debit: int = 0
    previous_credit: int = 0
    period_debit: int = 0
    period_credit: int = 0


def _key(account: str, synthetic: str, level: str) -> str:
    if level == "analytic":
        return account
    if level == "synthetic2":
        return synthetic
    if level == "synthetic1":
        return synthetic[:3]
    return synthetic[:1]


def _sides(net: int) -> tuple[int, int]:
    return (net, 0) if net >= 0 else (0, -net)


def trial_balance(conn: Connection, months: PeriodRange, level: str = "synthetic2") -> ReportTable:
    """The trial balance of ``months`` (one year) at ``level``; amounts are Decimal lei."""
    if level not in LEVELS:
        raise ValidationError.for_field("level", f"{level!r}: use one of {', '.join(LEVELS)}")
    if months.first.year != months.last.year:
        raise ValidationError.for_field("to", "a trial balance covers months of one year")
    year, m1, m2 = months.first.year, months.first.month, months.last.month
    b = t.balances.c
    before_year = b.year < year
    previous = (b.year == year) & (b.month < m1)
    current = (b.year == year) & (b.month >= m1)
    zero = sa.literal(0)
    query = (
        sa.select(
            b.account,
            t.accounts.c.synthetic,
            t.accounts.c.name,
            sa.func.sum(sa.case((before_year, b.debit - b.credit), else_=zero)),
            sa.func.sum(sa.case((previous, b.debit), else_=zero)),
            sa.func.sum(sa.case((previous, b.credit), else_=zero)),
            sa.func.sum(sa.case((current, b.debit), else_=zero)),
            sa.func.sum(sa.case((current, b.credit), else_=zero)),
        )
        .join(t.accounts, t.accounts.c.code == b.account)
        .where((b.year < year) | ((b.year == year) & (b.month <= m2)))
        .group_by(b.account, t.accounts.c.synthetic, t.accounts.c.name)
    )
    names: dict[str, str] = {}
    per_key: dict[str, list[int]] = {}
    for account, synthetic, name, opening, prev_d, prev_c, cur_d, cur_c in conn.execute(query):
        opening, prev_d, prev_c, cur_d, cur_c = (int(v or 0) for v in (opening, prev_d, prev_c, cur_d, cur_c))
        if not (opening or prev_d or prev_c or cur_d or cur_c):
            continue
        key = _key(account, synthetic, level)
        names.setdefault(key, name if key == account else _name(key))
        open_d, open_c = _sides(opening)
        total_d, total_c = open_d + prev_d + cur_d, open_c + prev_c + cur_c
        close_d, close_c = _sides(total_d - total_c)
        values = [open_d, open_c, prev_d, prev_c, cur_d, cur_c, total_d, total_c, close_d, close_c]
        row = per_key.setdefault(key, [0] * 10)
        for i, v in enumerate(values):
            row[i] += v
    rows = []
    totals = [0] * 10
    for key in sorted(per_key):
        values = per_key[key]
        totals = [a + v for a, v in zip(totals, values, strict=True)]
        rows.append([key, names[key], *(_lei(v) for v in values)])
    columns = [Column("account", "Cont"), Column("name", "Denumire")]
    labels = {
        "opening": "Sold inițial",
        "previous": "Rulaje precedente",
        "period": "Rulaje perioadă",
        "total": "Sume totale",
        "closing": "Sold final",
    }
    for pair in PAIRS:
        columns += [
            Column(f"{pair}_debit", f"{labels[pair]} debit", "amount"),
            Column(f"{pair}_credit", f"{labels[pair]} credit", "amount"),
        ]
    facts = {f"{pair}_equal": totals[2 * i] == totals[2 * i + 1] for i, pair in enumerate(PAIRS)} | {
        "level": level,
        "accounts": len(rows),
    }
    return ReportTable(
        "trial-balance",
        "Balanța de verificare",
        f"{months} · nivel {level}",
        columns,
        rows,
        ["Total", "", *(_lei(v) for v in totals)],
        facts,
    )


def _lei(bani: int) -> Decimal:
    return (Decimal(bani) / 100).quantize(Decimal("0.01"))


def _name(key: str) -> str:
    if len(key) == 1:
        return class_names().get(int(key), f"Clasa {key}")
    account = chart().get(key)
    return account.name if account else key
