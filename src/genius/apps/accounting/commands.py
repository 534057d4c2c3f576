"""Requests to change the ledger, each handled by one function in ``handlers``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from genius.apps.accounting.domain.entries import Line
from genius.apps.accounting.domain.periods import Period
from genius.kernel.messages import Command


@dataclass(frozen=True)
class CreateDraftEntry(Command):
    """A manual entry (notă contabilă) proposed by one user, to be approved by another."""

    journal: str
    entry_date: date
    description: str
    lines: tuple[Line, ...]
    storno: bool = False


@dataclass(frozen=True)
class ApproveEntry(Command):
    """Post a draft: its creator may not do it (segregation of duties)."""

    entry_id: str


@dataclass(frozen=True)
class ReverseEntry(Command):
    """Correct a posted entry by a red-storno reversal dated ``on``."""

    entry_id: str
    on: date
    description: str | None = None


@dataclass(frozen=True)
class DeleteDraft(Command):
    entry_id: str


@dataclass(frozen=True)
class ChangePeriod(Command):
    """Close, lock or reopen a month."""

    period: Period
    action: str  # close | lock | reopen


@dataclass(frozen=True)
class CloseVat(Command):
    """Month-end VAT closing: 4426/4427 into 4423 or 4424."""

    period: Period
