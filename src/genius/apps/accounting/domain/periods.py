"""Fiscal periods: calendar months that are open, closed (reopenable) or locked (for good).

A month with no row is open. Closing stops postings dated in it (the accountant is finishing the
month: VAT closing done, D300 filed); reopening is allowed until the month is locked. Locking is
final, because filed returns (D300, D406) were built from it: later corrections go into an open
month as regularisations (RO-ACCOUNTING.md §3: no rectifying D300, corrections in a later return).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from genius.apps.accounting.domain.errors import PeriodClosed
from genius.kernel.errors import Conflict, ValidationError

MIN_YEAR = 2000
MAX_YEAR = 2100


class PeriodStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    LOCKED = "locked"


@dataclass(frozen=True, order=True)
class Period:
    """One month, written ``YYYY-MM``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValidationError.for_field("year", f"{self.year} is outside {MIN_YEAR}..{MAX_YEAR}")
        if not 1 <= self.month <= 12:
            raise ValidationError.for_field("month", f"{self.month} is not a month (1..12)")

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str, field_path: str = "period") -> Period:
        try:
            year, month = (int(part) for part in text.split("-"))
        except ValueError:
            raise ValidationError.for_field(field_path, f"{text!r} is not a period: write YYYY-MM") from None
        return cls(year, month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        nxt = self.next()
        return date.fromordinal(nxt.first_day.toordinal() - 1)

    def next(self) -> Period:
        return Period(self.year + self.month // 12, self.month % 12 + 1)


def check_open(period: Period, status: PeriodStatus, what: str) -> None:
    """Refuse ``what`` (e.g. "entry NC-2026-000004") in a month that is not open."""
    if status is PeriodStatus.OPEN:
        return
    hint = "reopen it first" if status is PeriodStatus.CLOSED else "post a correction in an open month"
    raise PeriodClosed(
        f"period {period} is {status.value}: {what} cannot be posted into it ({hint})",
        details={"period": str(period), "status": status.value},
    )


def transition(period: Period, current: PeriodStatus, target: PeriodStatus) -> PeriodStatus:
    """Open -> closed -> locked; closed -> open; a locked month never moves again."""
    allowed = {
        PeriodStatus.OPEN: {PeriodStatus.CLOSED, PeriodStatus.LOCKED},
        PeriodStatus.CLOSED: {PeriodStatus.OPEN, PeriodStatus.LOCKED},
        PeriodStatus.LOCKED: set(),
    }
    if target not in allowed[current]:
        raise Conflict(
            f"period {period} is {current.value} and cannot become {target.value}",
            code="period_transition",
            details={"period": str(period), "status": current.value},
        )
    return target
