"""The shape every report has: a title, typed columns, rows and totals; exports render this one shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from genius.apps.accounting.domain.periods import Period
from genius.kernel.errors import ValidationError


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # Romanian header, as the printed report shows it
    kind: str = "text"  # text | amount | date | integer


@dataclass
class ReportTable:
    """A report: ``rows`` hold values in ``columns`` order; ``totals`` the same shape (or empty)."""

    name: str
    title: str
    subtitle: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    totals: list[Any] | None = None
    facts: dict[str, Any] = field(default_factory=dict)  # checks and summary values (equalities)

    def as_json(self) -> dict[str, Any]:
        keys = [c.key for c in self.columns]
        return {
            "report": self.name,
            "title": self.title,
            "subtitle": self.subtitle,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in self.columns],
            "rows": [dict(zip(keys, (_json(v) for v in row), strict=True)) for row in self.rows],
            "totals": dict(zip(keys, (_json(v) for v in self.totals), strict=True)) if self.totals else None,
            "facts": {k: _json(v) for k, v in self.facts.items()},
        }


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class PeriodRange:
    """Months ``first`` to ``last`` of one year (reports run over whole months)."""

    first: Period
    last: Period

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValidationError.for_field("to", f"{self.last} is before {self.first}")

    @classmethod
    def parse(cls, first: str, last: str | None = None) -> PeriodRange:
        start = Period.parse(first, "from")
        return cls(start, Period.parse(last, "to") if last else start)

    @property
    def first_day(self) -> date:
        return self.first.first_day

    @property
    def last_day(self) -> date:
        return self.last.last_day

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first} – {self.last}"
