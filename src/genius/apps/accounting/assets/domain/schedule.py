"""The depreciation schedule of an asset (linear, degressive, accelerated), and its figures over a period.

Depreciation starts with the month after commissioning (Codul fiscal art. 28 alin. (12) lit. a)).
Every method spreads an amount over months the same way: month k of a stretch of M months gets
``round(total * k / M) - round(total * (k - 1) / M)``, so the months stay within a ban of each
other and add up to the stretch's total exactly (no rest left for a last month to absorb).

* ``linear``: the value over the life (art. 28 alin. (6)).
* ``degressive`` (art. 28 alin. (7); HG 1/2016 Norms, title II, pct. 25 for the worked example):
  the linear rate (1 / life in years) times 1.5 for a life of 2-5 years, 2.0 for 6-10 years, 2.5
  over 10 years, applied each year of use to the value still left; from the first year in which
  the value left divided by the years left is at least that (the Norms' example switches in year 6
  of 10, at equality), the value left is spread evenly over the years left. Each year's amount is
  spread over its 12 months. The law counts whole years, so the life must be whole years.
* ``accelerated`` (art. 28 alin. (8)): in the first year of use at most 50 % of the value - the
  register takes the 50 % - spread over its 12 months; then the value left over the months left.

The law states annual amounts; posting a twelfth of each year per month is this register's choice
(a monthly run, like the linear method's).
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


LINEAR, DEGRESSIVE, ACCELERATED = "linear", "degressive", "accelerated"
# Codul fiscal art. 28 alin. (7): the degressive coefficient by normal life in whole years.
DEGRESSIVE_COEFFICIENTS: tuple[tuple[int, int, Decimal], ...] = (
    (2, 5, Decimal("1.5")),
    (6, 10, Decimal("2.0")),
    (11, 10**6, Decimal("2.5")),
)
# Codul fiscal art. 28 alin. (8) lit. a): the first year of use takes at most this share.
ACCELERATED_FIRST_YEAR = Decimal("0.50")


def degressive_coefficient(years: int) -> Decimal:
    for low, high, coefficient in DEGRESSIVE_COEFFICIENTS:
        if low <= years <= high:
            return coefficient
    raise ValueError(f"no degressive coefficient for a life of {years} year(s) (from 2 years)")


def spread(total: Decimal, months: int) -> list[Decimal]:
    """``total`` over ``months`` months, each within a ban of the others, adding up exactly."""
    out, before = [], ZERO
    for k in range(1, months + 1):
        upto = round_money(total * k / months)
        out.append(upto - before)
        before = upto
    return out


def monthly_amounts(method: str, value: Decimal, life_months: int) -> list[Decimal]:
    """The amount of each month of the life, by method (see the module docstring)."""
    if method == LINEAR:
        return spread(value, life_months)
    if method == DEGRESSIVE:
        if life_months % 12:
            raise ValueError("degressive depreciation needs a life of whole years")
        years = life_months // 12
        rate = degressive_coefficient(years) / years
        out: list[Decimal] = []
        left = value
        for year in range(1, years + 1):
            years_left = years - year + 1
            if years_left * rate <= 1:  # left / years_left >= left * rate: even from here on
                return out + spread(left, years_left * 12)
            amount = round_money(left * rate)
            out += spread(amount, 12)
            left -= amount
        return out  # not reached: in the last year years_left * rate = rate <= 1
    if method == ACCELERATED:
        if life_months <= 12:
            raise ValueError("accelerated depreciation needs a life of more than 12 months")
        first = round_money(value * ACCELERATED_FIRST_YEAR)
        return spread(first, 12) + spread(value - first, life_months - 12)
    raise ValueError(f"unknown depreciation method {method!r}")


def schedule(method: str, value: Decimal, life_months: int, commissioned: date) -> list[ScheduleLine]:
    first = shifted(Period.of(commissioned), 1)
    out, accumulated = [], ZERO
    for k, amount in enumerate(monthly_amounts(method, value, life_months), start=1):
        accumulated += amount
        out.append(ScheduleLine(k, shifted(first, k - 1), amount, accumulated, value - accumulated))
    return out


def linear_schedule(value: Decimal, life_months: int, commissioned: date) -> list[ScheduleLine]:
    return schedule(LINEAR, value, life_months, commissioned)


def due_in(
    value: Decimal, life_months: int, commissioned: date, month: Period, method: str = LINEAR
) -> ScheduleLine | None:
    """The schedule's line for ``month``, None outside the depreciation months."""
    k = (month.year * 12 + month.month) - (commissioned.year * 12 + commissioned.month)
    if not 1 <= k <= life_months:
        return None
    return schedule(method, value, life_months, commissioned)[k - 1]


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
