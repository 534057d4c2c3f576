"""Journal entries and their lines: the balance rule, red storno, reversals (pure).

Rules, each refused with a message naming the entry and the line:

* an entry has at least two lines and balances: sum(debit) = sum(credit), to the ban;
* a line carries a debit or a credit, never both, never neither;
* amounts are non-negative, except on a **storno** entry: Romanian practice corrects an entry
  "în roșu" (in red) by repeating it with negative amounts, which keeps turnovers clean
  (RO-ACCOUNTING.md §2, credit notes). Negative amounts are therefore allowed only when the
  entry is flagged ``storno``; the database refuses them on any other entry too;
* a posted entry never changes: a correction is a reversal, a new storno entry that repeats
  the original's lines with negated amounts (``reversal_of``).

Amounts are ``Decimal`` in lei with two decimals here; the tables keep them as integer bani.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from genius.apps.accounting.domain.errors import UnbalancedEntry, UnknownAccount
from genius.kernel.errors import FieldProblem, ProblemCollector, ValidationError
from genius.kernel.money import CENT

ZERO = Decimal("0.00")
MAX_LINES = 10_000
MAX_DESCRIPTION = 500
MAX_DIMENSION = 50  # cost centre / project codes


class JournalKind(StrEnum):
    SALES = "sales"
    PURCHASES = "purchases"
    BANK = "bank"
    CASH = "cash"
    GENERAL = "general"


# The journals every tenant starts with: code -> (kind, Romanian name).
DEFAULT_JOURNALS: dict[str, tuple[JournalKind, str]] = {
    "VZ": (JournalKind.SALES, "Jurnal de vânzări"),
    "CP": (JournalKind.PURCHASES, "Jurnal de cumpărări"),
    "BA": (JournalKind.BANK, "Registru de bancă"),
    "CS": (JournalKind.CASH, "Registru de casă"),
    "NC": (JournalKind.GENERAL, "Note contabile (manuale)"),
}


class EntryStatus(StrEnum):
    DRAFT = "draft"
    POSTED = "posted"


@dataclass(frozen=True)
class SourceDocument:
    """What an entry records: the document type, its id and number, and which posting of it.

    ``role`` separates several postings of one document (``issue``, ``cancel``): the ledger holds
    at most one entry per (type, id, role).
    """

    type: str
    id: str
    number: str
    role: str = "issue"


@dataclass(frozen=True)
class VatTag:
    """Marks a line as a VAT journal and D300 figure: the treatment and whether it is base or tax."""

    treatment: str  # a VatTreatment value (domain.vat)
    rate: Decimal | None
    role: str  # "base" or "tax"


@dataclass(frozen=True)
class Line:
    """One line: an account, one side's amount in lei, and who/what it concerns."""

    account: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    partner_id: str | None = None
    description: str = ""
    currency: str = "RON"
    currency_amount: Decimal | None = None  # in ``currency``, signed like the lei amount
    exchange_rate: Decimal | None = None  # lei per unit of ``currency``
    cost_centre: str | None = None
    project: str | None = None
    vat: VatTag | None = None
    due_date: date | None = None  # receivables/payables: for the ageing report

    @property
    def amount(self) -> Decimal:
        """The lei amount on whichever side it is."""
        return self.debit if self.debit != 0 else self.credit

    def negated(self) -> Line:
        return replace(
            self,
            debit=-self.debit,
            credit=-self.credit,
            currency_amount=-self.currency_amount if self.currency_amount is not None else None,
        )


@dataclass(frozen=True)
class EntryDraft:
    """An entry as proposed, before it has a number."""

    journal: str
    entry_date: date
    description: str
    lines: tuple[Line, ...]
    storno: bool = False
    source: SourceDocument | None = None
    reverses: str | None = None  # id of the entry this one reverses

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)


@dataclass(frozen=True)
class Entry:
    """An entry as stored: a draft (manual, waiting for approval) or posted (immutable)."""

    id: str
    journal: str
    number: str | None
    entry_date: date
    description: str
    status: EntryStatus
    storno: bool
    lines: tuple[Line, ...]
    created_by: str | None
    approved_by: str | None = None
    source: SourceDocument | None = None
    reverses: str | None = None
    reversed_by: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"entry {self.number or self.id}"

    @property
    def total(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)


