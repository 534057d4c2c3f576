"""Mutation families: VAT category/rate/exemption combinations, counties and sectors, long texts."""

from __future__ import annotations

import random

from lxml import etree

from tests.fiscal.ro.efactura.validate.mutations.core import (
    CBC,
    CUS,
    DLV,
    MUTATIONS,
    REP,
    SUP,
    Mutation,
    add_after,
    find_all,
    find_one,
    lines_of,
    mutation,
    random_text,
    remove_all,
    set_text,
    simple,
)


# VAT category / rate / exemption combinations
def _breakdown(root: etree._Element, category: str) -> list[etree._Element]:
    return [
        st
        for st in find_all(root, "cac:TaxTotal/cac:TaxSubtotal")
        if find_one(st, "cac:TaxCategory/cbc:ID") is not None
        and find_one(st, "cac:TaxCategory/cbc:ID").text == category
    ]


def _line_categories(root: etree._Element, category: str) -> list[etree._Element]:
    return [
        c
        for line in lines_of(root)
        for c in find_all(line, "cac:Item/cac:ClassifiedTaxCategory")
        if find_one(c, "cbc:ID") is not None and find_one(c, "cbc:ID").text == category
    ]


@mutation("vat", "standard-rate-zero")
def _s_rate_zero(root: etree._Element, _rng: random.Random) -> bool:
    subtotals = _breakdown(root, "S")
    return bool(subtotals) and set_text(subtotals[0], "cac:TaxCategory/cbc:Percent", "0")


@mutation("vat", "line-standard-rate-changed")
def _line_rate(root: etree._Element, rng: random.Random) -> bool:
    categories = _line_categories(root, "S")
    return bool(categories) and set_text(rng.choice(categories), "cbc:Percent", "5")


@mutation("vat", "line-S-to-Z-keeping-rate")
def _s_to_z(root: etree._Element, rng: random.Random) -> bool:
    categories = _line_categories(root, "S")
    return bool(categories) and set_text(rng.choice(categories), "cbc:ID", "Z")


@mutation("vat", "line-S-to-E")
def _s_to_e(root: etree._Element, rng: random.Random) -> bool:
    categories = _line_categories(root, "S")
    return bool(categories) and set_text(rng.choice(categories), "cbc:ID", "E")


@mutation("vat", "all-S-to-AE")
def _s_to_ae(root: etree._Element, _rng: random.Random) -> bool:
    """Reverse charge with the standard rate kept: BR-AE-* (rate 0, buyer VAT id, exemption reason)."""
    changed = False
    for node in find_all(root, ".//cac:ClassifiedTaxCategory/cbc:ID") + find_all(
        root, ".//cac:TaxCategory/cbc:ID"
    ):
        if node.text == "S":
            node.text = "AE"
            changed = True
    return changed


@mutation("vat", "exempt-without-reason")
def _e_no_reason(root: etree._Element, _rng: random.Random) -> bool:
    subtotals = _breakdown(root, "E")
    if not subtotals:
        return False
    a = remove_all(subtotals[0], "cac:TaxCategory/cbc:TaxExemptionReason")
    b = remove_all(subtotals[0], "cac:TaxCategory/cbc:TaxExemptionReasonCode")
    return a or b


@mutation("vat", "standard-with-exemption-reason")
def _s_reason(root: etree._Element, _rng: random.Random) -> bool:
    subtotals = _breakdown(root, "S")
    category = find_one(subtotals[0], "cac:TaxCategory") if subtotals else None
    if category is None or find_one(category, "cbc:TaxExemptionReason") is not None:
        return False
    add_after(
        category,
        ("ID", "Name", "Percent", "BaseUnitMeasure", "PerUnitAmount", "TaxExemptionReasonCode"),
        "cbc:TaxExemptionReason",
        "Scutit",
    )
    return True


@mutation("vat", "exempt-rate-19")
def _e_rate(root: etree._Element, _rng: random.Random) -> bool:
    subtotals = _breakdown(root, "E")
    return bool(subtotals) and set_text(subtotals[0], "cac:TaxCategory/cbc:Percent", "19")


@mutation("vat", "seller-vat-id-without-prefix")
def _vat_prefix(root: etree._Element, _rng: random.Random) -> bool:
    node = find_one(root, f"{SUP}/cac:PartyTaxScheme/cbc:CompanyID")
    if node is None or not node.text or not node.text[:2].isalpha():
        return False
    node.text = node.text[2:] or "123"
    return True


@mutation("vat", "seller-and-representative-vat-ids-removed")
def _no_vat_ids(root: etree._Element, _rng: random.Random) -> bool:
    a = remove_all(root, f"{SUP}/cac:PartyTaxScheme")
    b = remove_all(root, f"{REP}/cac:PartyTaxScheme")
    return a or b


@mutation("vat", "document-allowance-category-changed")
def _allowance_category(root: etree._Element, _rng: random.Random) -> bool:
    return set_text(root, "cac:AllowanceCharge/cac:TaxCategory/cbc:ID", "Z")


# Romanian counties and Bucharest sectors
def _set_address(root: etree._Element, path: str, subdivision: str | None, city: str | None) -> bool:
    address = find_one(root, path)
    if address is None:
        return False
    if subdivision is not None:
        node = find_one(address, "cbc:CountrySubentity")
        if node is None:
            node = add_after(
                address,
                ("StreetName", "AdditionalStreetName", "CityName", "PostalZone"),
                "cbc:CountrySubentity",
                subdivision,
            )
        node.text = subdivision
    return city is None or set_text(address, "cbc:CityName", city)


def _make_romanian(root: etree._Element, path: str) -> bool:
    return set_text(root, f"{path}/cac:Country/cbc:IdentificationCode", "RO")


