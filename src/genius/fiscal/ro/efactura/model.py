"""The EN 16931 semantic invoice as typed dataclasses (BT/BG numbers in every field's comment).

This is the whole European model, not a Romanian subset: every official CEN and ANAF example can
be read into it. The Romanian CIUS (CIUS-RO) narrows what is *allowed* (lengths, codes, addresses);
those checks live in compute/build, never here.

Conventions:
- Money, quantities, prices and rates are ``Decimal`` (never float). ``None`` means "not given".
- Dates are ``datetime.date``; the model never reads the clock.
- Optional amounts that EN 16931 can derive (line net, totals, VAT breakdown) may be left
  ``None`` in input; :func:`genius.fiscal.ro.efactura.compute.compute` fills them and checks the
  ones given.
- The classes are plain (mutable) dataclasses with keyword-only fields so scenario builders and
  test corpora can copy (``dataclasses.replace`` / ``copy.deepcopy``) and mutate them; no function
  of this package mutates the object it receives.
- Field order follows the EN 16931 semantic model; the UBL element order is the builder's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

# BT-24: the specification identifier of CIUS-RO invoices (ANAF checks it, BR-RO-001).
CIUS_RO_CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1"


class DocumentKind(StrEnum):
    """Which UBL document carries the invoice: ``Invoice`` or ``CreditNote`` (root element)."""

    INVOICE = "Invoice"
    CREDIT_NOTE = "CreditNote"


class InvoiceTypeCode:
    """BT-3 codes (UNTDID 1001) allowed by EN 16931 / CIUS-RO; the field stays a plain ``str``."""

    COMMERCIAL_INVOICE = "380"
    CREDIT_NOTE = "381"
    CORRECTED_INVOICE = "384"
    SELF_BILLED_INVOICE = "389"
    INVOICE_INFORMATION_FOR_ACCOUNTING = "751"  # used in Romania for e.g. B2C/not-yet-due documents
    PREPAYMENT_INVOICE = "386"
    # CIUS-RO BR-RO-020 allows exactly 380, 384, 389, 751 (Invoice) and 381 (CreditNote).
    CIUS_RO_ALLOWED = frozenset({"380", "384", "389", "751", "381"})


class VatCategory:
    """BT-95/BT-102/BT-118/BT-151 codes (UNCL 5305 subset used by EN 16931)."""

    STANDARD = "S"
    ZERO = "Z"
    EXEMPT = "E"
    REVERSE_CHARGE = "AE"
    INTRA_EU = "K"  # VAT exempt for EEA intra-community supply of goods and services
    EXPORT = "G"  # free export item, VAT not charged
    NOT_SUBJECT = "O"  # services outside scope of tax
    CANARY = "L"  # IGIC (Canary Islands)
    CEUTA_MELILLA = "M"  # IPSI (Ceuta and Melilla)
    ALL = frozenset({"S", "Z", "E", "AE", "K", "G", "O", "L", "M"})


@dataclass(kw_only=True)
class Identifier:
    """An identifier with its optional scheme (the ``-1`` sub-BT, e.g. BT-29-1, BT-157-1).

    Used for party identifiers (BT-29, BT-46, BT-60), legal registration ids (BT-30, BT-47, BT-61),
    electronic addresses (BT-34, BT-49; scheme mandatory there by BR-62/BR-63), the delivery
    location (BT-71), invoiced object ids (BT-18, BT-128) and item standard ids (BT-157).
    """

    value: str
    scheme: str | None = None


@dataclass(kw_only=True)
class Address:
    """BG-5 seller / BG-8 buyer / BG-12 tax representative / BG-15 deliver-to postal address."""

    street: str | None = None  # BT-35 / BT-50 / BT-64 / BT-75 address line 1 (StreetName)
    additional_street: str | None = None  # BT-36 / BT-51 / BT-65 / BT-76 address line 2
    address_line_3: str | None = None  # BT-162 / BT-163 / BT-164 / BT-165 (AddressLine/Line)
    city: str | None = None  # BT-37 / BT-52 / BT-66 / BT-77; Bucharest: SECTOR1..6 (BR-RO-100)
    postal_code: str | None = None  # BT-38 / BT-53 / BT-67 / BT-78
    # BT-39 / BT-54 / BT-68 / BT-79: for RO, ISO 3166-2:RO code like "RO-CJ", "RO-B" (BR-RO-110/111)
    country_subdivision: str | None = None
    country_code: str  # BT-40 / BT-55 / BT-69 / BT-80 ISO 3166-1 alpha-2, e.g. "RO"


@dataclass(kw_only=True)
class Contact:
    """BG-6 seller contact / BG-9 buyer contact."""

    name: str | None = None  # BT-41 / BT-56 contact point
    telephone: str | None = None  # BT-42 / BT-57
    email: str | None = None  # BT-43 / BT-58


@dataclass(kw_only=True)
class Party:
    """BG-4 seller or BG-7 buyer (same shape; seller-only fields say so).

    Romanian identifiers: the CUI/CIF of a VAT payer goes in ``vat_id`` with its "RO" prefix
    (BT-31/BT-48, e.g. "RO1234567"; BR-CO-09 wants the country prefix); a seller not registered
    for VAT puts the bare CUI in ``tax_registration_id`` (BT-32); a buyer without VAT registration
    gives its CUI, its CNP, or "0000000000000" (a person without CNP) in ``legal_registration_id``
    (BT-47), which CIUS-RO BR-RO-120 accepts in place of BT-48. The Trade Register number
    ("J40/1234/2020") is the seller's legal registration identifier (BT-30; CIUS-RO sets no
    format for it) and is often repeated in ``additional_legal_info`` (BT-33) with the share
    capital.
    """

    name: str  # BT-27 seller name / BT-44 buyer name (PartyLegalEntity/RegistrationName)
    trading_name: str | None = None  # BT-28 / BT-45 (PartyName/Name)
    identifiers: list[Identifier] = field(default_factory=list)  # BT-29 (0..n) / BT-46 (0..1)
    legal_registration_id: Identifier | None = None  # BT-30 / BT-47 (PartyLegalEntity/CompanyID)
    vat_id: str | None = None  # BT-31 / BT-48 (PartyTaxScheme with TaxScheme VAT)
    tax_registration_id: str | None = None  # BT-32 seller only (PartyTaxScheme, TaxScheme not VAT)
    additional_legal_info: str | None = None  # BT-33 seller only (CompanyLegalForm)
    electronic_address: Identifier | None = None  # BT-34 / BT-49 (EndpointID, scheme BT-34-1)
    address: Address  # BG-5 / BG-8
    contact: Contact | None = None  # BG-6 / BG-9


@dataclass(kw_only=True)
class Payee:
    """BG-10 payee, when someone other than the seller receives the payment."""

    name: str  # BT-59
    identifier: Identifier | None = None  # BT-60 (scheme BT-60-1)
    legal_registration_id: Identifier | None = None  # BT-61 (scheme BT-61-1)


@dataclass(kw_only=True)
class TaxRepresentative:
    """BG-11 seller's tax representative party."""

    name: str  # BT-62
    vat_id: str  # BT-63
    address: Address  # BG-12 (BT-64..BT-69, BT-164)


