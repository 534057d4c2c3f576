"""Per-rule tests: small documents that break EN 16931 rules (ANAF's copy) and the ids they must raise.

The table lives in ``en16931_cases``; the oracle test checks the same table against ANAF's XSLT.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from genius.fiscal.ro.efactura.validate.document import NAMESPACES
from genius.fiscal.ro.efactura.validate.findings import Finding

from .anaf_xslt import AnafXslt
from .en16931_cases import CASES, Case
from .samples import INVOICE, en16931_findings, tree

_IDS = [c.name for c in CASES]


def test_case_names_are_unique() -> None:
    assert len(set(_IDS)) == len(_IDS)


@pytest.mark.parametrize("case", CASES, ids=_IDS)
def test_rules_raise_the_expected_ids(case: Case) -> None:
    findings = en16931_findings(case.xml())
    assert {f.rule_id for f in findings if f.flag == "fatal"} == case.expected
    assert {f.rule_id for f in findings if f.flag == "warning"} == case.warnings


def _resolves(root: etree._Element, finding: Finding) -> bool:
    """The location is an XPath to exactly one element (or attribute) of the document."""
    path = finding.location
    root_name = etree.QName(root).localname
    prefix = "cn" if root_name == "CreditNote" else "ubl"
    xpath = f"/{prefix}:{root_name}" + path[len(root_name) + 1 :]
    return len(root.xpath(xpath, namespaces=NAMESPACES)) == 1


@pytest.mark.parametrize("case", [c for c in CASES if c.expected or c.warnings], ids=lambda c: c.name)
def test_findings_point_at_an_element_and_say_what_to_fix(case: Case) -> None:
    xml = case.xml()
    root = tree(xml)
    for finding in en16931_findings(xml):
        assert _resolves(root, finding), f"{finding.rule_id}: {finding.location} does not resolve"
        for message in (finding.message_ro, finding.message_en):
            assert "{" not in message and "}" not in message, f"{finding.rule_id}: unfilled {message}"
            assert len(message) > 30


def test_location_indexes_repeated_lines() -> None:
    xml = INVOICE.replace(">50.00</cbc:LineExtensionAmount>", ">50.001</cbc:LineExtensionAmount>")
    locations = {f.rule_id: f.location for f in en16931_findings(xml)}
    assert locations["BR-DEC-23"] == "/Invoice/cac:InvoiceLine[2]/cbc:LineExtensionAmount"
    assert locations["UBL-DT-01"] == "/Invoice/cac:InvoiceLine[2]/cbc:LineExtensionAmount"


def test_values_appear_in_messages() -> None:
    xml = INVOICE.replace('unitCode="HUR"', 'unitCode="ORE"')
    (finding,) = [f for f in en16931_findings(xml) if f.rule_id == "BR-CL-23"]
    assert "ORE" in finding.message_ro and "ORE" in finding.message_en
    assert finding.location == "/Invoice/cac:InvoiceLine[2]/cbc:InvoicedQuantity/@unitCode"


@pytest.fixture(scope="module")
def anaf_full(validation_dir: Path) -> AnafXslt:
    pytest.importorskip("saxonche")
    return AnafXslt(validation_dir)


@pytest.fixture(scope="module")
def anaf_en_only(validation_dir: Path) -> AnafXslt:
    pytest.importorskip("saxonche")
    return AnafXslt(validation_dir, without_ro_pattern=True)


@pytest.mark.oracle
@pytest.mark.parametrize("case", CASES, ids=_IDS)
def test_anafs_xslt_agrees_with_the_table(case: Case, anaf_full: AnafXslt, anaf_en_only: AnafXslt) -> None:
    xml = case.xml()
    if case.anaf == "ok":
        verdict = anaf_full.verdict(xml)
    else:
        with pytest.raises(Exception, match="more than one item"):
            anaf_full.verdict(xml)
        if case.anaf == "crash":
            with pytest.raises(Exception, match="more than one item"):
                anaf_en_only.verdict(xml)
            return
        verdict = anaf_en_only.verdict(xml)
    assert verdict.en16931_fatal == case.expected
    assert verdict.en16931_warnings == case.warnings


_ODD_VALUES = (
    "NaN",
    "INF",
    "-INF",
    "1e400",
    "",
    " ",
    "9" * 400,
    "-0",
    "+.5",
    "1_0",
    "\u0663",
    "\u00a0",
    "true",
    "1.",
    ".",
    "-",
    "0x10",
    "2024-02-30",
    "99999-01-01",
    "#",
    "##",
    "#AB",
    " S ",
    "vat",
    "Infinity",
)


def test_rules_never_raise_on_odd_values() -> None:
    """Seeded damage (odd texts and attribute values) on every case: the rules report, never crash."""
    import random

    rng = random.Random(20241125)
    bases = [c.xml() for c in CASES]
    for _ in range(400):
        root = tree(rng.choice(bases))
        elements = list(root.iter(etree.Element))
        for _ in range(rng.randint(1, 5)):
            element = rng.choice(elements)
            if rng.random() < 0.7:
                element.text = rng.choice(_ODD_VALUES)
            else:
                element.set(rng.choice([*element.attrib, "currencyID"]), rng.choice(_ODD_VALUES))
        en16931_findings(etree.tostring(root, encoding="unicode"))
