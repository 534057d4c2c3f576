"""Mutation families: removed mandatory fields, broken totals and roundings, wrong codes."""

from __future__ import annotations

import random

from lxml import etree

from tests.fiscal.ro.efactura.validate.mutations.core import (
    CBC,
    CUS,
    DLV,
    REP,
    SUP,
    add_after,
    find_one,
    is_credit_note,
    lines_of,
    mutation,
    quantity_name,
    remove_all,
    set_text,
    shift_amount,
    simple,
)

# removed mandatory fields (still XSD-valid: UBL makes them optional, EN 16931/CIUS-RO do not)
for _name, _path in [
    ("customization-id", "cbc:CustomizationID"),
    ("document-currency", "cbc:DocumentCurrencyCode"),
    ("seller-name", f"{SUP}/cac:PartyLegalEntity/cbc:RegistrationName"),
    ("buyer-name", f"{CUS}/cac:PartyLegalEntity/cbc:RegistrationName"),
    ("seller-country", f"{SUP}/cac:PostalAddress/cac:Country"),
    ("buyer-address", f"{CUS}/cac:PostalAddress"),
    ("seller-street", f"{SUP}/cac:PostalAddress/cbc:StreetName"),
    ("seller-city", f"{SUP}/cac:PostalAddress/cbc:CityName"),
    ("buyer-street", f"{CUS}/cac:PostalAddress/cbc:StreetName"),
    ("buyer-city", f"{CUS}/cac:PostalAddress/cbc:CityName"),
    ("seller-vat-id", f"{SUP}/cac:PartyTaxScheme"),
    ("tax-total", "cac:TaxTotal"),
    ("vat-breakdown", "cac:TaxTotal/cac:TaxSubtotal"),
    ("tax-exclusive-amount", "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"),
    ("tax-inclusive-amount", "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"),
    ("line-extension-total", "cac:LegalMonetaryTotal/cbc:LineExtensionAmount"),
    ("breakdown-category-id", "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID"),
    ("delivery-street", f"{DLV}/cbc:StreetName"),
    ("delivery-subdivision", f"{DLV}/cbc:CountrySubentity"),
    ("tax-representative-city", f"{REP}/cac:PostalAddress/cbc:CityName"),
    ("tax-representative-street", f"{REP}/cac:PostalAddress/cbc:StreetName"),
    ("delivery-city", f"{DLV}/cbc:CityName"),
    ("payee-name", "cac:PayeeParty/cac:PartyName"),
    ("payment-means-code", "cac:PaymentMeans/cbc:PaymentMeansCode"),
]:
    simple("mandatory", _name, lambda root, p=_path: remove_all(root, p))


@mutation("mandatory", "invoice-type-code")
def _no_type_code(root: etree._Element, _rng: random.Random) -> bool:
    return remove_all(root, "cbc:CreditNoteTypeCode" if is_credit_note(root) else "cbc:InvoiceTypeCode")


@mutation("mandatory", "buyer-identifiers")
def _no_buyer_ids(root: etree._Element, _rng: random.Random) -> bool:
    a = remove_all(root, f"{CUS}/cac:PartyLegalEntity/cbc:CompanyID")
    b = remove_all(root, f"{CUS}/cac:PartyTaxScheme")
    return a or b


@mutation("mandatory", "line-item-name")
def _no_item_name(root: etree._Element, rng: random.Random) -> bool:
    lines = lines_of(root)
    return bool(lines) and remove_all(rng.choice(lines), "cac:Item/cbc:Name")


@mutation("mandatory", "line-quantity")
def _no_quantity(root: etree._Element, rng: random.Random) -> bool:
    lines = lines_of(root)
    return bool(lines) and remove_all(rng.choice(lines), quantity_name(root))


@mutation("mandatory", "line-price")
def _no_price(root: etree._Element, rng: random.Random) -> bool:
    lines = lines_of(root)
    return bool(lines) and remove_all(rng.choice(lines), "cac:Price")


@mutation("mandatory", "line-vat-category")
def _no_line_category(root: etree._Element, rng: random.Random) -> bool:
    lines = lines_of(root)
    return bool(lines) and remove_all(rng.choice(lines), "cac:Item/cac:ClassifiedTaxCategory")


# broken totals and roundings
for _name, _path, _delta in [
    ("tax-exclusive+1", "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount", "1"),
    ("tax-inclusive+0.01", "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", "0.01"),
    ("payable-0.01", "cac:LegalMonetaryTotal/cbc:PayableAmount", "-0.01"),
    ("line-total+0.01", "cac:LegalMonetaryTotal/cbc:LineExtensionAmount", "0.01"),
    ("vat-total+0.01", "cac:TaxTotal/cbc:TaxAmount", "0.01"),
    ("breakdown-vat+0.01", "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount", "0.01"),
    ("breakdown-base+1", "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount", "1"),
    ("allowance-total+1", "cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount", "1"),
    ("charge-total+1", "cac:LegalMonetaryTotal/cbc:ChargeTotalAmount", "1"),
    ("payable-three-decimals", "cac:LegalMonetaryTotal/cbc:PayableAmount", "0.000"),
    ("breakdown-vat-three-decimals", "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount", "0.004"),
    ("tax-exclusive-three-decimals", "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount", "0.000"),
    ("document-allowance-three-decimals", "cac:AllowanceCharge/cbc:Amount", "0.000"),
]:
    simple("totals", _name, lambda root, p=_path, d=_delta: shift_amount(find_one(root, p), d))


