"""Our EN 16931 rules (ANAF's copy) raise exactly the rule ids ANAF's compiled XSLT raises.

Official examples are judged by the shared oracle (``anaf_other_fatal``); CEN's unit-test
documents by ANAF's XSLT compiled in memory, fatal and warning ids both. A completeness test
reads the XSLT and checks every non-BR-RO rule is registered with ANAF's flag.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from genius.fiscal.ro.efactura.validate.document import UblDocument
from genius.fiscal.ro.efactura.validate.en16931 import DEAD_RULES
from genius.fiscal.ro.efactura.validate.findings import Finding
from genius.fiscal.ro.efactura.validate.registry import all_rules, rule_sets
from tests.conftest import VALIDATION_DIR
from tests.fiscal.ro.efactura.conftest import official_examples
from tests.fiscal.ro.efactura.validate.anaf_xslt import XSLT, AnafXslt, cen_unit_documents

XSL_NS = {"xsl": "http://www.w3.org/1999/XSL/Transform", "svrl": "http://purl.oclc.org/dsdl/svrl"}
EXAMPLES = official_examples(VALIDATION_DIR) if VALIDATION_DIR.is_dir() else []


def en16931_run(data: bytes) -> list[Finding]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    doc = UblDocument(etree.fromstring(data, parser=parser))
    return [f for rules in rule_sets() if rules.name.startswith("en16931") for f in rules.run(doc)]


def ids(findings: list[Finding], fatal: bool) -> set[str]:
    return {f.rule_id for f in findings if (f.flag == "fatal") == fatal}


@pytest.fixture(scope="module")
def anaf(validation_dir: Path) -> AnafXslt:
    pytest.importorskip("saxonche")
    return AnafXslt(validation_dir)


@pytest.mark.oracle
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_official_example_has_the_oracles_en16931_verdict(path: Path, oracle: Any) -> None:
    expected = set(oracle.check_file(path)["anaf_other_fatal"])
    assert ids(en16931_run(path.read_bytes()), fatal=True) == expected


@pytest.mark.oracle
def test_official_examples_are_all_there(validation_dir: Path) -> None:
    assert len(official_examples(validation_dir)) >= 30


@pytest.mark.oracle
@pytest.mark.slow
def test_cen_unit_test_documents_get_anafs_fatal_and_warning_ids(
    validation_dir: Path, anaf: AnafXslt
) -> None:
    documents = cen_unit_documents(validation_dir)
    assert len(documents) > 900
    wrong = []
    for key, data in documents:
        verdict = anaf.verdict(data)
        found = en16931_run(data)
        fatal, warnings = ids(found, fatal=True), ids(found, fatal=False)
        want_fatal, want_warnings = verdict.en16931_fatal, verdict.en16931_warnings
        if fatal != want_fatal or warnings != want_warnings:
            wrong.append(
                f"{key}: fatal +{sorted(fatal - want_fatal)} -{sorted(want_fatal - fatal)}"
                f" warnings +{sorted(warnings - want_warnings)} -{sorted(want_warnings - warnings)}"
            )
    assert not wrong, f"{len(wrong)} of {len(documents)} disagree:\n" + "\n".join(wrong[:20])


def _anaf_rules(validation_dir: Path) -> dict[str, str]:
    """Every (rule id -> flag) of ANAF's compiled XSLT outside BR-RO-*."""
    stylesheet = etree.parse(str(validation_dir / XSLT))
    found: dict[str, str] = {}
    svrl = XSL_NS["svrl"]
    for hit in stylesheet.iter(f"{{{svrl}}}failed-assert", f"{{{svrl}}}successful-report"):
        rule_id = hit.find("xsl:attribute[@name='id']", XSL_NS).text
        flag_node = hit.find("xsl:attribute[@name='flag']", XSL_NS)
        if not rule_id.startswith("BR-RO"):
            found[rule_id] = flag_node.text if flag_node is not None else "fatal"
    return found


def test_every_en16931_rule_of_anafs_xslt_is_registered_with_its_flag(validation_dir: Path) -> None:
    expected = _anaf_rules(validation_dir)
    registered = {i: r for i, r in all_rules().items() if not i.startswith("BR-RO")}
    assert len(expected) == 998
    missing = sorted(set(expected) - set(registered) - set(DEAD_RULES))
    assert not missing, f"not implemented: {missing}"
    assert not set(registered) - set(expected), "registered rules ANAF's XSLT does not have"
    assert not set(DEAD_RULES) & set(registered)
    assert set(DEAD_RULES) <= set(expected)
    flags = {i: (r.flag, expected[i]) for i, r in registered.items() if r.flag != expected[i]}
    assert not flags, f"flag differs from ANAF's: {flags}"
