"""UBL element helpers of the builder: namespaces, constants and small writers shared by its modules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from genius.fiscal.ro.efactura.model import DocumentAllowanceCharge, Identifier, LineAllowanceCharge, Period
from genius.fiscal.ro.efactura.writer.tree import NO_CHILDREN, UblElement, checked

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
PREFIXES = {"cac": NS_CAC, "cbc": NS_CBC}

VAT_SCHEME = "VAT"
# BT-32 (seller tax registration, not a VAT id) sits in a PartyTaxScheme whose scheme is not VAT;
# CEN's own examples and test files use "TAX".
TAX_REGISTRATION_SCHEME = "TAX"
# UBL DocumentTypeCode values the EN 16931 binding gives special meaning to.
INVOICED_OBJECT_TYPE_CODE = "130"  # BT-18 / BT-128
PROJECT_REFERENCE_TYPE_CODE = "50"  # BT-11 on a CreditNote (which has no ProjectReference)
# UBL requires OrderReference/ID; EN 16931 binding says "NA" when only BT-14 is known.
ORDER_REFERENCE_NOT_AVAILABLE = "NA"
# UBL requires CardAccount/NetworkID, which EN 16931 does not carry; "NA" when not given.
CARD_NETWORK_NOT_AVAILABLE = "NA"


def qname(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{PREFIXES[prefix]}}}{local}"


def el(parent: UblElement, tag: str, text: str | None = None, /, **attrs: str | None) -> UblElement:
    """Append ``tag`` (``cac:X`` / ``cbc:X``) under ``parent`` with optional text and attributes."""
    # (Runs once per element of every invoice: the usual printable ASCII text skips ``checked``.)
    if text is not None and not (text.__class__ is str and text.isascii() and text.isprintable()):
        text = checked(text)
    if attrs:
        pairs = tuple((key, checked(value)) for key, value in attrs.items() if value is not None)
        element = UblElement(tag, text, pairs)
    else:
        element = UblElement(tag, text)
    children = parent.children
    if children is NO_CHILDREN:
        parent.children = [element]
    else:
        children.append(element)
    return element


def opt(parent: UblElement, tag: str, text: str | None, /, **attrs: str | None) -> None:
    """Append a basic element only when its value is given."""
    if text is not None:
        el(parent, tag, text, **attrs)


def num(value: Decimal) -> str:
    return format(value, "f")


def money(parent: UblElement, name: str, value: Decimal | None, currency: str) -> None:
    if value is not None:
        el(parent, name, num(value), currencyID=currency)


def iso_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def identifier_el(parent: UblElement, name: str, ident: Identifier | None) -> None:
    if ident is not None:
        el(parent, name, ident.value, schemeID=ident.scheme)


def period_el(parent: UblElement, period: Period | None, description_code: str | None = None) -> None:
    if period is None and description_code is None:
        return
    element = el(parent, "cac:InvoicePeriod")
    if period is not None:
        opt(element, "cbc:StartDate", iso_date(period.start_date))
        opt(element, "cbc:EndDate", iso_date(period.end_date))
    opt(element, "cbc:DescriptionCode", description_code)  # BT-8 lives in InvoicePeriod


def tax_category_el(parent: UblElement, name: str, category: str, rate: Decimal | None) -> UblElement:
    element = el(parent, name)
    el(element, "cbc:ID", category)
    if rate is not None:  # category O carries no rate (BR-O-05)
        el(element, "cbc:Percent", num(rate))
    return element


def allowance_charge_el(
    parent: UblElement,
    item: LineAllowanceCharge | DocumentAllowanceCharge,
    is_charge: bool,
    currency: str,
) -> None:
    element = el(parent, "cac:AllowanceCharge")
    el(element, "cbc:ChargeIndicator", "true" if is_charge else "false")
    opt(element, "cbc:AllowanceChargeReasonCode", item.reason_code)
    opt(element, "cbc:AllowanceChargeReason", item.reason)
    opt(element, "cbc:MultiplierFactorNumeric", None if item.percentage is None else num(item.percentage))
    money(element, "cbc:Amount", item.amount, currency)
    money(element, "cbc:BaseAmount", item.base_amount, currency)
    if isinstance(item, DocumentAllowanceCharge):
        category = tax_category_el(element, "cac:TaxCategory", item.vat_category, item.vat_rate)
        el(el(category, "cac:TaxScheme"), "cbc:ID", VAT_SCHEME)


def document_reference_el(
    parent: UblElement, name: str, ident: Identifier, type_code: str | None = None
) -> UblElement:
    element = el(parent, name)
    identifier_el(element, "cbc:ID", ident)
    opt(element, "cbc:DocumentTypeCode", type_code)
    return element
