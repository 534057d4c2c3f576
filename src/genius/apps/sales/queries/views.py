"""The typed views the sales read side answers with (pages of them for lists)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from genius.apps.sales.domain.addresses import PostalAddress
from genius.apps.sales.domain.company import CompanyProfile
from genius.apps.sales.domain.submissions import Submission

T = TypeVar("T")
MAX_LIMIT = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class CompanyView:
    profile: CompanyProfile
    version: int


@dataclass(frozen=True)
class PartnerView:
    id: str
    kind: str
    name: str
    cui: str | None
    vat_payer: bool
    vat_id: str | None
    trade_register: str | None
    cnp_masked: str | None
    tax_id: str | None
    address: PostalAddress
    iban: str | None
    bank_name: str | None
    bic: str | None
    email: str | None
    phone: str | None
    payment_term_days: int | None
    version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ProductView:
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


@dataclass(frozen=True)
class SeriesView:
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


@dataclass(frozen=True)
class InvoiceSummary:
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


@dataclass(frozen=True)
class InvoiceView:
    summary: InvoiceSummary
    series_id: str | None
    corrects_invoice_id: str | None
    tax_point_date: date | None
    exchange_rate: Decimal | None
    vat_total_ron: Decimal
    buyer_kind: str
    buyer_vat_id: str | None
    draft: Any
    document: Any
    xml_sha256: str | None
    version: int
    created_by: str | None
    issued_by: str | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    submissions: list[Submission]
