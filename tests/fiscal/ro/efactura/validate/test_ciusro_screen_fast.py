"""The CIUS-RO screen's shortcuts are sufficient tests: each one, met, implies the check holds.

Compared with the forced slow path (``RuleSet.run``: every check, rule by rule) on edited invoices.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from lxml import etree

from genius.fiscal.ro.efactura.validate.ciusro import RULES, addresses, header, limits, screen
from genius.fiscal.ro.efactura.validate.document import UblDocument
from genius.fiscal.ro.efactura.validate.registry import RuleSet
from tests.fiscal.ro.efactura.validate.findings_dump import parsed_documents

from .samples import INVOICE, NS, edit, el, set_text, tree


def _doc(xml: str) -> UblDocument:
    return UblDocument(tree(xml))


def _same_as_slow_path(doc: UblDocument) -> list[str]:
    fast = [(f.rule_id, f.message_en, f.location) for f in RULES.run(doc)]
    assert fast == [(f.rule_id, f.message_en, f.location) for f in RuleSet.run(RULES, doc)]
    return [rule_id for rule_id, _, _ in fast]


def test_a_plain_date_is_a_ro_date() -> None:
    years = ("0000", "1900", "2000", "2023", "2024", "9999")
    for year, month, day in itertools.product(years, range(15), range(34)):
        text = f"{year}-{month:02d}-{day:02d}"
        if screen._PLAIN_DATE.fullmatch(text) is not None:
            assert header.is_ro_date(text), text
    for text in ("2024-02-29", "2023-02-29", " 2024-01-01", "2024-01-01 ", "2024-1-01", "2024-01-01Z"):
        assert screen._PLAIN_DATE.fullmatch(text) is None, text


@pytest.mark.parametrize("date", ["2024-02-29", "2023-02-29", "2024-04-31", "2024-01-01 "])
def test_a_date_outside_the_plain_form_is_left_to_the_check(date: str) -> None:
    doc = _doc(edit(INVOICE, set_text("/*/cbc:IssueDate", date)))
    assert header.br_ro_dates in (screen.doubtful_checks(doc) or ())
    fired = _same_as_slow_path(doc)
    assert ("BR-RO-DT001" in fired) == (not header.is_ro_date(date))


@pytest.mark.parametrize(
    ("text", "fires"), [("GEN-1", False), ("GEN-1 ", False), (" 1 A", False), ("GEN", True), ("", True)]
)
def test_the_invoice_number_digit(text: str, fires: bool) -> None:
    doc = _doc(edit(INVOICE, set_text("/*/cbc:ID", text)))
    assert ("BR-RO-010" in _same_as_slow_path(doc)) == fires


@pytest.mark.parametrize("county", ["RO-B", " RO-B", "RO-B\n", "RO-CJ", "B", ""])
@pytest.mark.parametrize("city", ["SECTOR1", " SECTOR1", "Bucuresti"])
@pytest.mark.parametrize("country", ["RO", " RO ", "DE"])
def test_seller_county_and_sector(county: str, city: str, country: str) -> None:
    xml = edit(INVOICE, set_text("/*/cac:AccountingSupplierParty//cbc:CountrySubentity", county))
    xml = edit(xml, set_text("/*/cac:AccountingSupplierParty//cbc:CityName", city))
    xml = edit(xml, set_text("/*/cac:AccountingSupplierParty//cbc:IdentificationCode", country))
    doc = _doc(xml)
    doubtful = screen.doubtful_checks(doc)
    assert doubtful is not None
    fired = _same_as_slow_path(doc)
    if "BR-RO-100" in fired:
        assert addresses.br_ro_100 in doubtful
    if "BR-RO-110" in fired:
        assert addresses.br_ro_110 in doubtful


@pytest.mark.parametrize("legal", [True, False])
@pytest.mark.parametrize("vat", ["", "  ", "RO1", None])
def test_buyer_identifiers(legal: bool, vat: str | None) -> None:
    def change(root: etree._Element) -> None:
        party = el(root, "/*/cac:AccountingCustomerParty/cac:Party")
        if not legal:
            company = el(root, "/*/cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID")
            company.getparent().remove(company)
        if vat is not None:
            scheme = etree.SubElement(party, f"{{{NS['cac']}}}PartyTaxScheme")
            etree.SubElement(scheme, f"{{{NS['cbc']}}}CompanyID").text = vat
            party.remove(scheme)
            party.insert(2, scheme)

    doc = _doc(edit(INVOICE, change))
    doubtful = screen.doubtful_checks(doc)
    assert doubtful is not None
    assert (header.br_ro_120 in doubtful) == (not legal and not (vat or "").strip())
    _same_as_slow_path(doc)


@pytest.mark.parametrize(
    ("xpath", "rule"), [("/*/cbc:ID", "BR-RO-L155"), ("/*/cac:OrderReference/cbc:ID", "BR-RO-L0303")]
)
def test_a_long_identifier_is_found_through_its_parent(xpath: str, rule: str) -> None:
    def change(root: etree._Element) -> None:
        order = etree.Element(f"{{{NS['cac']}}}OrderReference")
        etree.SubElement(order, f"{{{NS['cbc']}}}ID").text = "PO-1"
        el(root, "/*/cbc:DocumentCurrencyCode").addnext(order)

    xml = edit(INVOICE, change)
    doc = _doc(edit(xml, set_text(xpath, "7" * 201)))
    assert ("cbc:ID", "") in limits.over_limits(doc)
    assert rule in _same_as_slow_path(doc)
    assert limits.over_limits(_doc(edit(xml, set_text(xpath, "7" * 200)))) == set()


def test_a_long_identifier_under_an_unlimited_parent_is_not_measured() -> None:
    doc = _doc(edit(INVOICE, set_text("/*/cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID", "7" * 300)))
    assert limits.over_limits(doc) == set()
    assert not [r for r in _same_as_slow_path(doc) if r.startswith("BR-RO-L")]


def _reference_over(doc: UblDocument) -> set[tuple[str, str]]:
    """over_limits as a plain read of every element (no table shortcut)."""
    over = set()
    for name, attribute, _, per_parent, anywhere in limits._ALL_TEXT_BOUNDS + limits._ATTRIBUTE_BOUNDS:
        for node in doc.all(name):
            text = node.el.get(attribute) if attribute else node.text
            if text is not None and limits._over(node, len(text), per_parent, anywhere):
                over.add((name, attribute))
    return over


@pytest.mark.slow
def test_over_limits_names_every_text_the_plain_read_finds(validation_dir: Path) -> None:
    checked = 0
    for key, root in parsed_documents(validation_dir):
        doc = UblDocument(root)
        assert _reference_over(doc) <= limits.over_limits(doc), key
        checked += 1
    assert checked > 1000


def test_the_known_dates_hold_only_plain_dates() -> None:
    for date in ("2024-03-01", "2024-02-30", "2024-02-29", "2024-03-01"):
        doc = _doc(edit(INVOICE, set_text("/*/cbc:IssueDate", date)))
        doubtful = screen.doubtful_checks(doc)
        assert doubtful is not None
        assert (header.br_ro_dates in doubtful) == (screen._PLAIN_DATE.fullmatch(date) is None)
        _same_as_slow_path(doc)
    assert "2024-03-01" in screen._KNOWN_DATES
    assert all(screen._PLAIN_DATE.fullmatch(date) for date in screen._KNOWN_DATES)


def test_a_second_country_of_the_address_is_read_when_the_first_has_no_code() -> None:
    def change(root: etree._Element) -> None:
        address = el(root, "/*/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress")
        el(root, "/*/cac:AccountingCustomerParty//cbc:CountrySubentity").text = "CJ"
        country = el(root, "/*/cac:AccountingCustomerParty//cac:Country")
        address.insert(address.index(country), etree.Element(f"{{{NS['cac']}}}Country"))

    doc = _doc(edit(INVOICE, change))
    doubtful = screen.doubtful_checks(doc)
    assert doubtful is not None
    assert addresses.br_ro_111 in doubtful
    assert "BR-RO-111" in _same_as_slow_path(doc)
