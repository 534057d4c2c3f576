"""What a parsed bank statement is, whatever the file format: statements, balances and lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class StatementFormat(StrEnum):
    MT940 = "mt940"  # SWIFT MT940 customer statement (text)
    CAMT053 = "camt053"  # ISO 20022 BankToCustomerStatement (XML), versions 001.02 to 001.08


@dataclass(frozen=True)
class Balance:
    """A booked balance on a date; ``amount`` is signed (negative when the account is overdrawn)."""

    amount: Decimal
    currency: str
    date: date


@dataclass(frozen=True)
class StatementLine:
    """One booked movement. ``amount`` is signed: credits (money in) positive, debits negative.

    ``counterparty_*`` describe the other party: the payer of a credit, the payee of a debit.
    ``bank_reference`` is the bank's own reference (MT940 ``//`` part of :61:, CAMT AcctSvcrRef);
    ``reversal`` marks an MT940 RC/RD entry or a CAMT RvslInd: the amount's sign already says
    which way the money went.
    """

    booking_date: date
    value_date: date
    amount: Decimal
    currency: str
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    counterparty_cui: str | None = None
    remittance_info: str = ""
    bank_reference: str | None = None
    end_to_end_id: str | None = None
    customer_reference: str | None = None
    transaction_code: str | None = None
    reversal: bool = False
    details: str = ""
    source_line: int | None = None

    @property
    def is_credit(self) -> bool:
        return self.amount > 0


@dataclass(frozen=True)
class BankStatement:
    """One statement of one account: its balances and the lines between them.

    ``bank`` is the Romanian bank recognised from the account's IBAN (``bcr``, ``brd``, ``bt``,
    ``ing``, ``raiffeisen``, ...) or None. ``statement_id`` is MT940 :20: / CAMT Stmt/Id.
    """

    format: StatementFormat
    account_iban: str
    currency: str
    statement_id: str
    opening: Balance
    closing: Balance
    lines: tuple[StatementLine, ...] = ()
    sequence: str | None = None
    bank: str | None = None
    information: str = ""

    @property
    def date(self) -> date:
        """The statement's date: the date of its closing balance."""
        return self.closing.date

    @property
    def movements(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


@dataclass(frozen=True)
class StatementFile:
    """Everything one uploaded file holds (MT940 files often carry several statements)."""

    format: StatementFormat
    statements: tuple[BankStatement, ...] = field(default_factory=tuple)
