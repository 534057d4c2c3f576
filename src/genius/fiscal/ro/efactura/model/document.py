"""Document-level groups: notes, references, periods, payment means, allowances, charges, totals,
VAT breakdown, attachments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


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
