"""Pydantic models of the sales master data: company profile, partners, products, series."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from genius.apps.sales.domain.addresses import AddressInput, PostalAddress
from genius.apps.sales.domain.company import CompanyInput
from genius.apps.sales.domain.partners import PartnerInput
from genius.apps.sales.domain.products import ProductInput
from genius.apps.sales.domain.series import SeriesInput
from genius.apps.sales.queries import CompanyView, PartnerView, ProductView, SeriesView

Text = Annotated[str | None, Field(default=None, max_length=500)]
Short = Annotated[str | None, Field(default=None, max_length=100)]


class InBody(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AddressIn(InBody):
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
class CompanyIn(InBody):
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
class PartnerIn(InBody):
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
class ProductIn(InBody):
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
class SeriesIn(InBody):
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
