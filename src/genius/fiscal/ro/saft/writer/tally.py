"""Running counts and sums of what was streamed, compared at the end with the declared totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from genius.fiscal.ro.saft.errors import TotalsMismatch
from genius.fiscal.ro.saft.model.documents import MovementTotals
from genius.fiscal.ro.saft.model.entries import SectionTotals
from genius.kernel.errors import FieldProblem

_ZERO = Decimal("0.00")


@dataclass
class Tally:
    """What one section actually contained."""

    section: str
    count: int = 0
    debit: Decimal = _ZERO
    credit: Decimal = _ZERO
    lines: int = 0


@dataclass
class MovementTally:
    lines: int = 0
    received: Decimal = Decimal(0)
    issued: Decimal = Decimal(0)


@dataclass
class Reconciliation:
    """Collects the disagreements of every section, so one error lists them all."""

    problems: list[FieldProblem] = field(default_factory=list)

    def sections(self, declared: SectionTotals, actual: Tally, unit: str) -> None:
        where = actual.section
        if declared.number_of_entries != actual.count:
            self._add(
                f"{where}.NumberOfEntries",
                f"{declared.number_of_entries} declared, {actual.count} {unit} written",
            )
        if declared.total_debit != actual.debit:
            self._add(f"{where}.TotalDebit", f"{declared.total_debit} declared, {actual.debit} written")
        if declared.total_credit != actual.credit:
            self._add(f"{where}.TotalCredit", f"{declared.total_credit} declared, {actual.credit} written")

    def movements(self, declared: MovementTotals, actual: MovementTally) -> None:
        where = "SourceDocuments.MovementOfGoods"
        if declared.number_of_lines != actual.lines:
            self._add(
                f"{where}.NumberOfMovementLines",
                f"{declared.number_of_lines} declared, {actual.lines} written",
            )
        if declared.quantity_received != actual.received:
            self._add(
                f"{where}.TotalQuantityReceived",
                f"{declared.quantity_received} declared, {actual.received} written",
            )
        if declared.quantity_issued != actual.issued:
            self._add(
                f"{where}.TotalQuantityIssued",
                f"{declared.quantity_issued} declared, {actual.issued} written",
            )

    def count(self, where: str, declared: int, actual: int) -> None:
        if declared != actual:
            self._add(where, f"{declared} declared, {actual} written")

    def _add(self, where: str, message: str) -> None:
        self.problems.append(FieldProblem(where, "totals_mismatch", message))

    def raise_if_any(self) -> None:
        if self.problems:
            first = self.problems[0]
            more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
            raise TotalsMismatch(
                "the rows streamed disagree with the totals declared before them; the file written is "
                f"wrong and must be discarded: {first.field}: {first.message}{more}",
                problems=self.problems,
            )
