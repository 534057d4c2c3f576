"""The validator framework: the document index, XPath-faithful helpers, the rule registry, the report."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from genius.fiscal.ro.efactura.validate.document import (
    Node,
    UblDocument,
    normalize_space,
    parse_xs_boolean,
    parse_xs_decimal,
    round2,
    xpath_round,
)
from genius.fiscal.ro.efactura.validate.findings import Finding, ValidationReport
from genius.fiscal.ro.efactura.validate.registry import Hit, Rule, RuleSet, all_rules, run_rules
from genius.fiscal.ro.efactura.validate.xsd import parse_document

from .samples import INVOICE, edit, en16931_findings, remove, tree


def test_index_navigates_by_qualified_names() -> None:
    doc = UblDocument(tree())
    assert doc.is_invoice and doc.is_ubl and not doc.is_credit_note
    name = doc.root.find("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName")
    assert name is not None and name.text == "Furnizor SRL"
    assert [n.text for n in doc.root.findall("cac:InvoiceLine/cbc:ID")] == ["1", "2"]
    assert len(doc.all("cbc:Percent")) == 3
    assert doc.root.find("cac:Nothing/cbc:ID") is None
    assert doc.root.value("cbc:ID") == "GEN-2024-0001"
    assert doc.all("cbc:InvoicedQuantity")[0].attr("unitCode") == "H87"
    assert len(doc.lines) == 2
    assert doc.root.count("cac:InvoiceLine") == 2
    assert doc.root.count("cac:InvoiceLine/cbc:ID") == 2
    assert doc.root.count("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory") == 2
    assert doc.root.count("cac:Nothing/cbc:ID") == 0
    assert [n.text for n in doc.at("cac:InvoiceLine/cbc:ID")] == ["1", "2"]
    assert [(n.text, v) for n, v in doc.attributes("unitCode")] == [("2", "H87"), ("1", "HUR")]
    assert doc.names_ending("Quantity") == ["cbc:InvoicedQuantity"]


def test_location_indexes_only_repeated_elements() -> None:
    doc = UblDocument(tree())
    amount = doc.lines[1].first("cbc:LineExtensionAmount")
    assert amount is not None
    assert amount.location == "/Invoice/cac:InvoiceLine[2]/cbc:LineExtensionAmount"
    assert doc.root.first("cbc:ID").location == "/Invoice/cbc:ID"  # type: ignore[union-attr]
    assert amount.path == "cac:InvoiceLine/cbc:LineExtensionAmount"


def test_nodes_are_the_elements_and_a_root_parsed_elsewhere_is_read_again() -> None:
    data = INVOICE.replace("</cbc:ID>", "</cbc:ID><cbc:Note/>", 1).encode("utf-8")
    own = UblDocument(parse_document(data, element_class=Node))
    other = UblDocument(etree.fromstring(data))  # lxml's own element class: parsed again with Nodes
    assert isinstance(other.root, Node)
    assert own.root.el is own.root
    seen = [(n.name, n.text, n.location) for n in own.nodes]
    assert seen == [(n.name, n.text, n.location) for n in other.nodes]
    empty = own.root.first("cbc:Note")
    assert empty is not None and empty.text == "" and len(empty) == 0
    assert all(own.nodes)  # a Node is true even without children (``node or parent`` in rules)
    assert own.root.first("cac:AccountingSupplierParty").parent is own.root  # type: ignore[union-attr]


def test_comments_are_not_elements() -> None:
    xml = INVOICE.replace("<cbc:ID>GEN-2024-0001</cbc:ID>", "<!-- c --><cbc:ID>GEN-2024-0001</cbc:ID>")
    doc = UblDocument(tree(xml))
    assert doc.root.value("cbc:ID") == "GEN-2024-0001"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.50", Decimal("12.50")),
        (" -3 ", Decimal("-3")),
        (".5", Decimal("0.5")),
        ("7.", Decimal("7")),
        ("+1", Decimal("1")),
        ("1e3", None),
        ("NaN", None),
        ("1_000", None),
        ("1,5", None),
        ("", None),
    ],
)
def test_xs_decimal_lexical_space(text: str, expected: Decimal | None) -> None:
    assert parse_xs_decimal(text) == expected


def test_decimal_failures_are_recorded() -> None:
    doc = UblDocument(tree(INVOICE.replace(">238.00</cbc:PayableAmount>", ">2,38</cbc:PayableAmount>")))
    node = doc.root.find("cac:LegalMonetaryTotal/cbc:PayableAmount")
    assert doc.decimal(node) is None
    assert doc.decimal_errors == [(node, "2,38")]


def test_xpath_helpers() -> None:
    assert xpath_round(Decimal("2.5")) == 3
    assert xpath_round(Decimal("-2.5")) == -2  # XPath rounds half toward +infinity
    assert round2(Decimal("1.005")) == Decimal("1.01")
    assert round2(Decimal("-1.005")) == Decimal("-1.00")
    assert normalize_space("  a \n b\u00a0") == "a b\u00a0"  # NBSP is not XML whitespace
    assert parse_xs_boolean(" true ") is True and parse_xs_boolean("0") is False
    assert parse_xs_boolean("yes") is None


def test_rule_set_contract() -> None:
    rules = RuleSet("test")

    @rules.rule("T-1", "fatal", ro="Lipsește {what}.", en="{what} is missing.")
    def t1(doc: UblDocument):  # type: ignore[no-untyped-def]
        yield Hit(doc.root.first("cbc:ID"), {"what": "BT-1"}, attribute="schemeID")
        yield doc.root

    @rules.group([Rule("T-2", "warning", "ro", "en"), Rule("T-3", "fatal", "ro3", "en3")])
    def t23(doc: UblDocument):  # type: ignore[no-untyped-def]
        yield "T-3", doc.root

    with pytest.raises(ValueError, match="twice"):
        rules.rule("T-1", "fatal", ro="", en="")(t1)

    found = rules.run(UblDocument(tree()))
    assert found == [
        Finding("T-1", "fatal", "Lipsește BT-1.", "BT-1 is missing.", "/Invoice/cbc:ID/@schemeID"),
        Finding("T-1", "fatal", "Lipsește {what}.", "{what} is missing.", "/Invoice"),
        Finding("T-3", "fatal", "ro3", "en3", "/Invoice"),
    ]


def test_report() -> None:
    fatal = Finding("BR-01", "fatal", "ro", "en", "/Invoice")
    warning = Finding("UBL-CR-001", "warning", "ro", "en", "/Invoice")
    report = ValidationReport.of([warning])
    assert report.anaf_ok and report.fatal == () and report.warning_rule_ids == {"UBL-CR-001"}
    report = report.merged([fatal])
    assert not report.anaf_ok
    assert report.fatal_rule_ids == {"BR-01"}


def test_registered_rules_have_bilingual_messages() -> None:
    for rule_id, rule in all_rules().items():
        assert rule.flag in ("fatal", "warning"), rule_id
        assert rule.message_ro.strip() and rule.message_en.strip(), rule_id
        assert rule.message_ro != rule.message_en, rule_id


def test_sample_invoice_breaks_no_rule() -> None:
    assert run_rules(UblDocument(tree())) == []  # CIUS-RO rules included


def test_missing_invoice_number_is_br_02() -> None:
    xml = edit(INVOICE, remove("/*/cbc:ID"))
    findings = en16931_findings(xml)
    assert [(f.rule_id, f.location) for f in findings] == [("BR-02", "/Invoice")]


def test_br_co_15_total_with_vat() -> None:
    xml = INVOICE.replace(">238.00</cbc:TaxInclusiveAmount>", ">238.01</cbc:TaxInclusiveAmount>").replace(
        ">238.00</cbc:PayableAmount>", ">238.01</cbc:PayableAmount>"
    )
    findings = en16931_findings(xml)
    assert [(f.rule_id, f.location) for f in findings] == [("BR-CO-15", "/Invoice/cac:LegalMonetaryTotal")]
    assert "BT-112" in findings[0].message_ro