@mutation("totals", "line-amount+0.01")
def _line_amount(root: etree._Element, rng: random.Random) -> bool:
    lines = lines_of(root)
    return bool(lines) and shift_amount(find_one(rng.choice(lines), "cbc:LineExtensionAmount"), "0.01")


@mutation("totals", "line-amount-three-decimals")
def _line_amount_decimals(root: etree._Element, rng: random.Random) -> bool:
    lines = lines_of(root)
    return bool(lines) and shift_amount(find_one(rng.choice(lines), "cbc:LineExtensionAmount"), "0.000")


@mutation("totals", "negative-price")
def _negative_price(root: etree._Element, rng: random.Random) -> bool:
    lines = lines_of(root)
    node = find_one(rng.choice(lines), "cac:Price/cbc:PriceAmount") if lines else None
    if node is None or not node.text:
        return False
    node.text = "-" + node.text.strip().lstrip("-")
    return True


@mutation("totals", "prepaid-unaccounted")
def _prepaid(root: etree._Element, _rng: random.Random) -> bool:
    total = find_one(root, "cac:LegalMonetaryTotal")
    payable = find_one(root, "cac:LegalMonetaryTotal/cbc:PayableAmount")
    if total is None or payable is None or find_one(total, "cbc:PrepaidAmount") is not None:
        return False
    node = add_after(
        total,
        (
            "LineExtensionAmount",
            "TaxExclusiveAmount",
            "TaxInclusiveAmount",
            "AllowanceTotalAmount",
            "ChargeTotalAmount",
        ),
        "cbc:PrepaidAmount",
        "10.00",
    )
    node.set("currencyID", payable.get("currencyID", "RON"))
    return True


@mutation("totals", "rounding-unaccounted")
def _rounding(root: etree._Element, _rng: random.Random) -> bool:
    total = find_one(root, "cac:LegalMonetaryTotal")
    payable = find_one(root, "cac:LegalMonetaryTotal/cbc:PayableAmount")
    if total is None or payable is None or find_one(total, "cbc:PayableRoundingAmount") is not None:
        return False
    payable.addprevious(
        etree.Element(CBC + "PayableRoundingAmount", currencyID=payable.get("currencyID", "RON"))
    )
    payable.getprevious().text = "0.01"
    return True


# wrong codes
for _name, _path, _value in [
    ("currency-ROL", "cbc:DocumentCurrencyCode", "ROL"),
    ("currency-lowercase", "cbc:DocumentCurrencyCode", "ron"),
    ("seller-country-XX", f"{SUP}/cac:PostalAddress/cac:Country/cbc:IdentificationCode", "XX"),
    ("buyer-country-ROU", f"{CUS}/cac:PostalAddress/cac:Country/cbc:IdentificationCode", "ROU"),
    ("payment-means-999", "cac:PaymentMeans/cbc:PaymentMeansCode", "999"),
    ("breakdown-category-Q", "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID", "Q"),
    ("tax-scheme-TVA", "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:ID", "TVA"),
    ("tax-point-code-5", "cac:InvoicePeriod/cbc:DescriptionCode", "5"),
    ("invoice-type-381", "cbc:InvoiceTypeCode", "381"),
    ("invoice-type-999", "cbc:InvoiceTypeCode", "999"),
    ("credit-note-type-380", "cbc:CreditNoteTypeCode", "380"),
    ("tax-currency-EUR", "cbc:TaxCurrencyCode", "EUR"),
    ("allowance-reason-code-999", "cac:AllowanceCharge/cbc:AllowanceChargeReasonCode", "999"),
    ("delivery-country-ZZ", f"{DLV}/cac:Country/cbc:IdentificationCode", "ZZ"),
]:
    simple("codes", _name, lambda root, p=_path, v=_value: set_text(root, p, v))


@mutation("codes", "unit-code-XYZ")
def _unit_code(root: etree._Element, rng: random.Random) -> bool:
    lines = lines_of(root)
    node = find_one(rng.choice(lines), quantity_name(root)) if lines else None
    if node is None:
        return False
    node.set("unitCode", "XYZ")
    return True


@mutation("codes", "line-category-Q")
def _line_category(root: etree._Element, rng: random.Random) -> bool:
    lines = lines_of(root)
    return bool(lines) and set_text(rng.choice(lines), "cac:Item/cac:ClassifiedTaxCategory/cbc:ID", "Q")


@mutation("codes", "amount-currency-mismatch")
def _currency_attr(root: etree._Element, _rng: random.Random) -> bool:
    node = find_one(root, "cac:LegalMonetaryTotal/cbc:PayableAmount")
    if node is None:
        return False
    node.set("currencyID", "USD" if node.get("currencyID") != "USD" else "EUR")
    return True


@mutation("codes", "foreign-currency-without-ron")
def _foreign_currency(root: etree._Element, _rng: random.Random) -> bool:
    """BT-5 EUR everywhere and no BT-6: CIUS-RO wants the VAT in RON as well (BR-RO-030)."""
    code = find_one(root, "cbc:DocumentCurrencyCode")
    if code is None or code.text != "RON" or find_one(root, "cbc:TaxCurrencyCode") is not None:
        return False
    code.text = "EUR"
    for node in root.iter():
        if isinstance(node.tag, str) and node.get("currencyID") == "RON":
            node.set("currencyID", "EUR")
    return True


@mutation("codes", "endpoint-scheme-XX")
def _endpoint_scheme(root: etree._Element, _rng: random.Random) -> bool:
    node = find_one(root, f"{SUP}/cbc:EndpointID")
    if node is None:
        return False
    node.set("schemeID", "XX")
    return True