@dataclass(kw_only=True)
class Delivery:
    """BG-13 delivery information (the invoicing period BG-14 sits on ``Invoice``)."""

    party_name: str | None = None  # BT-70 deliver-to party name
    location_id: Identifier | None = None  # BT-71 (scheme BT-71-1)
    actual_delivery_date: date | None = None  # BT-72
    address: Address | None = None  # BG-15 deliver-to address (BT-75..BT-80, BT-165)


@dataclass(kw_only=True)
class Period:
    """BG-14 invoicing period (BT-73/BT-74) or BG-26 line period (BT-134/BT-135)."""

    start_date: date | None = None  # BT-73 / BT-134
    end_date: date | None = None  # BT-74 / BT-135


@dataclass(kw_only=True)
class Note:
    """BG-1 invoice note."""

    text: str  # BT-22
    subject_code: str | None = None  # BT-21 (UNTDID 4451, e.g. "AAI"); UBL writes "#AAI#text"


@dataclass(kw_only=True)
class PrecedingInvoiceReference:
    """BG-3 reference to a preceding invoice (what a credit note or corrected invoice corrects)."""

    number: str  # BT-25
    issue_date: date | None = None  # BT-26


@dataclass(kw_only=True)
class CreditTransfer:
    """BG-17 credit transfer account."""

    account_id: str  # BT-84 IBAN (or other account id)
    account_name: str | None = None  # BT-85
    service_provider_id: str | None = None  # BT-86 BIC


