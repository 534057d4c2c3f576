"""The sales app's public contract: the events it publishes through the outbox (docs/events.md).

Consumers (accounting postings, the e-Factura submission worker, CRM, analytics) read these and
nothing else of the app. Events never carry a CNP or other personal identifiers: a consumer
that needs the buyer reads the partner by ``partner_id``; ``buyer_kind`` says whether the buyer
is an individual (B2C: uploaded to ANAF with ``uploadb2c``).

Amounts are decimal strings in the document currency, except ``vat_total_ron`` (BT-111, VAT in
lei). ``vat_breakdown`` holds one object per VAT category and rate (BG-23) with the string keys
``category``, ``rate`` (absent for O), ``taxable_amount`` and ``tax_amount``.

Versions: ``sales.invoice.issued`` and ``sales.credit_note.issued`` v2 (``InvoiceIssuedV2``,
``CreditNoteIssuedV2``) add ``revenue``: the same amounts split by what was sold, one object
per (item kind, product category, VAT category, rate) with the string keys ``item_kind``
(goods or service, from the product; absent when unknown), ``product_category`` (the item
classification, ``STI:<CPV code>`` or ``HS:<NC code>``; absent when none), ``vat_category``,
``vat_rate`` (absent for O), ``net`` and ``vat``; per VAT group they add up exactly to the
breakdown. The sales app publishes v2; v1 rows (older outboxes, replays) stay readable. A v2
class extends its v1 class, so a consumer that reads only v1 fields handles both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, ClassVar

from genius.kernel.messages import Event


@dataclass(frozen=True)
class PartnerCreated(Event):
    """A partner (customer: company, individual or foreign firm) was created."""

    event_type: ClassVar[str] = "sales.partner.created"
    schema_version: ClassVar[int] = 1

    partner_id: Annotated[str, "Id of the partner"]
    kind: Annotated[str, "company, individual or foreign"]
    name: Annotated[str, "Registration name (companies) or full name (individuals)"]
    country_code: Annotated[str, "ISO 3166-1 alpha-2 country of the partner's address"]
    cui: Annotated[str | None, "CUI (bare digits) of a Romanian company, else null"]
    vat_id: Annotated[str | None, "VAT identifier with country prefix (RO + CUI for VAT payers), else null"]
    vat_payer: Annotated[bool, "Whether the partner is registered for VAT"]


@dataclass(frozen=True)
class PartnerUpdated(Event):
    """A partner's details were changed (the values below are the new ones)."""

    event_type: ClassVar[str] = "sales.partner.updated"
    schema_version: ClassVar[int] = 1

    partner_id: Annotated[str, "Id of the partner"]
    version: Annotated[int, "The partner's version after the change (1 at creation)"]
    kind: Annotated[str, "company, individual or foreign"]
    name: Annotated[str, "Registration name (companies) or full name (individuals)"]
    country_code: Annotated[str, "ISO 3166-1 alpha-2 country of the partner's address"]
    cui: Annotated[str | None, "CUI (bare digits) of a Romanian company, else null"]
    vat_id: Annotated[str | None, "VAT identifier with country prefix, else null"]
    vat_payer: Annotated[bool, "Whether the partner is registered for VAT"]
    changed: Annotated[list[str], "Names of the fields that changed"]


@dataclass(frozen=True)
class InvoiceIssued(Event):
    """An invoice was issued: numbered, its UBL built and validated (CIUS-RO), and frozen."""

    event_type: ClassVar[str] = "sales.invoice.issued"
    schema_version: ClassVar[int] = 1

    invoice_id: Annotated[str, "Id of the invoice"]
    number: Annotated[str, "Invoice number (BT-1), from its series"]
    series_id: Annotated[str, "Id of the numbering series"]
    type_code: Annotated[str, "UNTDID 1001 type (BT-3): 380, 384 or 751"]
    issue_date: Annotated[date, "Issue date (BT-2)"]
    tax_point_date: Annotated[date, "Date of the chargeable event whose VAT rates apply (BT-7, else BT-2)"]
    due_date: Annotated[date | None, "Payment due date (BT-9), if any"]
    currency: Annotated[str, "Invoice currency (BT-5, ISO 4217)"]
    exchange_rate: Annotated[Decimal | None, "RON per unit of a foreign currency; null for RON"]
    partner_id: Annotated[str | None, "Buyer partner id; null for a one-off buyer typed into the document"]
    buyer_name: Annotated[str, "Buyer name (BT-44)"]
    buyer_kind: Annotated[str, "company, individual, foreign or other (one-off buyer)"]
    buyer_vat_id: Annotated[str | None, "Buyer VAT identifier (BT-48), if any"]
    tax_exclusive_amount: Annotated[Decimal, "Total without VAT (BT-109)"]
    vat_total: Annotated[Decimal, "VAT total in the invoice currency (BT-110)"]
    vat_total_ron: Annotated[Decimal, "VAT total in RON (BT-111; equal to vat_total for RON)"]
    payable_amount: Annotated[Decimal, "Amount due (BT-115)"]
    vat_breakdown: Annotated[list[dict[str, str]], "VAT breakdown (BG-23): category, rate, taxable, tax"]
    xml_sha256: Annotated[str, "SHA-256 (hex) of the stored UBL XML"]
    issued_by: Annotated[str | None, "User id of who issued it"]


