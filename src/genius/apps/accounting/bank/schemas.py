"""HTTP shapes of the bank API (pydantic): request bodies and what the reads return."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field


class MatchBody(BaseModel):
    statement_id: str | None = Field(None, description="Only this statement's lines")
    line_ids: list[str] = Field(default_factory=list, description="Only these lines")
    threshold: float | None = Field(None, description="Confidence from which a match is applied (0.5 to 1)")


class ConfirmItem(BaseModel):
    item_id: str = Field(description="Id of the open invoice (see /open-items or a candidate)")
    amount: Decimal | None = Field(None, description="How much of the line it takes; default what is open")


class ConfirmBody(BaseModel):
    candidate_id: str | None = Field(None, description="One of GET .../candidates")
    items: list[ConfirmItem] = Field(default_factory=list, description="Or the invoices the line settles")


class PostBody(BaseModel):
    account: str = Field(description="The counter-account (421, 4423, 766, 581, 5311, an analytic ...)")
    partner_id: str | None = Field(None, description="The partner of the counter-account line, if any")
    description: str | None = Field(None, description="The entry's text; default the line's details")


class CancelBody(BaseModel):
    """Cancel what a line was (reconciled, fee, posted, transfer): a red storno dated ``on``."""

    on: date = Field(
        description="The cancellation day: the storno entry's date, on or after the booking date"
    )
    reason: str = Field(description="Why it is cancelled (kept in the line's note and the audit trail)")


class StatementOut(BaseModel):
    id: str
    account_iban: str
    currency: str
    format: str
    bank: str | None
    statement_ref: str
    sequence: str | None
    opening_balance: Decimal
    opening_date: date
    closing_balance: Decimal
    closing_date: date
    file_name: str | None
    line_count: int
    new_lines: int
    duplicate_lines: int
    warnings: list[str]
    imported_at: datetime
    imported_by: str | None


class LineOut(BaseModel):
    id: str
    statement_id: str
    account_iban: str
    position: int
    booking_date: date
    value_date: date
    amount: Decimal
    currency: str
    counterparty_name: str | None
    counterparty_iban: str | None
    counterparty_cui: str | None
    remittance: str
    bank_reference: str | None
    end_to_end_id: str | None
    transaction_code: str | None
    reversal: bool
    status: str
    applied_amount: Decimal
    note: str | None


class OpenItemOut(BaseModel):
    id: str
    kind: str
    number: str
    partner_id: str | None
    partner_name: str
    partner_cui: str | None
    currency: str
    total: Decimal
    open_amount: Decimal
    issue_date: date
    due_date: date | None
    status: str


class AllocationOut(BaseModel):
    item_id: str
    amount: Decimal
    invoice: OpenItemOut | None


class CandidateOut(BaseModel):
    id: str
    rank: int
    confidence: float
    partner_id: str | None
    reasons: list[str]
    allocations: list[AllocationOut]


class ReconciliationOut(BaseModel):
    id: str
    item_id: str
    number: str | None
    amount: Decimal
    method: str
    confidence: float | None
    entry_id: str | None
    posting: str
    posting_note: str | None
    booked_amount: Decimal | None = None  # lei of the invoice cleared (a currency line, at its own rate)
    created_at: datetime
    created_by: str | None
