"""Pydantic models of the sales API: request bodies (``...In``) and answers (``...Out``).

Request models only bound sizes and types; the domain checks meanings (CUI check digits, county
codes, unit codes...) and names the field. Drafts are the e-Factura JSON form
(docs/efactura-json.md) plus the server-side references listed in ``DRAFT_DESCRIPTION``; they
pass through as JSON objects, so the engine reports every problem with its exact path.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from genius.apps.sales.domain.addresses import AddressInput, PostalAddress
from genius.apps.sales.domain.company import CompanyInput
from genius.apps.sales.domain.partners import PartnerInput
from genius.apps.sales.domain.products import ProductInput
from genius.apps.sales.domain.series import SeriesInput
from genius.apps.sales.domain.submissions import Submission
from genius.apps.sales.handlers.issuing import IssuedDocument
from genius.apps.sales.queries import (
    CompanyView,
    InvoiceSummary,
    InvoiceView,
    PartnerView,
    ProductView,
    SeriesView,
)

Text = Annotated[str | None, Field(default=None, max_length=500)]
Short = Annotated[str | None, Field(default=None, max_length=100)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AddressIn(_In):
    street: Text
    additional_street: Text
    city: Short
    postal_code: Short
    county: Short = Field(
        default=None, description="ISO 3166-2:RO code in Romania (RO-CJ, RO-B); region abroad"
    )
    country_code: Short = Field(default=None, description="ISO 3166-1 alpha-2 (RO, DE, ...)")

    def to_domain(self) -> AddressInput:
        return AddressInput(**self.model_dump())


class AddressOut(BaseModel):
    street: str
    additional_street: str | None
    city: str
    postal_code: str | None
    county: str | None
    country_code: str

    @classmethod
    def of(cls, address: PostalAddress) -> AddressOut:
        return cls(
            street=address.street,
            additional_street=address.additional_street,
            city=address.city,
            postal_code=address.postal_code,
            county=address.county,
            country_code=address.country_code,
        )


# -- company -----------------------------------------------------------------------------------
class CompanyIn(_In):
    """The seller on every invoice; the CUI must be the tenant's own."""

    name: Text
    cui: Short = Field(default=None, description="CUI, with RO in front for a VAT payer")
    vat_payer: bool | None = Field(default=None, description="Default: true when the CUI has the RO prefix")
    trade_register: Short = Field(default=None, description="J40/1234/2020 or J2012000750528")
    address: AddressIn | None = None
    iban: Short
    bank_name: Text
    bic: Short
    email: Short
    phone: Short
    share_capital: Short = Field(default=None, description="In RON, as a decimal string")
    vat_on_collection: bool = Field(
        default=False, description="TVA la încasare: the mention goes on every invoice"
    )
    payment_term_days: int | None = Field(
        default=None, description="Default due date: issue date + these days (30)"
    )

    def to_domain(self) -> CompanyInput:
        data = self.model_dump(exclude={"address"})
        return CompanyInput(address=self.address.to_domain() if self.address else None, **data)


class CompanyOut(BaseModel):
    name: str
    cui: str
    vat_payer: bool
    vat_id: str | None
    trade_register: str | None
    address: AddressOut
    iban: str | None
    bank_name: str | None
    bic: str | None
    email: str | None
    phone: str | None
    share_capital: Decimal | None
    vat_on_collection: bool
    payment_term_days: int
    version: int

    @classmethod
    def of(cls, view: CompanyView) -> CompanyOut:
        p = view.profile
        return cls(
            name=p.name,
            cui=p.cui,
            vat_payer=p.vat_payer,
            vat_id=p.vat_id,
            trade_register=p.trade_register,
            address=AddressOut.of(p.address),
            iban=p.iban,
            bank_name=p.bank_name,
            bic=p.bic,
            email=p.email,
            phone=p.phone,
            share_capital=p.share_capital,
            vat_on_collection=p.vat_on_collection,
            payment_term_days=p.payment_term_days,
            version=view.version,
        )


