"""The whole invoice (EN 16931 semantic model), the root of the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from genius.fiscal.ro.efactura.model.codes import DocumentKind, InvoiceTypeCode
from genius.fiscal.ro.efactura.model.document import (
    Attachment,
    DocumentAllowanceCharge,
    DocumentTotals,
    Note,
    PaymentInstructions,
    Period,
    PrecedingInvoiceReference,
    VatBreakdown,
)
from genius.fiscal.ro.efactura.model.lines import InvoiceLine
from genius.fiscal.ro.efactura.model.parties import Delivery, Identifier, Party, Payee, TaxRepresentative


@dataclass(kw_only=True)
class Invoice:
    """The whole invoice (EN 16931 semantic model), sent as a UBL Invoice or CreditNote."""

    document_kind: DocumentKind = DocumentKind.INVOICE  # UBL root: Invoice or CreditNote
    specification_id: str | None = None  # BT-24 as read; the builder always writes CIUS-RO's
    business_process: str | None = None  # BT-23 (ProfileID)
    number: str  # BT-1
    issue_date: date  # BT-2
    type_code: str = InvoiceTypeCode.COMMERCIAL_INVOICE  # BT-3 (380, 381, 384, 389, 751, ...)
    currency: str  # BT-5 invoice currency (ISO 4217)
    vat_accounting_currency: str | None = None  # BT-6 (CIUS-RO: "RON" when BT-5 is not RON)
    # Not an EN 16931 term: RON per 1 unit of BT-5, the rate BT-111 is computed with (input only,
    # not written to the UBL; the parser leaves it None).
    vat_exchange_rate: Decimal | None = None
    tax_point_date: date | None = None  # BT-7 value added tax point date
    tax_point_date_code: str | None = None  # BT-8 (UNTDID 2005: 3, 35, 432), exclusive with BT-7
    due_date: date | None = None  # BT-9 payment due date
    buyer_reference: str | None = None  # BT-10
    project_reference: str | None = None  # BT-11
    contract_reference: str | None = None  # BT-12
    purchase_order_reference: str | None = None  # BT-13
    sales_order_reference: str | None = None  # BT-14
    receiving_advice_reference: str | None = None  # BT-15
    despatch_advice_reference: str | None = None  # BT-16
    tender_or_lot_reference: str | None = None  # BT-17
    invoiced_object_id: Identifier | None = None  # BT-18 (scheme BT-18-1)
    buyer_accounting_reference: str | None = None  # BT-19
    payment_terms: str | None = None  # BT-20
    notes: list[Note] = field(default_factory=list)  # BG-1
    preceding_invoices: list[PrecedingInvoiceReference] = field(default_factory=list)  # BG-3
    seller: Party  # BG-4
    buyer: Party  # BG-7
    payee: Payee | None = None  # BG-10
    tax_representative: TaxRepresentative | None = None  # BG-11
    delivery: Delivery | None = None  # BG-13
    invoicing_period: Period | None = None  # BG-14 (semantically inside BG-13)
    payment_instructions: list[PaymentInstructions] = field(default_factory=list)  # BG-16
    allowances: list[DocumentAllowanceCharge] = field(default_factory=list)  # BG-20
    charges: list[DocumentAllowanceCharge] = field(default_factory=list)  # BG-21
    totals: DocumentTotals = field(default_factory=DocumentTotals)  # BG-22
    vat_breakdown: list[VatBreakdown] = field(default_factory=list)  # BG-23 (computed if empty)
    attachments: list[Attachment] = field(default_factory=list)  # BG-24
    lines: list[InvoiceLine] = field(default_factory=list)  # BG-25 (at least one, BR-16)

    @property
    def is_credit_note(self) -> bool:
        return self.document_kind is DocumentKind.CREDIT_NOTE
