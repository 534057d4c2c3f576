"""Our validator agrees with ANAF's verdict (the oracle) on the official examples and the mutated corpus."""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from genius.fiscal.ro.efactura.validate import validate_xml
from genius.fiscal.ro.efactura.validate.ciusro import RULES, UNREACHABLE_IN_ANAF_XSLT
from tests.fiscal.ro.efactura.validate import agreement, corpus
from tests.fiscal.ro.efactura.validate.mutations import FAMILIES

pytestmark = pytest.mark.oracle

MIN_DOCUMENTS = 300
MIN_PER_FAMILY = 10


@pytest.fixture(scope="session")
def bases(validation_dir: Path) -> list[corpus.Base]:
    return corpus.all_bases(validation_dir)


@pytest.fixture(scope="session")
def mutants(bases: list[corpus.Base]) -> list[corpus.Mutant]:
    return list(corpus.generate(bases))


@pytest.fixture(scope="session")
def outcomes(mutants: list[corpus.Mutant], oracle: Any) -> dict[str, list[agreement.Outcome]]:
    by_family: dict[str, list[agreement.Outcome]] = collections.defaultdict(list)
    for outcome in agreement.judge_corpus(mutants, oracle.check_text):
        by_family[outcome.family].append(outcome)
    return by_family


def _report(bad: list[agreement.Outcome]) -> str:
    return "\n".join(f"{o.key}: {o.problem}" for o in bad[:40]) + (
        f"\n... {len(bad) - 40} more" if len(bad) > 40 else ""
    )


def test_corpus_is_large_deterministic_and_covers_every_family(
    bases: list[corpus.Base], mutants: list[corpus.Mutant]
) -> None:
    assert len(mutants) >= MIN_DOCUMENTS
    counts = collections.Counter(m.family for m in mutants)
    for family in (*FAMILIES, "combined"):
        assert counts[family] >= MIN_PER_FAMILY, f"family {family} has only {counts[family]} documents"
    again = list(corpus.generate(bases))
    assert [m.xml for m in again] == [m.xml for m in mutants], "the same seed must give the same corpus"
    assert len({m.xml for m in mutants}) == len(mutants)


def test_every_base_is_accepted_by_anaf_and_by_us(bases: list[corpus.Base], oracle: Any) -> None:
    for base in bases:
        theirs = oracle.check_text(base.xml)
        ours = validate_xml(base.xml)
        assert theirs["anaf_ok"], f"{base.name}: the oracle rejects a base document: {theirs}"
        assert ours.anaf_ok, f"{base.name}: we reject a base document: {[f.rule_id for f in ours.fatal]}"


def test_official_examples_agree(validation_dir: Path, oracle: Any) -> None:
    results = agreement.judge_official(validation_dir, oracle.check_text)
    assert len(results) >= 25
    bad = [o for o in results if not o.agrees]
    assert not bad, _report(bad)


def test_ciusro_rule_ids_agree_on_every_mutant(outcomes: dict[str, list[agreement.Outcome]]) -> None:
    everything = [o for items in outcomes.values() for o in items]
    errors = [o for o in everything if o.problem and o.problem.startswith("oracle error")]
    assert not errors, _report(errors)
    bad = [o for o in everything if not o.ro_agrees]
    assert not bad, "\n".join(
        f"{o.key}: ours {sorted(i for i in o.our_ids if i.startswith('BR-RO'))}, "
        f"oracle {sorted(i for i in o.oracle_ids if i.startswith('BR-RO'))}"
        for o in bad[:40]
    )


@pytest.mark.parametrize("family", [*FAMILIES, "combined"])
def test_mutants_agree_with_anaf(family: str, outcomes: dict[str, list[agreement.Outcome]]) -> None:
    """Same XSD verdict, same ANAF verdict and, when the XSD passes, the same set of fatal rule ids."""
    items = outcomes[family]
    assert items
    bad = [o for o in items if not o.agrees]
    assert not bad, f"{len(bad)}/{len(items)} disagree:\n" + _report(bad)


def test_every_ciusro_rule_of_the_schematron_is_implemented_or_provably_unreachable(
    validation_dir: Path,
) -> None:
    sch = validation_dir / "ciusro" / "ro16931-ubl-1.0.9" / "cius-ro" / "RO16931-rules.sch"
    ns = {"s": "http://purl.oclc.org/dsdl/schematron"}
    tree = etree.parse(str(sch))
    tests = {e.get("id"): e for e in tree.xpath("//s:assert | //s:report", namespaces=ns)}
    ro_ids = {i for i in tests if i.startswith("BR-RO")}
    assert ro_ids == set(RULES.rules) | set(UNREACHABLE_IN_ANAF_XSLT)
    assert not set(RULES.rules) & set(UNREACHABLE_IN_ANAF_XSLT)
    for rule_id in RULES.rules:
        assert tests[rule_id].get("flag") == RULES.rules[rule_id].flag == "fatal"
    for rule_id in ("BR-RO-A051", "BR-RO-A052"):  # the reason given: they only count the context node
        assert tests[rule_id].get("test").replace(" ", "") == "count(.)<=50"
