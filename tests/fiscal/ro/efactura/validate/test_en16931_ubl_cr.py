"""Every UBL-CR row (elements and attributes EN 16931 does not use) warns when its element is present."""

from __future__ import annotations

import csv
from importlib.resources import files
from pathlib import Path

import pytest
from lxml import etree

from genius.fiscal.ro.efactura.validate.document import NAMESPACES

from .anaf_xslt import AnafXslt
from .samples import INVOICE, en16931_findings, tree

_TABLE = files("genius.fiscal.ro.efactura").joinpath("data", "en16931", "ubl_cr_unused.csv")
ROWS = list(csv.DictReader(_TABLE.open(encoding="utf-8")))
LINE_ALTERNATIVE = "(cac:InvoiceLine|cac:CreditNoteLine)/"


def _child(parent: etree._Element, qname: str) -> etree._Element:
    prefix, local = qname.split(":")
    tag = f"{{{NAMESPACES[prefix]}}}{local}"
    found = parent.find(tag)
    if found is None:
        found = etree.SubElement(parent, tag)
        found.text = "1"
    return found


def with_unused(rule_id: str, path: str) -> str:
    """The sample invoice plus the element (or attribute) the row forbids."""
    root = tree(INVOICE)
    if rule_id == "UBL-CR-002":
        _child(root, "cbc:UBLVersionID").text = "2.0"
        return etree.tostring(root, encoding="unicode")
    start = root
    if path.startswith(LINE_ALTERNATIVE):
        start, path = root.find(f"{{{NAMESPACES['cac']}}}InvoiceLine"), path[len(LINE_ALTERNATIVE) :]
    path = path.removeprefix("//")
    element_path, _, attribute = path.partition("@")
    node = start if path.startswith("@") else None
    for step in filter(None, element_path.split("/")):
        node = _child(node if node is not None else start, step)
    if attribute:
        target = node if node is not None else root.find(f".//{{{NAMESPACES['cbc']}}}InvoicedQuantity")
        target.set(attribute, "x")
    return etree.tostring(root, encoding="unicode")


def test_table_has_every_ubl_cr_warning() -> None:
    assert len(ROWS) == 677
    assert len({r["rule_id"] for r in ROWS}) == 677


@pytest.mark.parametrize("row", ROWS, ids=[r["rule_id"] for r in ROWS])
def test_each_unused_element_warns(row: dict[str, str]) -> None:
    findings = en16931_findings(with_unused(row["rule_id"], row["path"]))
    hits = [f for f in findings if f.rule_id == row["rule_id"]]
    assert len(hits) == 1 and hits[0].flag == "warning"


def test_exceptions_of_three_rows() -> None:
    version = "<cbc:UBLVersionID>2.1</cbc:UBLVersionID>"
    accepted = INVOICE.replace("<cbc:CustomizationID>", version + "<cbc:CustomizationID>")
    assert "UBL-CR-002" not in {f.rule_id for f in en16931_findings(accepted)}
    invoiced_object = INVOICE.replace(
        "<cac:AccountingSupplierParty>",
        '<cac:AdditionalDocumentReference><cbc:ID schemeID="AAA">1</cbc:ID>'
        "<cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>"
        "<cac:AccountingSupplierParty>",
    )
    assert "UBL-CR-665" not in {f.rule_id for f in en16931_findings(invoiced_object)}


@pytest.mark.oracle
def test_anafs_xslt_gives_the_same_warnings(validation_dir: Path) -> None:
    pytest.importorskip("saxonche")
    anaf = AnafXslt(validation_dir)
    wrong = []
    for row in ROWS:
        xml = with_unused(row["rule_id"], row["path"])
        verdict = anaf.verdict(xml)
        findings = en16931_findings(xml)
        fatal = {f.rule_id for f in findings if f.flag == "fatal"}
        warnings = {f.rule_id for f in findings if f.flag != "fatal"}
        anafs = (verdict.en16931_fatal, verdict.en16931_warnings)
        if (fatal, warnings) != anafs or row["rule_id"] not in warnings:
            wrong.append(f"{row['rule_id']}: ours {fatal, warnings} ANAF {anafs}")
    assert not wrong, "\n".join(wrong[:20])
