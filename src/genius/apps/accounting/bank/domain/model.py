"""The matcher's inputs and outputs: open items, bank line facts, candidates and allocations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class ItemKind(StrEnum):
    RECEIVABLE = "receivable"  # a customer invoice (sales.invoice.issued): settled by a credit line
    PAYABLE = "payable"  # a supplier invoice (procurement.supplier_invoice.received): a debit line


@dataclass(frozen=True)
class OpenItem:
    """An invoice still (partly) unpaid, as the bank part's read model knows it."""

    id: str
    kind: ItemKind
    number: str
    currency: str
    total: Decimal
    open_amount: Decimal
    issue_date: date
    partner_id: str | None = None
    partner_name: str = ""
    partner_cui: str | None = None
    partner_ibans: frozenset[str] = frozenset()
    due_date: date | None = None


@dataclass(frozen=True)
class LineFacts:
    """What the matcher reads of a bank line (amount signed: credits positive)."""

    id: str
    amount: Decimal
    currency: str
    booking_date: date
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    counterparty_cui: str | None = None
    remittance: str = ""
    end_to_end_id: str | None = None

    @property
    def kind(self) -> ItemKind:
        return ItemKind.RECEIVABLE if self.amount > 0 else ItemKind.PAYABLE


@dataclass(frozen=True)
class Allocation:
    """How much of a line settles one open item."""

    item_id: str
    amount: Decimal


@dataclass(frozen=True)
class Candidate:
    """One way to read a line: the items it settles, how sure the matcher is (0..1), and why."""

    allocations: tuple[Allocation, ...]
    confidence: float
    reasons: tuple[str, ...] = ()
    partner_id: str | None = None

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(a.item_id for a in self.allocations)

    @property
    def applied(self) -> Decimal:
        return sum((a.amount for a in self.allocations), Decimal(0))


@dataclass(frozen=True)
class Decision:
    """The matcher's answer for one line: its candidates best first, and the one to apply, if any."""

    line_id: str
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)
    auto: Candidate | None = None
