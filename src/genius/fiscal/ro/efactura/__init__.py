"""RO e-Factura: the EN 16931 invoice model, its computations, JSON form and CIUS-RO UBL builder.

Typical use::

    invoice = load_json(text)          # the documented JSON form (docs/efactura-json.md)
    invoice = compute(invoice)         # fill derivable amounts, check given ones (EN 16931)
    check_rules(invoice)               # CIUS-RO / EN 16931 rules checkable on the model
    xml = build_xml(invoice)           # UBL 2.1 Invoice/CreditNote bytes (does both steps itself)

Everything here is pure: no database, no clock, no I/O. Errors are ``EfacturaError`` subclasses
(see :mod:`genius.fiscal.ro.efactura.errors`), each naming field paths and rule ids.
"""

from genius.fiscal.ro.efactura.build import build_xml
from genius.fiscal.ro.efactura.ciusro import check_rules, rule_problems
from genius.fiscal.ro.efactura.compute import compute
from genius.fiscal.ro.efactura.errors import CalculationMismatch, EfacturaError, JsonFormError, RuleViolation
from genius.fiscal.ro.efactura.jsonform import dump_json, invoice_from_dict, invoice_to_dict, load_json
from genius.fiscal.ro.efactura.model import (
    CIUS_RO_CUSTOMIZATION_ID,
    Address,
    Attachment,
    Contact,
    CreditTransfer,
    Delivery,
    DirectDebit,
    DocumentAllowanceCharge,
    DocumentKind,
    DocumentTotals,
    Identifier,
    Invoice,
    InvoiceLine,
    InvoiceTypeCode,
    Item,
    ItemAttribute,
    ItemClassification,
    LineAllowanceCharge,
    Note,
    Party,
    Payee,
    PaymentCard,
    PaymentInstructions,
    Period,
    PrecedingInvoiceReference,
    Price,
    TaxRepresentative,
    VatBreakdown,
    VatCategory,
)

__all__ = [
    "CIUS_RO_CUSTOMIZATION_ID",
    "Address",
    "Attachment",
    "CalculationMismatch",
    "Contact",
    "CreditTransfer",
    "Delivery",
    "DirectDebit",
    "DocumentAllowanceCharge",
    "DocumentKind",
    "DocumentTotals",
    "EfacturaError",
    "Identifier",
    "Invoice",
    "InvoiceLine",
    "InvoiceTypeCode",
    "Item",
    "ItemAttribute",
    "ItemClassification",
    "JsonFormError",
    "LineAllowanceCharge",
    "Note",
    "Party",
    "Payee",
    "PaymentCard",
    "PaymentInstructions",
    "Period",
    "PrecedingInvoiceReference",
    "Price",
    "RuleViolation",
    "TaxRepresentative",
    "VatBreakdown",
    "VatCategory",
    "build_xml",
    "check_rules",
    "compute",
    "dump_json",
    "invoice_from_dict",
    "invoice_to_dict",
    "load_json",
    "rule_problems",
]