@dataclass(kw_only=True)
class PaymentCard:
    """BG-18 payment card information."""

    primary_account_number: str  # BT-87 (only the last 4-6 digits, per EN 16931)
    holder_name: str | None = None  # BT-88
    network_id: str | None = None  # UBL-only (CardAccount/NetworkID is mandatory in UBL); not a BT


@dataclass(kw_only=True)
class DirectDebit:
    """BG-19 direct debit."""

    mandate_reference: str | None = None  # BT-89
    creditor_reference: str | None = None  # BT-90 bank assigned creditor identifier (SEPA)
    debited_account_id: str | None = None  # BT-91


@dataclass(kw_only=True)
class PaymentInstructions:
    """BG-16 payment instructions (one UBL PaymentMeans block; a list on the invoice)."""

    means_code: str  # BT-81 (UNTDID 4461: 30 credit transfer, 42 bank account, 48 card, 49 debit, ...)
    means_text: str | None = None  # BT-82 (PaymentMeansCode/@name)
    remittance_information: str | None = None  # BT-83 (PaymentID)
    credit_transfers: list[CreditTransfer] = field(default_factory=list)  # BG-17
    card: PaymentCard | None = None  # BG-18
    direct_debit: DirectDebit | None = None  # BG-19


@dataclass(kw_only=True)
class DocumentAllowanceCharge:
    """BG-20 document level allowance (BT-92..BT-98) or BG-21 charge (BT-99..BT-105)."""

    amount: Decimal | None = None  # BT-92 / BT-99 (computed from base * percentage / 100 if None)
    base_amount: Decimal | None = None  # BT-93 / BT-100
    percentage: Decimal | None = None  # BT-94 / BT-101
    vat_category: str  # BT-95 / BT-102
    vat_rate: Decimal | None = None  # BT-96 / BT-103 (absent for category O)
    reason: str | None = None  # BT-97 / BT-104
    reason_code: str | None = None  # BT-98 (UNTDID 5189) / BT-105 (UNTDID 7161)


@dataclass(kw_only=True)
class LineAllowanceCharge:
    """BG-27 line allowance (BT-136..BT-140) or BG-28 line charge (BT-141..BT-145)."""

    amount: Decimal | None = None  # BT-136 / BT-141 (computed from base * percentage / 100 if None)
    base_amount: Decimal | None = None  # BT-137 / BT-142
    percentage: Decimal | None = None  # BT-138 / BT-143
    reason: str | None = None  # BT-139 / BT-144
    reason_code: str | None = None  # BT-140 / BT-145


@dataclass(kw_only=True)
class DocumentTotals:
    """BG-22 document totals; ``None`` means "compute it", a value means "check it"."""

    line_net_total: Decimal | None = None  # BT-106 sum of invoice line net amounts
    allowance_total: Decimal | None = None  # BT-107 sum of document level allowances
    charge_total: Decimal | None = None  # BT-108 sum of document level charges
    tax_exclusive_amount: Decimal | None = None  # BT-109 total without VAT
    vat_total: Decimal | None = None  # BT-110 VAT total in the invoice currency
    vat_total_accounting: Decimal | None = None  # BT-111 VAT total in BT-6 (RON for CIUS-RO)
    tax_inclusive_amount: Decimal | None = None  # BT-112 total with VAT
    prepaid_amount: Decimal | None = None  # BT-113 paid amount
    rounding_amount: Decimal | None = None  # BT-114
    payable_amount: Decimal | None = None  # BT-115 amount due for payment


@dataclass(kw_only=True)
class VatBreakdown:
    """BG-23 VAT breakdown, one per (category, rate).

    In input the amounts may be left ``None`` (an entry then only carries the exemption reason
    for its category); compute fills them and checks given ones (BR-CO-17, BR-S-08, ...).
    """

    taxable_amount: Decimal | None = None  # BT-116
    tax_amount: Decimal | None = None  # BT-117
    category: str  # BT-118
    rate: Decimal | None = None  # BT-119 (absent for category O)
    exemption_reason: str | None = None  # BT-120
    exemption_reason_code: str | None = None  # BT-121 VATEX code, e.g. "VATEX-EU-IC"