# -- partners ----------------------------------------------------------------------------------
class PartnerIn(_In):
    """A customer. ``kind``: company (Romanian, by CUI), individual (optional CNP), foreign."""

    kind: str = Field(max_length=20, description="company, individual or foreign")
    name: Text
    cui: Short = Field(default=None, description="Romanian company: CUI, RO in front for a VAT payer")
    vat_payer: bool | None = None
    trade_register: Short = Field(default=None, description="J40/1234/2020 or the 2024 format")
    cnp: Short = Field(
        default=None, description="Individual: CNP (stored encrypted; lists show the last 4 digits)"
    )
    vat_id: Short = Field(default=None, description="Foreign EU partner: VAT number (DE136695976)")
    tax_id: Short = Field(default=None, description="Foreign non-EU partner: its tax identifier")
    address: AddressIn | None = None
    iban: Short
    bank_name: Text
    bic: Short
    email: Short
    phone: Short
    payment_term_days: int | None = None
    version: int | None = Field(
        default=None, description="On update: the version you read (refused if stale)"
    )

    def to_domain(self) -> PartnerInput:
        data = self.model_dump(exclude={"address", "version"})
        return PartnerInput(address=self.address.to_domain() if self.address else None, **data)


class PartnerOut(BaseModel):
    id: str
    kind: str
    name: str
    cui: str | None
    vat_payer: bool
    vat_id: str | None
    trade_register: str | None
    cnp_masked: str | None = Field(description="Only the last 4 digits of the CNP")
    tax_id: str | None
    address: AddressOut
    iban: str | None
    bank_name: str | None
    bic: str | None
    email: str | None
    phone: str | None
    payment_term_days: int | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: PartnerView) -> PartnerOut:
        data = {k: getattr(view, k) for k in cls.model_fields if k != "address"}
        return cls(address=AddressOut.of(view.address), **data)


class PartnerPage(BaseModel):
    items: list[PartnerOut]
    total: int
    limit: int
    offset: int


# -- products ----------------------------------------------------------------------------------
class ProductIn(_In):
    code: Short
    name: Text
    kind: str = Field(default="goods", max_length=10, description="goods or service")
    unit_code: Short = Field(default=None, description="UN/ECE Rec 20: H87 piece, C62 one, KGM, HUR, MON ...")
    vat_category: Short = Field(default=None, description="S, E, AE, K, G or O")
    vat_rate_kind: Short = Field(
        default=None, description="For S: standard, reduced, reduced_low, housing_transitional"
    )
    vatex_code: Short = Field(
        default=None, description="VATEX exemption code (required for E unless a reason is given)"
    )
    exemption_reason: Text
    description: Text
    cpv_code: Short = Field(default=None, description="CPV, 72000000-5")
    nc_code: Short = Field(default=None, description="Combined Nomenclature, 8 digits (goods)")
    price: Short = Field(default=None, description="Net unit price as a decimal string")
    currency: str = Field(default="RON", max_length=3)
    version: int | None = Field(default=None, description="On update: the version you read")

    def to_domain(self) -> ProductInput:
        return ProductInput(**self.model_dump(exclude={"version"}))


class ProductOut(BaseModel):
    id: str
    code: str
    name: str
    kind: str
    description: str | None
    unit_code: str
    vat_category: str
    vat_rate_kind: str | None
    vatex_code: str | None
    exemption_reason: str | None
    cpv_code: str | None
    nc_code: str | None
    price: Decimal | None
    currency: str
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: ProductView) -> ProductOut:
        return cls(**{k: getattr(view, k) for k in cls.model_fields})


class ProductPage(BaseModel):
    items: list[ProductOut]
    total: int
    limit: int
    offset: int


# -- series ------------------------------------------------------------------------------------
class SeriesIn(_In):
    prefix: Short = Field(default=None, description="GEN- gives GEN-2026-0001 (yearly) or GEN-0001 (never)")
    document_kind: str = Field(default="invoice", max_length=20, description="invoice or credit_note")
    reset: str = Field(default="yearly", max_length=10, description="yearly or never")
    width: int = Field(default=4, description="Digits of the number, zero-padded")
    next_number: int = Field(default=1, description="Where the counter starts (continuing a paper series)")
    is_default: bool = Field(
        default=False, description="The series drafts of this kind use unless they name one"
    )
    description: Text

    def to_domain(self) -> SeriesInput:
        return SeriesInput(**self.model_dump())


class SeriesOut(BaseModel):
    id: str
    prefix: str
    document_kind: str
    reset: str
    width: int
    next_number: int
    year: int | None
    last_issue_date: date | None
    is_default: bool
    description: str | None
    created_at: datetime

    @classmethod
    def of(cls, view: SeriesView) -> SeriesOut:
        return cls(**{k: getattr(view, k) for k in cls.model_fields})


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


class CancelIn(_In):
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


class IssueBatchIn(_In):
    documents: list[dict[str, Any]] = Field(
        min_length=1, max_length=100, description="Drafts in the e-Factura JSON form, issued in this order"
    )


class IssuedBatchOut(BaseModel):
    issued: list[IssuedOut]
