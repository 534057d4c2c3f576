"""CIUS-RO rules on pinned cases: the BR-RO ids we raise, each confirmed by ANAF's XSLT (the oracle).

The cases pin the places where ANAF's compiled XSLT differs from a plain reading of the schematron
(report rules, first-match contexts, the Invoice-namespace credit-note contexts, XPath string
semantics), so a regression shows up as a named case rather than a corpus statistic.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from genius.fiscal.ro.efactura.validate import validate_xml
from genius.fiscal.ro.efactura.validate.ciusro.header import is_ro_date
from tests.fiscal.ro.efactura.validate.mutations.core import (
    CUS,
    DLV,
    NS,
    RO_CIUS_ID,
    SUP,
    add_after,
    find_one,
    remove_all,
    set_text,
)

INVOICE = "ciusro/examples/b2g-1.0.9/ubl_b2g_example0.xml"  # RON, delivery, tax representative, allowances
CREDIT_NOTE = "ciusro/examples/anaf-2022/creditNote_ex.xml"  # SEK, buyer in Arad

Edit = Callable[[etree._Element], object]


def _delivery_in_bucharest_with_city(city: str) -> Edit:
    def edit(root: etree._Element) -> None:
        set_text(root, f"{DLV}/cac:Country/cbc:IdentificationCode", "RO")
        set_text(root, f"{DLV}/cbc:CountrySubentity", "RO-B")
        set_text(root, f"{DLV}/cbc:CityName", city)

    return edit


def _credit_note_delivery_with_bad_county(root: etree._Element) -> None:
    """A deliver-to address in a credit note: ANAF's contexts use /ubl:CreditNote (Invoice namespace)."""
    delivery = etree.fromstring(
        f'<cac:Delivery xmlns:cac="{NS["cac"]}" xmlns:cbc="{NS["cbc"]}"><cac:DeliveryLocation><cac:Address>'
        "<cbc:CityName>Cluj</cbc:CityName><cbc:CountrySubentity>Cluj</cbc:CountrySubentity>"
        "<cac:Country><cbc:IdentificationCode>RO</cbc:IdentificationCode></cac:Country>"
        "</cac:Address></cac:DeliveryLocation></cac:Delivery>"
    )
    find_one(root, "cac:AccountingCustomerParty").addnext(delivery)


def _line_note(length: int) -> Edit:
    # Set the line's one note: with two notes ANAF's XSLT itself fails (normalize-space of two nodes).
    def edit(root: etree._Element) -> None:
        set_text(find_one(root, "cac:InvoiceLine"), "cbc:Note", "x" * length)

    return edit


def _seller_in_bucharest_with_city(city: str) -> Edit:
    def edit(root: etree._Element) -> None:
        set_text(root, f"{SUP}/cac:PostalAddress/cac:Country/cbc:IdentificationCode", "RO")
        set_text(root, f"{SUP}/cac:PostalAddress/cbc:CountrySubentity", "RO-B")
        set_text(root, f"{SUP}/cac:PostalAddress/cbc:CityName", city)

    return edit


def _tax_point_date_code(code: str) -> Edit:
    def edit(root: etree._Element) -> None:
        add_after(find_one(root, "cac:InvoicePeriod"), ("StartDate", "EndDate"), "cbc:DescriptionCode", code)

    return edit


def _foreign_currency_without_tax_currency(root: etree._Element) -> None:
    set_text(root, "cbc:DocumentCurrencyCode", "EUR")
    remove_all(root, "cbc:TaxCurrencyCode")