@dataclass(kw_only=True)
class Attachment:
    """BG-24 additional supporting document."""

    reference: str  # BT-122
    description: str | None = None  # BT-123
    external_uri: str | None = None  # BT-124
    content: bytes | None = None  # BT-125 attached document (decoded bytes)
    mime_code: str | None = None  # BT-125-1 (e.g. "application/pdf")
    filename: str | None = None  # BT-125-2


@dataclass(kw_only=True)
class ItemClassification:
    """BT-158 item classification identifier with its list (BT-158-1, e.g. "STI", "CV" for CPV)."""

    code: str  # BT-158
    list_id: str | None = None  # BT-158-1 (UNTDID 7143)
    list_version_id: str | None = None  # BT-158-2


@dataclass(kw_only=True)
class ItemAttribute:
    """BG-32 item attribute."""

    name: str  # BT-160
    value: str  # BT-161


@dataclass(kw_only=True)
class Item:
    """BG-31 item information plus BG-30 line VAT information (UBL keeps both under Item)."""

    name: str  # BT-153
    description: str | None = None  # BT-154
    seller_id: str | None = None  # BT-155
    buyer_id: str | None = None  # BT-156
    standard_id: Identifier | None = None  # BT-157 (scheme BT-157-1 mandatory, BR-64)
    classifications: list[ItemClassification] = field(default_factory=list)  # BT-158
    origin_country: str | None = None  # BT-159 ISO 3166-1 alpha-2
    attributes: list[ItemAttribute] = field(default_factory=list)  # BG-32
    vat_category: str  # BT-151 (BG-30)
    vat_rate: Decimal | None = None  # BT-152 (BG-30; absent for category O)


@dataclass(kw_only=True)
class Price:
    """BG-29 price details."""

    net_price: Decimal  # BT-146 item net price (gross minus discount)
    discount: Decimal | None = None  # BT-147 item price discount
    gross_price: Decimal | None = None  # BT-148 item gross price
    base_quantity: Decimal | None = None  # BT-149 (price applies per this many units; 1 if None)
    base_quantity_unit: str | None = None  # BT-150 (UN/ECE Rec 20; should equal BT-130)


@dataclass(kw_only=True)
class InvoiceLine:
    """BG-25 invoice line (UBL InvoiceLine or CreditNoteLine)."""

    id: str  # BT-126
    note: str | None = None  # BT-127
    object_id: Identifier | None = None  # BT-128 (scheme BT-128-1)
    quantity: Decimal  # BT-129 invoiced (or credited) quantity
    unit_code: str  # BT-130 UN/ECE Recommendation 20 (+21), e.g. "H87" piece, "KGM", "HUR"
    net_amount: Decimal | None = None  # BT-131 (computed if None, checked if given)
    order_line_reference: str | None = None  # BT-132
    accounting_reference: str | None = None  # BT-133 buyer accounting reference
    period: Period | None = None  # BG-26
    allowances: list[LineAllowanceCharge] = field(default_factory=list)  # BG-27
    charges: list[LineAllowanceCharge] = field(default_factory=list)  # BG-28
    price: Price  # BG-29
    item: Item  # BG-31 (+ BG-30 VAT on the item)


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


__all__ = [
    "CIUS_RO_CUSTOMIZATION_ID",
    "Address",
    "Attachment",
    "Contact",
    "CreditTransfer",
    "Delivery",
    "DirectDebit",
    "DocumentAllowanceCharge",
    "DocumentKind",
    "DocumentTotals",
    "Identifier",
    "Invoice",
    "InvoiceLine",
    "InvoiceTypeCode",
    "Item",
    "ItemAttribute",
    "ItemClassification",
    "LineAllowanceCharge",
    "Note",
    "Party",
    "Payee",
    "PaymentCard",
    "PaymentInstructions",
    "Period",
    "PrecedingInvoiceReference",
    "Price",
    "TaxRepresentative",
    "VatBreakdown",
    "VatCategory",
]
