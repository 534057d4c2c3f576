"""The screens of en16931.codelists and en16931.syntax answer exactly what their slow code answers.

``codelists._table_passes`` may say "nothing of the table can fire" only when ``_table_hits`` finds
nothing; ``syntax._binary_objects`` (one search of the joined names) must list the same elements as
``names_ending("BinaryObject")`` does. Proved on every document of the findings dump, and on
documents made to trouble the screens.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from genius.fiscal.ro.efactura.validate.document import UblDocument, normalize_space
from genius.fiscal.ro.efactura.validate.en16931 import codelist_data, codelists, syntax
from tests.fiscal.ro.efactura.validate.findings_dump import parsed_documents

from .samples import INVOICE, edit, el, tree


def _slow_binary_objects(doc: UblDocument) -> list[object]:
    return [n for name in doc.names_ending("BinaryObject") for n in doc.all(name)]


def _agree(doc: UblDocument) -> tuple[bool, bool]:
    """Check both screens on ``doc``; (table passed, binary objects found)."""
    passes = codelists._table_passes(doc)
    if passes:
        assert not list(codelists._table_hits(doc))
    found = syntax._binary_objects(doc)
    assert found == _slow_binary_objects(doc)
    assert syntax._binary_objects(doc) is found  # once per document
    return passes, bool(found)


@pytest.mark.slow
def test_the_screens_agree_on_the_corpus(validation_dir: Path) -> None:
    outcomes = set()
    for _, root in parsed_documents(validation_dir):
        doc = UblDocument(root)
        outcomes.add(_agree(doc))
    # Both answers of both screens occur (the corpus troubles them).
    assert {passes for passes, _ in outcomes} == {True, False}
    assert {found for _, found in outcomes} == {True, False}


def _doc(xml: str) -> UblDocument:
    return UblDocument(tree(xml))


def test_a_clean_invoice_passes_both_screens() -> None:
    assert _agree(_doc(INVOICE)) == (True, False)


@pytest.mark.parametrize(
    ("xpath", "attribute", "value"),
    [
        ("//cac:ClassifiedTaxCategory/cbc:ID", None, "Q"),  # BR-CL-18: a parent of many
        ("//cac:ClassifiedTaxCategory/cbc:ID", None, " S"),  # not a code as it stands: look closer
        ("//cbc:DocumentCurrencyCode", None, "EURO"),  # BR-CL-04: no parent required
        ("//cac:PartyLegalEntity/cbc:CompanyID", "schemeID", "XX"),  # BR-CL-11: an attribute
        ("//cac:PartyLegalEntity/cbc:CompanyID", "schemeID", " 0002"),  # not a code as it stands
    ],
)
def test_a_value_off_the_list_fails_the_table(xpath: str, attribute: str | None, value: str) -> None:
    def change(root: etree._Element) -> None:
        target = el(root, xpath)
        if attribute is None:
            target.text = value
        else:
            target.set(attribute, value)

    doc = _doc(edit(INVOICE, change))
    assert not codelists._table_passes(doc)
    _agree(doc)


def test_a_checked_attribute_on_the_list_or_absent_passes() -> None:
    def change(root: etree._Element) -> None:
        el(root, "//cac:PartyLegalEntity/cbc:CompanyID").set("schemeID", "0002")

    assert _agree(_doc(edit(INVOICE, change)))[0]  # the other CompanyID has no schemeID


@pytest.mark.parametrize(
    "tag",
    [
        "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}EmbeddedDocumentBinaryObject",
        "{urn:other}PictureBinaryObject",  # Clark notation: still ends with BinaryObject
        "{urn:other}BinaryObjectNot",  # contains it, does not end with it
    ],
)
def test_binary_objects_wherever_their_name_comes(tag: str) -> None:
    for last in (True, False):  # the last name in the document's name index, or not

        def change(root: etree._Element, last: bool = last) -> None:
            element = etree.Element(tag, mimeCode="application/pdf")
            if last:
                root.append(element)
            else:
                root.insert(0, element)

        doc = _doc(edit(INVOICE, change))
        _, found = _agree(doc)
        assert found == tag.endswith("BinaryObject")


@pytest.mark.parametrize(
    ("xpath", "passes"),
    [
        ("//cac:TaxScheme/cbc:ID", True),  # cbc:ID under a parent the table does not check
        ("/*/cbc:ID", True),  # cbc:ID under the root
        ("//cac:Party", False),  # not the checked cbc:EndpointID, but add one there below
    ],
)
def test_attribute_rows_check_only_their_elements(xpath: str, passes: bool) -> None:
    def change(root: etree._Element) -> None:
        target = el(root, xpath)
        if passes:
            target.set("schemeID", "XX")
        else:
            endpoint = etree.SubElement(target, f"{{{root.nsmap['cbc']}}}EndpointID", schemeID="XX")
            endpoint.text = "x@example.ro"

    doc = _doc(edit(INVOICE, change))
    assert codelists._table_passes(doc) is passes
    _agree(doc)


@pytest.mark.parametrize(
    "text", ["VATEX-EU-O", "vatex-eu-o", " VATEX-EU-O", "VATEX-EU-O ", "VATEX EU", "X", "ß"]
)
def test_exemption_codes_as_the_rule_reads_them(text: str) -> None:
    """BR-CL-22's shortcut (the upper-cased text is a code) agrees with the rule's own formula."""

    def change(root: etree._Element) -> None:
        category = el(root, "//cac:TaxSubtotal/cac:TaxCategory")
        code = etree.SubElement(category, f"{{{root.nsmap['cbc']}}}TaxExemptionReasonCode")
        code.text = text

    doc = _doc(edit(INVOICE, change))
    (node,) = doc.all("cbc:TaxExemptionReasonCode")
    exemptions = codelist_data.code_list("vatex_exemption_reasons")
    expected = " " in node.norm or not exemptions.has_token(normalize_space(node.text.upper()))
    fired = [rule_id for rule_id, _ in codelists.code_lists(doc) if rule_id == "BR-CL-22"]
    assert fired == (["BR-CL-22"] if expected else [])
