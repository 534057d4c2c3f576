"""The code lists the model names: document kind (BT-3 root), invoice type codes (BT-3), VAT categories."""

from __future__ import annotations

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