_REVENUE = (
    "Net and VAT per (item_kind, product_category, vat_category, vat_rate); per VAT group they add"
    " up to vat_breakdown"
)


@dataclass(frozen=True)
class InvoiceIssuedV2(InvoiceIssued):
    """An invoice was issued (numbered, validated, frozen), with its amounts per revenue class."""

    schema_version: ClassVar[int] = 2

    revenue: Annotated[list[dict[str, str]], _REVENUE]


@dataclass(frozen=True)
class CreditNoteIssued(Event):
    """A credit note (381) was issued for an invoice: numbered, validated, and frozen."""

    event_type: ClassVar[str] = "sales.credit_note.issued"
    schema_version: ClassVar[int] = 1

    invoice_id: Annotated[str, "Id of the credit note"]
    number: Annotated[str, "Credit note number (BT-1), from its series"]
    series_id: Annotated[str, "Id of the numbering series"]
    corrected_invoice_id: Annotated[str, "Id of the invoice it corrects"]
    corrected_invoice_number: Annotated[str, "Number of the invoice it corrects (BT-25)"]
    issue_date: Annotated[date, "Issue date (BT-2)"]
    tax_point_date: Annotated[
        date, "Tax point of the corrected invoice, whose VAT rates the correction keeps"
    ]
    currency: Annotated[str, "Currency (BT-5), the corrected invoice's"]
    exchange_rate: Annotated[Decimal | None, "RON per unit of a foreign currency; null for RON"]
    partner_id: Annotated[str | None, "Buyer partner id"]
    buyer_name: Annotated[str, "Buyer name (BT-44)"]
    buyer_kind: Annotated[str, "company, individual, foreign or other"]
    buyer_vat_id: Annotated[str | None, "Buyer VAT identifier (BT-48), if any"]
    tax_exclusive_amount: Annotated[Decimal, "Credited total without VAT (BT-109), positive"]
    vat_total: Annotated[Decimal, "Credited VAT (BT-110), positive"]
    vat_total_ron: Annotated[Decimal, "Credited VAT in RON (BT-111)"]
    payable_amount: Annotated[Decimal, "Credited amount (BT-115), positive"]
    vat_breakdown: Annotated[list[dict[str, str]], "VAT breakdown (BG-23): category, rate, taxable, tax"]
    xml_sha256: Annotated[str, "SHA-256 (hex) of the stored UBL XML"]
    issued_by: Annotated[str | None, "User id of who issued it"]


@dataclass(frozen=True)
class CreditNoteIssuedV2(CreditNoteIssued):
    """A credit note was issued for an invoice, with its credited amounts per revenue class (positive)."""

    schema_version: ClassVar[int] = 2

    revenue: Annotated[list[dict[str, str]], _REVENUE]


@dataclass(frozen=True)
class InvoiceCancelled(Event):
    """An issued invoice or credit note was cancelled before it was sent to ANAF; its number stays used."""

    event_type: ClassVar[str] = "sales.invoice.cancelled"
    schema_version: ClassVar[int] = 1

    invoice_id: Annotated[str, "Id of the document"]
    number: Annotated[str, "Its number (BT-1), which is not reused"]
    document_type: Annotated[str, "invoice or credit_note"]
    reason: Annotated[str, "Why it was cancelled"]
    cancelled_by: Annotated[str | None, "User id of who cancelled it"]


@dataclass(frozen=True)
class InvoiceEfacturaSubmitted(Event):
    """An issued document was uploaded to ANAF's e-Factura SPV (published by the submission worker)."""

    event_type: ClassVar[str] = "sales.invoice.efactura_submitted"
    schema_version: ClassVar[int] = 1

    invoice_id: Annotated[str, "Id of the document"]
    number: Annotated[str, "Its number (BT-1)"]
    attempt: Annotated[int, "Submission attempt number, from 1"]
    upload_index: Annotated[str, "ANAF's upload index (index_incarcare)"]
    b2c: Annotated[bool, "Uploaded with uploadb2c (buyer is an individual)"]


@dataclass(frozen=True)
class InvoiceEfacturaAccepted(Event):
    """ANAF accepted an uploaded document (stare ok); the signed original can be downloaded."""

    event_type: ClassVar[str] = "sales.invoice.efactura_accepted"
    schema_version: ClassVar[int] = 1

    invoice_id: Annotated[str, "Id of the document"]
    number: Annotated[str, "Its number (BT-1)"]
    attempt: Annotated[int, "Submission attempt number"]
    upload_index: Annotated[str, "ANAF's upload index (index_incarcare)"]
    download_id: Annotated[str, "ANAF's download id (id_descarcare) of the signed invoice"]


@dataclass(frozen=True)
class InvoiceEfacturaRejected(Event):
    """ANAF rejected an uploaded document (stare nok, or refused at upload) with its messages."""

    event_type: ClassVar[str] = "sales.invoice.efactura_rejected"
    schema_version: ClassVar[int] = 1

    invoice_id: Annotated[str, "Id of the document"]
    number: Annotated[str, "Its number (BT-1)"]
    attempt: Annotated[int, "Submission attempt number"]
    upload_index: Annotated[str | None, "ANAF's upload index, when the upload was taken"]
    download_id: Annotated[str | None, "ANAF's download id of the error document, when there is one"]
    messages: Annotated[list[str], "ANAF's error messages"]
