"""GeneralLedgerEntries: journals -> transactions -> lines, and the totals declared before them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from genius.fiscal.ro.saft.model.common import ZERO, Amount, Analysis, Side, TaxInformation


@dataclass(frozen=True, slots=True)
class SectionTotals:
    """NumberOfEntries / TotalDebit / TotalCredit of a section, known before its rows.

    The XSD puts them ahead of the entries, so a streaming writer cannot sum as it goes: the
    caller computes them with an aggregate query over the same rows (see docs/saft-d406.md) and
    the writer checks them against what it streamed, raising ``TotalsMismatch`` at the end.

    GeneralLedgerEntries: number of transactions; sums of the lei ``Amount`` of debit lines and
    of credit lines (storno lines count with their sign). SalesInvoices / PurchaseInvoices:
    number of invoices; sums of ``InvoiceLineAmount`` by DebitCreditIndicator D / C.
    Payments: number of payments; sums of ``PaymentLineAmount`` by indicator D / C.
    """

    number_of_entries: int
    total_debit: Decimal = ZERO
    total_credit: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class TransactionLine:
    """One line: an account, a side, an amount and at least one TaxInformation.

    CustomerID and SupplierID are both required: the partner on a receivable/payable line, the
    reporting company's own ``00``+CUI on every other line (see ``Company.own_partner_id``).
    """

    record_id: str
    account_id: str
    customer_id: str
    supplier_id: str
    description: str
    side: Side
    amount: Amount
    tax: tuple[TaxInformation, ...]
    analysis: tuple[Analysis, ...] = ()
    value_date: date | None = None
    source_document_id: str | None = None


@dataclass(frozen=True, slots=True)
class Transaction:
    """An accounting document (notă contabilă); ``lines`` may be any iterable, read once."""

    transaction_id: str
    period: int
    period_year: int
    transaction_date: date
    description: str
    system_entry_date: date
    gl_posting_date: date
    customer_id: str
    supplier_id: str
    lines: Iterable[TransactionLine]
    source_id: str | None = None
    transaction_type: str | None = None
    batch_id: str | None = None
    system_id: str | None = None


@dataclass(frozen=True, slots=True)
class Journal:
    """A journal (``Type`` is a free code of at most 9 characters) and its transactions, read once."""

    journal_id: str
    description: str
    journal_type: str
    transactions: Iterable[Transaction]


@dataclass(frozen=True)
class GeneralLedgerEntries:
    totals: SectionTotals
    journals: Iterable[Journal] = ()