def _charge_category_with_other_scheme(root: etree._Element) -> None:
    """BR-RO-065 reads allowances (ChargeIndicator 'false') only with TaxScheme 'VAT'; lines decide here."""
    for line in root.findall("cac:InvoiceLine", NS):
        set_text(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID", "O")
    remove_all(root, f"{SUP}/cac:PartyTaxScheme")
    remove_all(root, "cac:TaxRepresentativeParty/cac:PartyTaxScheme")


CASES: list[tuple[str, str, Edit, set[str]]] = [
    ("accepted as is", INVOICE, lambda root: None, set()),
    (
        "BT-24 of CIUS-RO 1.0.0",
        INVOICE,
        lambda root: set_text(root, "cbc:CustomizationID", RO_CIUS_ID.replace("1.0.1", "1.0.0")),
        {"BR-RO-001"},
    ),
    (
        "invoice number without a digit",
        INVOICE,
        lambda root: set_text(root, "cbc:ID", "FACT-A"),
        {"BR-RO-010"},
    ),
    (
        "type code 381 on an Invoice",
        INVOICE,
        lambda root: set_text(root, "cbc:InvoiceTypeCode", "381"),
        {"BR-RO-020_1"},
    ),
    (
        "seller in Bucharest with a city name",
        INVOICE,
        _seller_in_bucharest_with_city("Bucuresti"),
        {"BR-RO-100"},
    ),
    ("seller in Bucharest, SECTOR2", INVOICE, _seller_in_bucharest_with_city("SECTOR2"), set()),
    (
        "buyer in Bucharest with a city name",
        INVOICE,
        lambda root: set_text(root, f"{CUS}/cac:PostalAddress/cbc:CityName", "Bucuresti"),
        {"BR-RO-101"},
    ),
    (
        "buyer county lowercase",
        CREDIT_NOTE,
        lambda root: (
            set_text(root, "cbc:CustomizationID", RO_CIUS_ID),
            set_text(root, f"{CUS}/cac:PostalAddress/cbc:CountrySubentity", "ro-ar"),
        ),
        {"BR-RO-111"},
    ),
    (
        "deliver-to in Bucharest, city 'Sector 1'",
        INVOICE,
        _delivery_in_bucharest_with_city("Sector 1"),
        {"BR-RO-202"},
    ),
    ("deliver-to in Bucharest, SECTOR6", INVOICE, _delivery_in_bucharest_with_city("SECTOR6"), set()),
    (
        "credit note: deliver-to county rules never fire",
        CREDIT_NOTE,
        lambda root: (
            set_text(root, "cbc:CustomizationID", RO_CIUS_ID),
            _credit_note_delivery_with_bad_county(root),
        ),
        set(),
    ),
    (
        "line note of 301: line and note rules both fire",
        INVOICE,
        _line_note(301),
        {"BR-RO-L303", "BR-RO-L302"},
    ),
    ("line note of 300", INVOICE, _line_note(300), set()),
    (
        "street of 170 characters that collapse to 149",
        INVOICE,
        lambda root: set_text(
            root, f"{SUP}/cac:PostalAddress/cbc:StreetName", "  " + "  ".join(["abcdefghijklmn"] * 10)
        ),
        set(),
    ),
    (
        "issue date with a time zone",
        INVOICE,
        lambda root: set_text(root, "cbc:IssueDate", "2022-01-15Z"),
        {"BR-RO-DT001"},
    ),
    (
        "document currency EUR without BT-6",
        INVOICE,
        _foreign_currency_without_tax_currency,
        {"BR-RO-030"},
    ),
    (
        "an empty buyer legal id satisfies BR-RO-120",
        INVOICE,
        lambda root: (
            remove_all(root, f"{CUS}/cac:PartyTaxScheme"),
            set_text(root, f"{CUS}/cac:PartyLegalEntity/cbc:CompanyID", ""),
        ),
        set(),
    ),
    (
        "no buyer ids at all",
        INVOICE,
        lambda root: (
            remove_all(root, f"{CUS}/cac:PartyTaxScheme"),
            remove_all(root, f"{CUS}/cac:PartyLegalEntity/cbc:CompanyID"),
        ),
        {"BR-RO-120"},
    ),
    (
        "no seller VAT ids",
        INVOICE,
        lambda root: (
            remove_all(root, f"{SUP}/cac:PartyTaxScheme"),
            remove_all(root, "cac:TaxRepresentativeParty/cac:PartyTaxScheme"),
        ),
        {"BR-RO-065"},
    ),
    (
        "no seller VAT ids, lines outside the listed categories",
        INVOICE,
        _charge_category_with_other_scheme,
        {"BR-RO-065"},
    ),
    (
        "tax point date code 5",
        INVOICE,
        _tax_point_date_code("5"),
        {"BR-RO-040"},
    ),
    ("tax point date code 35", INVOICE, _tax_point_date_code("35"), set()),
]


def _apply(validation_dir: Path, base: str, edit: Edit) -> bytes:
    root = etree.fromstring((validation_dir / base).read_bytes())
    edit(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize(("name", "base", "edit", "expected"), CASES, ids=[c[0] for c in CASES])
def test_ciusro_case(name: str, base: str, edit: Edit, expected: set[str], validation_dir: Path) -> None:
    xml = _apply(validation_dir, base, edit)
    ours = {f.rule_id for f in validate_xml(xml).fatal if f.rule_id.startswith("BR-RO")}
    assert ours == expected


@pytest.mark.oracle
@pytest.mark.parametrize(("name", "base", "edit", "expected"), CASES, ids=[c[0] for c in CASES])
def test_ciusro_case_matches_anaf(
    name: str, base: str, edit: Edit, expected: set[str], validation_dir: Path, oracle: Any
) -> None:
    xml = _apply(validation_dir, base, edit)
    assert set(oracle.check_text(xml)["ciusro_fatal"]) == expected


def test_findings_point_at_the_element_and_say_what_to_fix(validation_dir: Path) -> None:
    xml = _apply(validation_dir, INVOICE, _seller_in_bucharest_with_city("Buc"))
    (finding,) = [f for f in validate_xml(xml).fatal if f.rule_id == "BR-RO-100"]
    assert finding.location == "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:CityName"
    assert "SECTOR1" in finding.message_ro and "„Buc”" in finding.message_ro
    assert "SECTOR1" in finding.message_en and "'Buc'" in finding.message_en


def test_length_finding_gives_the_length_and_attribute_location(validation_dir: Path) -> None:
    def edit(root: etree._Element) -> None:
        find_one(root, "cac:PaymentMeans/cbc:PaymentMeansCode").set("name", "n" * 101)

    (finding,) = [
        f for f in validate_xml(_apply(validation_dir, INVOICE, edit)).fatal if f.rule_id == "BR-RO-L1016"
    ]
    assert finding.location.endswith("cac:PaymentMeans/cbc:PaymentMeansCode/@name")
    assert "101" in finding.message_en and "100" in finding.message_en


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("2024-02-29", True),
        ("2023-02-29", False),
        ("2024-04-31", False),
        ("2024-12-31", True),
        ("0000-01-01", True),
        ("2024-1-01", False),
        (" 2024-01-1", False),
        ("2024-01-01Z", False),
        ("", False),
    ],
)
def test_ro_date_format(text: str, ok: bool) -> None:
    assert is_ro_date(text) is ok
