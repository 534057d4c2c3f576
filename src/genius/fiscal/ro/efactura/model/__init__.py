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

from genius.fiscal.ro.efactura.model.codes import (
    CIUS_RO_CUSTOMIZATION_ID,
    DocumentKind,
    InvoiceTypeCode,
    VatCategory,
)
from genius.fiscal.ro.efactura.model.document import (
    Attachment,
    CreditTransfer,
    DirectDebit,
    DocumentAllowanceCharge,
    DocumentTotals,
    LineAllowanceCharge,
    Note,
    PaymentCard,
    PaymentInstructions,
    Period,
    PrecedingInvoiceReference,
    VatBreakdown,
)
from genius.fiscal.ro.efactura.model.invoice import Invoice
from genius.fiscal.ro.efactura.model.lines import InvoiceLine, Item, ItemAttribute, ItemClassification, Price
from genius.fiscal.ro.efactura.model.parties import (
    Address,
    Contact,
    Delivery,
    Identifier,
    Party,
    Payee,
    TaxRepresentative,
)

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
