"""The bank part's public contract: the events it publishes through the outbox (docs/events.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, ClassVar

from genius.kernel.messages import Event


@dataclass(frozen=True)
class BankStatementImported(Event):
    """A bank statement was imported; its lines not seen before were stored."""

    event_type: ClassVar[str] = "accounting.bank_statement.imported"
    schema_version: ClassVar[int] = 1

    statement_id: Annotated[str, "Id of the stored statement"]
    account_iban: Annotated[str, "IBAN of the company's bank account"]
    currency: Annotated[str, "Currency of the account (ISO 4217)"]
    statement_ref: Annotated[str, "The bank's statement reference (MT940 :20:, CAMT Stmt/Id)"]
    closing_date: Annotated[date, "Date of the closing balance"]
    closing_balance: Annotated[Decimal, "Closing booked balance, signed"]
    new_lines: Annotated[int, "Lines stored by this import"]
    duplicate_lines: Annotated[int, "Lines already imported before, skipped"]


@dataclass(frozen=True)
class BankLineReconciled(Event):
    """A bank line was reconciled with open invoices (automatically or confirmed by a person)."""

    event_type: ClassVar[str] = "accounting.bank_line.reconciled"
    schema_version: ClassVar[int] = 1

    line_id: Annotated[str, "Id of the bank line"]
    statement_id: Annotated[str, "Id of its statement"]
    booking_date: Annotated[date, "Booking date of the line"]
    amount: Annotated[Decimal, "Amount of the line, signed (credits positive)"]
    currency: Annotated[str, "Currency (ISO 4217)"]
    method: Annotated[str, "auto (the match worker) or manual (a person confirmed a candidate)"]
    partner_id: Annotated[str | None, "Partner whose invoices it settles"]
    items: Annotated[
        list[dict[str, str]], "Each settled invoice: item_id, number, kind (receivable/payable), amount"
    ]
    entry_id: Annotated[
        str | None, "Ledger entry posting it (512x = 4111 or 401 = 512x); null when not posted"
    ]


@dataclass(frozen=True)
class BankLineCancelled(Event):
    """A person cancelled what a bank line was (reconciled, fee, posted or transfer): its entry is
    reversed in red storno, the invoices it settled are open again and the line waits to be decided
    again (status reopened)."""

    event_type: ClassVar[str] = "accounting.bank_line.cancelled"
    schema_version: ClassVar[int] = 1

    line_id: Annotated[str, "Id of the bank line"]
    statement_id: Annotated[str, "Id of its statement"]
    booking_date: Annotated[date, "Booking date of the line"]
    amount: Annotated[Decimal, "Amount of the line, signed (credits positive)"]
    currency: Annotated[str, "Currency (ISO 4217)"]
    was: Annotated[str, "What the line was: reconciled, fee, posted or transfer"]
    on: Annotated[date, "Cancellation day: the date of the storno entry"]
    reason: Annotated[str, "Why it was cancelled"]
    items: Annotated[
        list[dict[str, str]], "Each invoice given back: item_id, number, amount, open_amount (afterwards)"
    ]
    entry_id: Annotated[str | None, "The entry that was reversed; null when the line had none"]
    reversal_entry_id: Annotated[str | None, "The red-storno entry; null when the line had no entry"]
    cancelled_by: Annotated[str | None, "User who cancelled it"]
