"""The linear depreciation schedule of an asset, and its figures over a reporting period.

Month k of N (k = 1 is the month after commissioning) depreciates
``round(value * k / N) - round(value * (k - 1) / N)``: every month within a ban of value / N, and
the N months add up to the value exactly (no rest left for a last month to absorb).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from genius.apps.accounting.domain.periods import Period
from genius.kernel.money import round_money

ZERO = Decimal("0.00")


def shifted(period: Period, months: int) -> Period:
    index = period.year * 12 + period.month - 1 + months
    return Period(index // 12, index % 12 + 1)


@dataclass(frozen=True)
class ScheduleLine:
    number: int  # 1..N
    month: Period
    amount: Decimal
    accumulated: Decimal
    remaining: Decimal


def linear_schedule(value: Decimal, life_months: int, commissioned: date) -> list[ScheduleLine]:
    first = shifted(Period.of(commissioned), 1)
    out, before = [], ZERO
    for k in range(1, life_months + 1):
        upto = round_money(value * k / life_months)
        out.append(ScheduleLine(k, shifted(first, k - 1), upto - before, upto, value - upto))
        before = upto
    return out


def due_in(value: Decimal, life_months: int, commissioned: date, month: Period) -> ScheduleLine | None:
    """The schedule's line for ``month``, None outside the depreciation months."""
    k = (month.year * 12 + month.month) - (commissioned.year * 12 + commissioned.month)
    if not 1 <= k <= life_months:
        return None
    upto = round_money(value * k / life_months)
    before = round_money(value * (k - 1) / life_months)
    return ScheduleLine(k, month, upto - before, upto, value - upto)


@dataclass(frozen=True)
class PeriodFigures:
    """An asset over [first, last] from its posted depreciation (what the annual D406 reports)."""

    cost_begin: Decimal
    cost_end: Decimal
    addition: Decimal
    disposal: Decimal  # book value that left with a disposal in the period
    book_value_begin: Decimal
    depreciation: Decimal  # posted in the period
    accumulated_end: Decimal
    book_value_end: Decimal


def period_figures(
    *,
    value: Decimal,
    acquired: date,
    disposed: date | None,
    posted: Iterable[tuple[date, Decimal]],
    first: date,
    last: date,
) -> PeriodFigures:
    """``posted``: (first day of the month, amount) of each depreciation posted for the asset."""
    rows = list(posted)
    before = sum((a for d, a in rows if d < first), ZERO)
    during = sum((a for d, a in rows if first <= d <= last), ZERO)
    held_at_start = acquired < first and (disposed is None or disposed >= first)
    held_at_end = acquired <= last and (disposed is None or disposed > last)
    cost_begin = value if held_at_start else ZERO
    addition = value if first <= acquired <= last else ZERO
    disposal = value - before - during if disposed is not None and first <= disposed <= last else ZERO
    cost_end = value if held_at_end else ZERO
    accumulated_end = before + during if held_at_end else ZERO
    return PeriodFigures(
        cost_begin=cost_begin,
        cost_end=cost_end,
        addition=addition,
        disposal=disposal,
        book_value_begin=cost_begin - (before if held_at_start else ZERO),
        depreciation=during,
        accumulated_end=accumulated_end,
        book_value_end=cost_end - accumulated_end,
    )