for _who, _path in [
    ("seller", f"{SUP}/cac:PostalAddress"),
    ("buyer", f"{CUS}/cac:PostalAddress"),
    ("delivery", DLV),
    ("tax-representative", f"{REP}/cac:PostalAddress"),
]:
    for _name, _sub, _city in [
        ("county-RO-XX", "RO-XX", None),
        ("county-name-not-code", "Cluj", None),
        ("county-lowercase", "ro-cj", None),
        ("bucharest-city-name", "RO-B", "Bucuresti"),
        ("bucharest-SECTOR7", "RO-B", "SECTOR7"),
        ("bucharest-sector-spaced", "RO-B", "Sector 1"),
    ]:
        simple(
            "county-sector",
            f"{_who}-{_name}",
            lambda root, p=_path, s=_sub, c=_city: _make_romanian(root, p) and _set_address(root, p, s, c),
        )
    simple(
        "county-sector",
        f"{_who}-county-missing",
        lambda root, p=_path: _make_romanian(root, p) and remove_all(root, f"{p}/cbc:CountrySubentity"),
    )
    simple(
        "county-sector",
        f"{_who}-bucharest-valid-sector",
        lambda root, p=_path: _make_romanian(root, p) and _set_address(root, p, "RO-B", "SECTOR3"),
    )


# over-long texts
def _long(root: etree._Element, path: str, length: int, rng: random.Random, digits: bool = False) -> bool:
    node = find_one(root, path)
    if node is None:
        return False
    node.text = random_text(length, rng, digits) + ("1" if digits else "")
    return True


for _name, _path, _length in [
    ("invoice-number-201", "cbc:ID", 200),
    ("seller-street-151", f"{SUP}/cac:PostalAddress/cbc:StreetName", 151),
    ("buyer-city-51", f"{CUS}/cac:PostalAddress/cbc:CityName", 51),
    ("seller-postcode-21", f"{SUP}/cac:PostalAddress/cbc:PostalZone", 21),
    ("seller-name-201", f"{SUP}/cac:PartyLegalEntity/cbc:RegistrationName", 201),
    ("buyer-contact-email-101", f"{CUS}/cac:Contact/cbc:ElectronicMail", 101),
    ("note-301", "cbc:Note", 301),
    ("payment-terms-301", "cac:PaymentTerms/cbc:Note", 301),
    ("payment-id-141", "cac:PaymentMeans/cbc:PaymentID", 141),
    ("account-name-201", "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:Name", 201),
    ("order-reference-201", "cac:OrderReference/cbc:ID", 201),
    ("contract-reference-201", "cac:ContractDocumentReference/cbc:ID", 201),
    ("accounting-cost-101", "cbc:AccountingCost", 101),
    ("supporting-document-description-101", "cac:AdditionalDocumentReference/cbc:DocumentDescription", 101),
    ("preceding-invoice-201", "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", 201),
    ("delivery-street-151", f"{DLV}/cbc:StreetName", 151),
    ("payee-name-201", "cac:PayeeParty/cac:PartyName/cbc:Name", 201),
    ("document-allowance-reason-code-101", "cac:AllowanceCharge/cbc:AllowanceChargeReasonCode", 101),
]:
    MUTATIONS.append(
        Mutation("length", _name, lambda root, rng, p=_path, n=_length: _long(root, p, n, rng, p == "cbc:ID"))
    )


@mutation("length", "item-name-101")
def _item_name(root: etree._Element, rng: random.Random) -> bool:
    lines = lines_of(root)
    return bool(lines) and _long(rng.choice(lines), "cac:Item/cbc:Name", 101, rng)


@mutation("length", "item-description-201")
def _item_description(root: etree._Element, rng: random.Random) -> bool:
    lines = lines_of(root)
    return bool(lines) and _long(rng.choice(lines), "cac:Item/cbc:Description", 201, rng)


@mutation("length", "item-property-name-51")
def _item_property(root: etree._Element, rng: random.Random) -> bool:
    return _long(root, ".//cac:Item/cac:AdditionalItemProperty/cbc:Name", 51, rng)


@mutation("length", "line-note-301")
def _line_note(root: etree._Element, rng: random.Random) -> bool:
    lines = lines_of(root)
    if not lines:
        return False
    line = rng.choice(lines)
    note = find_one(line, "cbc:Note")
    if note is None:
        note = add_after(line, ("ID", "UUID"), "cbc:Note", "")
    note.text = random_text(301, rng)
    return True


@mutation("length", "collapsed-spaces-within-limit")
def _spaces(root: etree._Element, rng: random.Random) -> bool:
    """163 characters raw but 149 after normalize-space: within BR-RO-L151's 150."""
    words = [random_text(14, rng) for _ in range(10)]
    return set_text(root, f"{SUP}/cac:PostalAddress/cbc:StreetName", "  " + "  ".join(words) + "   ")


@mutation("length", "twenty-one-notes")
def _notes(root: etree._Element, rng: random.Random) -> bool:
    notes = find_all(root, "cbc:Note")
    anchor = notes[-1] if notes else None
    if anchor is None:
        anchor = add_after(
            root,
            (
                "UBLVersionID",
                "CustomizationID",
                "ProfileID",
                "ProfileExecutionID",
                "ID",
                "CopyIndicator",
                "UUID",
                "IssueDate",
                "IssueTime",
                "DueDate",
                "InvoiceTypeCode",
                "CreditNoteTypeCode",
            ),
            "cbc:Note",
            "nota",
        )
    for _ in range(21 - max(len(notes), 1)):
        extra = etree.Element(CBC + "Note")
        extra.text = random_text(20, rng)
        anchor.addnext(extra)
    return True
