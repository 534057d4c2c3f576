"""Draft documents in the e-Factura JSON form, and their expansion into the full invoice.

A draft is the engine's JSON form (docs/efactura-json.md) with a few things the server fills:

- no ``seller``: the seller is the tenant's company profile (BG-4);
- ``buyer`` may be ``{"partner_id": "..."}`` (other buyer keys override the partner's values);
- a line may name ``product_id`` and give only ``id`` and ``quantity``: unit, price, item name,
  VAT category and rate come from the product; keys the line gives win;
- an item may give ``vat_rate_kind`` (standard, reduced, ...) instead of ``vat_rate``;
- no ``number`` (assigned when issued); ``issue_date`` optional (the issuing day when absent);
- ``series_id`` picks the numbering series (else the default one of the document type);
- a credit note names ``corrects_invoice_id``; its BG-3 reference, type code 381, buyer and
  currency come from that invoice, and its rates from that invoice's tax point (a correction
  keeps the original VAT rate, RO-ACCOUNTING.md section 2).

VAT rates follow the tax point (BT-7, else the issue date; for a credit note the corrected
invoice's), so a back-dated invoice gets the rate of its own date.
"""

from __future__ import annotations

from genius.apps.sales.domain.drafts.expansion import ExpansionContext, expand
from genius.apps.sales.domain.drafts.preparation import PreparedDocument, prepare, renumbered
from genius.apps.sales.domain.drafts.refs import (
    CREDIT_NOTE_TYPE_CODE,
    IBAN_MEANS,
    INVOICE_TYPE_CODES,
    PLACEHOLDER_NUMBER,
    RON,
    SERVER_OWNED,
    DraftRefs,
    read_refs,
)

__all__ = [
    "CREDIT_NOTE_TYPE_CODE",
    "IBAN_MEANS",
    "INVOICE_TYPE_CODES",
    "PLACEHOLDER_NUMBER",
    "RON",
    "SERVER_OWNED",
    "DraftRefs",
    "ExpansionContext",
    "PreparedDocument",
    "expand",
    "prepare",
    "read_refs",
    "renumbered",
]
