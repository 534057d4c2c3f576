"""The cash register's public contract: the events it publishes through the outbox (docs/events.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, ClassVar

from genius.kernel.messages import Event


@dataclass(frozen=True)
class CashSettlementRecorded(Event):
    """An invoice was settled (in full or in part) through the cash register: a receipt or a payment."""

    event_type: ClassVar[str] = "accounting.cash_settlement.recorded"
    schema_version: ClassVar[int] = 1

    operation_id: Annotated[str, "Id of the cash operation"]
    register: Annotated[str, "Cash account of the register (5311 or an analytic of it)"]
    number: Annotated[str, "Number of the cash document (chitanță / dispoziție de plată)"]
    kind: Annotated[str, "receipt (a customer paid a sales invoice) or payment (a supplier invoice paid)"]
    on: Annotated[date, "Date of the operation"]
    amount: Annotated[Decimal, "Amount settled, in lei"]
    currency: Annotated[str, "Currency of the amount (always RON: the register keeps lei)"]
    document_type: Annotated[str, "sales_invoice or supplier_invoice"]
    document_id: Annotated[str, "Id of the invoice settled"]
    document_number: Annotated[str, "Number of the invoice settled"]
    partner_id: Annotated[str | None, "Partner whose invoice it settles"]
    entry_id: Annotated[str, "Ledger entry posting it (5311 = 4111 or 401 = 5311)"]
    open_amount: Annotated[
        Decimal | None, "What is still open of the invoice afterwards; null while its open item is not known"
    ]


@dataclass(frozen=True)
class CashSettlementCancelled(Event):
    """A cash receipt or payment was cancelled: its entry reversed in red storno, the invoice open again."""

    event_type: ClassVar[str] = "accounting.cash_settlement.cancelled"
    schema_version: ClassVar[int] = 1

    operation_id: Annotated[str, "Id of the cash operation cancelled"]
    register: Annotated[str, "Cash account of the register (5311 or an analytic of it)"]
    number: Annotated[str, "Number of the cash document cancelled"]
    kind: Annotated[str, "receipt or payment"]
    operation_date: Annotated[date, "Date of the operation cancelled"]
    on: Annotated[date, "Date of the cancellation (of its storno entry)"]
    amount: Annotated[Decimal, "Amount no longer settled, in lei"]
    currency: Annotated[str, "Currency of the amount (always RON: the register keeps lei)"]
    document_type: Annotated[str, "sales_invoice or supplier_invoice"]
    document_id: Annotated[str, "Id of the invoice the operation settled"]
    document_number: Annotated[str, "Number of that invoice"]
    partner_id: Annotated[str | None, "Partner whose invoice it settled"]
    entry_id: Annotated[str, "Ledger entry of the operation (now reversed)"]
    reversal_entry_id: Annotated[str, "Red-storno entry reversing it, dated on the cancellation date"]
    reason: Annotated[str, "Why it was cancelled"]
    cancelled_by: Annotated[str | None, "User who cancelled it; null for the system"]
    open_amount: Annotated[
        Decimal | None, "What is open of the invoice afterwards; null while its open item is not known"
    ]
