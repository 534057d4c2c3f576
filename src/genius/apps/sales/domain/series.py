"""Numbering series: gapless invoice numbers per tenant, reset yearly or never.

An invoice's number (BT-1) comes from its series at the moment it is issued, inside the issuing
transaction: the series row is locked, the next number taken and the row moved on, so a refused
or failed issue rolls the number back with everything else and no number is ever skipped or
used twice (Codul fiscal art. 319(20)(a): invoices carry a sequential number, in one or more
series).

Numbers read ``<prefix><n>`` (continuous) or ``<prefix><year>-<n>`` (yearly), ``n`` zero-padded to
``width``; they always contain a digit (CIUS-RO BR-RO-010). Within a series, issue dates may
not go backwards: a number must never be lower than that of an invoice dated later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from genius.kernel.errors import Conflict, ProblemCollector

_PREFIX_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,19}$")
MIN_WIDTH, MAX_WIDTH = 1, 10
MAX_NUMBER = 10**10 - 1
RULE_DATE_ORDER = "sales.series.date-order"
RULE_YEAR_CLOSED = "sales.series.year-closed"


class ResetPolicy(StrEnum):
    YEARLY = "yearly"  # 1 again on the first invoice of each calendar year; the year is in the number
    NEVER = "never"  # one continuous sequence


class SeriesDocumentKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


@dataclass(frozen=True)
class SeriesInput:
    prefix: str | None
    document_kind: str = SeriesDocumentKind.INVOICE
    reset: str = ResetPolicy.YEARLY
    width: int = 4
    next_number: int = 1
    is_default: bool = False
    description: str | None = None


@dataclass(frozen=True)
class Series:
    """A series and where its counter stands."""

    prefix: str
    document_kind: SeriesDocumentKind
    reset: ResetPolicy
    width: int
    next_number: int
    year: int | None = None  # the year the counter counts (yearly series), None before the first number
    last_issue_date: date | None = None
    is_default: bool = False
    description: str | None = None

    def format(self, number: int, year: int) -> str:
        padded = str(number).zfill(self.width)
        return (
            f"{self.prefix}{year}-{padded}" if self.reset == ResetPolicy.YEARLY else f"{self.prefix}{padded}"
        )

    def peek(self, issue_date: date) -> str:
        """The number the next invoice dated ``issue_date`` would get now (not taken)."""
        restart = self.reset == ResetPolicy.YEARLY and self.year is not None and issue_date.year != self.year
        return self.format(1 if restart else self.next_number, issue_date.year)

    def take(self, issue_date: date) -> tuple[str, Series]:
        """(the number for an invoice dated ``issue_date``, the series after it); Conflict naming
        the rule when the date would break the order."""
        if self.last_issue_date is not None and issue_date < self.last_issue_date:
            raise Conflict(
                f"series {self.prefix!r} already numbered an invoice dated"
                f" {self.last_issue_date.isoformat()}; one dated {issue_date.isoformat()}"
                f" cannot take a later number ({RULE_DATE_ORDER})",
                code="series_date_order",
                details={"rule": RULE_DATE_ORDER, "last_issue_date": self.last_issue_date.isoformat()},
            )
        number = self.next_number
        year = issue_date.year
        if self.reset == ResetPolicy.YEARLY and self.year is not None and year != self.year:
            if year < self.year:  # already covered by the date order; kept for a hand-edited row
                raise Conflict(
                    f"series {self.prefix!r} numbers {self.year} now ({RULE_YEAR_CLOSED})",
                    code="series_year_closed",
                    details={"rule": RULE_YEAR_CLOSED},
                )
            number = 1
        if number > MAX_NUMBER:
            raise Conflict(f"series {self.prefix!r} is exhausted", code="series_exhausted")
        text = self.format(number, year)
        return text, replace(self, next_number=number + 1, year=year, last_issue_date=issue_date)


def validate_series(raw: SeriesInput) -> Series:
    problems = ProblemCollector()
    prefix = (raw.prefix or "").strip()
    if not _PREFIX_RE.match(prefix):
        problems.add(
            "prefix", "1 to 20 letters, digits or _ . / - (a letter or digit first), e.g. GEN- or FCT"
        )
    try:
        kind = SeriesDocumentKind(raw.document_kind)
    except ValueError:
        problems.add("document_kind", f"{raw.document_kind!r}: invoice or credit_note")
        kind = SeriesDocumentKind.INVOICE
    try:
        reset = ResetPolicy(raw.reset)
    except ValueError:
        problems.add("reset", f"{raw.reset!r}: yearly or never")
        reset = ResetPolicy.YEARLY
    if not MIN_WIDTH <= raw.width <= MAX_WIDTH:
        problems.add("width", f"between {MIN_WIDTH} and {MAX_WIDTH} digits")
    if not 1 <= raw.next_number <= MAX_NUMBER:
        problems.add("next_number", f"between 1 and {MAX_NUMBER}")
    description = (raw.description or "").strip() or None
    if description is not None and len(description) > 200:
        problems.add("description", "at most 200 characters", "too_long")
    problems.raise_if_any("invalid series")
    return Series(
        prefix=prefix,
        document_kind=kind,
        reset=reset,
        width=raw.width,
        next_number=raw.next_number,
        is_default=raw.is_default,
        description=description,
    )