def to_amount(value: object, field_path: str) -> Decimal:
    """A lei amount with at most two decimals; names the field otherwise."""
    if isinstance(value, bool | float):
        raise ValidationError.for_field(field_path, "give the amount as a string or a decimal, not a float")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError.for_field(field_path, f"{value!r} is not an amount") from None
    if not amount.is_finite():
        raise ValidationError.for_field(field_path, f"{value!r} is not a finite amount")
    if amount != amount.quantize(CENT):
        raise ValidationError.for_field(field_path, f"{value} has more than two decimals (bani)")
    return amount.quantize(CENT)


def validate(
    draft: EntryDraft, account_problem: Callable[[str], str | None], *, label: str = "the entry"
) -> EntryDraft:
    """Check every rule of the module docstring; raise naming the entry, line and account.

    ``account_problem(code)`` says why a line may not use an account (unknown, not postable), or
    returns None.
    """
    problems = ProblemCollector()
    if not draft.journal:
        problems.add("journal", "required")
    if len(draft.description) > MAX_DESCRIPTION:
        problems.add("description", f"at most {MAX_DESCRIPTION} characters")
    if len(draft.lines) < 2:
        problems.add("lines", f"{label} needs at least two lines (a debit and a credit)")
    if len(draft.lines) > MAX_LINES:
        problems.add("lines", f"{label} has {len(draft.lines)} lines; at most {MAX_LINES}")
    unknown: list[FieldProblem] = []
    for index, line in enumerate(draft.lines):
        path = f"lines[{index}]"
        where = f"{label}, line {index + 1}"
        why = account_problem(line.account)
        if why is not None:
            unknown.append(FieldProblem(f"{path}.account", "unknown_account", f"{where}: {why}"))
        for side in ("debit", "credit"):
            amount = getattr(line, side)
            if amount != amount.quantize(CENT):
                problems.add(f"{path}.{side}", f"{where}: {amount} has more than two decimals")
            if amount < 0 and not draft.storno:
                problems.add(
                    f"{path}.{side}",
                    f"{where}: negative amount {amount} on account {line.account}; negative amounts "
                    "belong only to a storno (în roșu) entry",
                    "negative_amount",
                )
        if line.debit != 0 and line.credit != 0:
            problems.add(
                path, f"{where}: account {line.account} has both a debit and a credit; split it", "two_sides"
            )
        if line.debit == 0 and line.credit == 0:
            problems.add(path, f"{where}: account {line.account} has no amount", "no_amount")
        for dim in ("cost_centre", "project"):
            value = getattr(line, dim)
            if value is not None and not 0 < len(value) <= MAX_DIMENSION:
                problems.add(f"{path}.{dim}", f"{where}: 1 to {MAX_DIMENSION} characters")
        if (
            line.currency_amount is not None
            and line.currency == "RON"
            and line.currency_amount != line.amount
        ):
            problems.add(f"{path}.currency_amount", f"{where}: a RON line's currency amount is its amount")
    if unknown:
        first = unknown[0]
        more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
        raise UnknownAccount(f"{first.message}{more}", problems=unknown + problems.problems)
    problems.raise_if_any(f"{label} is refused")
    debit, credit = draft.total_debit, draft.total_credit
    if debit != credit:
        raise UnbalancedEntry(
            f"{label} is unbalanced: debit {debit} != credit {credit} (difference {debit - credit})",
            problems=[
                FieldProblem(
                    "lines",
                    "unbalanced_entry",
                    f"debit {debit} != credit {credit} (difference {debit - credit})",
                )
            ],
        )
    return draft


def reversal_of(entry: Entry, on: date, description: str | None = None) -> EntryDraft:
    """The red-storno entry that cancels ``entry``: same accounts and sides, negated amounts."""
    return EntryDraft(
        journal=entry.journal,
        entry_date=on,
        description=description
        or f"Stornare {entry.number or entry.id}: {entry.description}"[:MAX_DESCRIPTION],
        lines=tuple(line.negated() for line in entry.lines),
        storno=True,
        source=replace(entry.source, role=f"reverse:{entry.source.role}") if entry.source else None,
        reverses=entry.id,
    )


def in_black(lines: Sequence[Line]) -> tuple[Line, ...]:
    """The lines with sides swapped and amounts made positive (a credit note "în negru")."""
    return tuple(
        replace(
            line,
            debit=abs(line.credit),
            credit=abs(line.debit),
            currency_amount=abs(line.currency_amount) if line.currency_amount is not None else None,
        )
        for line in lines
    )
