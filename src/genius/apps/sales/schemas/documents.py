"""Pydantic models of sales documents: drafts (as JSON), invoices, issues, batches, cancels."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from genius.apps.sales.domain.submissions import Submission
from genius.apps.sales.handlers.issuing import IssuedDocument
from genius.apps.sales.queries import InvoiceSummary, InvoiceView
from genius.apps.sales.schemas.master import InBody, Text

# -- invoices ----------------------------------------------------------------------------------
DRAFT_DESCRIPTION = (
    "A draft in the e-Factura JSON form (docs/efactura-json.md), without `number` and `seller`"
    ' (the company profile). Server-side references: `series_id`; `buyer: {"partner_id": ...}`'
    " (other buyer keys override); lines with `product_id` and only `id` and `quantity`; items with"
    " `vat_rate_kind` instead of `vat_rate` (the rate of the tax point); `issue_date` optional (the"
    " issuing day). Credit notes: `corrects_invoice_id` (BG-3, buyer, currency and rates follow it;"
    " without `lines` nothing is assumed: give the credited lines)."
)
DRAFT_EXAMPLE: dict[str, Any] = {
    "currency": "RON",
    "buyer": {"partner_id": "01936f8e-0000-7000-8000-000000000001"},
    "payment_terms": "Plata in 30 de zile",
    "lines": [
        {"id": "1", "product_id": "01936f8e-0000-7000-8000-000000000002", "quantity": "10"},
        {
            "id": "2",
            "quantity": "2.5",
            "unit_code": "HUR",
            "price": {"net_price": "180.00"},
            "item": {"name": "Instruire utilizatori", "vat_category": "S", "vat_rate_kind": "standard"},
        },
    ],
}


class CancelIn(InBody):
    reason: Text = Field(default=None, description="Why (kept with the document and in the audit trail)")


class SubmissionOut(BaseModel):
    attempt: int
    state: str
    b2c: bool
    upload_index: str | None
    download_id: str | None
    messages: list[str]
    created_at: datetime
    updated_at: datetime
    uploaded_at: datetime | None
    finished_at: datetime | None
    last_error: str | None

    @classmethod
    def of(cls, s: Submission) -> SubmissionOut:
        data = {k: getattr(s, k) for k in cls.model_fields if k != "messages"}
        return cls(messages=list(s.messages), **data)


class InvoiceSummaryOut(BaseModel):
    id: str
    document_type: str
    status: str
    number: str | None
    issue_date: date | None
    due_date: date | None
    partner_id: str | None
    buyer_name: str
    currency: str
    tax_exclusive_amount: Decimal
    vat_total: Decimal
    payable_amount: Decimal
    created_at: datetime
    issued_at: datetime | None

    @classmethod
    def of(cls, s: InvoiceSummary) -> InvoiceSummaryOut:
        return cls(**{k: getattr(s, k) for k in cls.model_fields})


class InvoicePage(BaseModel):
    items: list[InvoiceSummaryOut]
    total: int
    limit: int
    offset: int


class InvoiceOut(InvoiceSummaryOut):
    series_id: str | None
    corrects_invoice_id: str | None
    tax_point_date: date | None
    exchange_rate: Decimal | None
    vat_total_ron: Decimal
    buyer_kind: str
    buyer_vat_id: str | None
    draft: Any = Field(description="The draft as sent (with its references)")
    document: Any = Field(
        description="Once issued: the complete computed document in the e-Factura JSON form"
    )
    xml_sha256: str | None
    version: int
    created_by: str | None
    issued_by: str | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    submissions: list[SubmissionOut] = Field(description="e-Factura submission attempts (ANAF SPV)")

    @classmethod
    def of_view(cls, v: InvoiceView) -> InvoiceOut:
        summary = {k: getattr(v.summary, k) for k in InvoiceSummaryOut.model_fields}
        rest = {
            k: getattr(v, k)
            for k in cls.model_fields
            if k not in InvoiceSummaryOut.model_fields and k != "submissions"
        }
        return cls(submissions=[SubmissionOut.of(s) for s in v.submissions], **summary, **rest)


class IssuedOut(BaseModel):
    """The issued document: its number, and the hash of the UBL stored with it."""

    id: str
    document_type: str
    status: str = "issued"
    number: str
    issue_date: date
    currency: str
    payable_amount: Decimal
    xml_sha256: str
    event_id: str = Field(description="Id of the sales.invoice.issued / sales.credit_note.issued event")

    @classmethod
    def of(cls, issued: IssuedDocument) -> IssuedOut:
        return cls(
            id=issued.invoice_id,
            document_type=issued.document_type.value,
            number=issued.number,
            issue_date=issued.issue_date,
            currency=issued.currency,
            payable_amount=issued.payable_amount,
            xml_sha256=issued.xml_sha256,
            event_id=issued.event_id,
        )


class IssueBatchIn(InBody):
    documents: list[dict[str, Any]] = Field(
        min_length=1, max_length=100, description="Drafts in the e-Factura JSON form, issued in this order"
    )


class IssuedBatchOut(BaseModel):
    issued: list[IssuedOut]
