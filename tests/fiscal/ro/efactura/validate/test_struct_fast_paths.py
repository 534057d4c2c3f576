"""The folded rule groups of en16931.cardinality, parties and references find exactly what their rules
find one by one.

Each module's "none of the covered rules fires" answer (``<module>.passes`` in ``doc.memo``) is
forced to "look closer" on a second run, which runs every rule as written; both runs must give the
same findings on the corpus bases and on variants made to trouble the shortcut (an element repeated,
removed, or repeated with another text).
"""

from __future__ import annotations

import copy
import string
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from genius.fiscal.ro.efactura.validate.document import UblDocument
from genius.fiscal.ro.efactura.validate.en16931 import cardinality, parties, references
from genius.fiscal.ro.efactura.validate.en16931.codelists import vat_id_prefixes
from genius.fiscal.ro.efactura.validate.registry import RuleSet

from .test_cardinality_decimals_fast_paths import _bases, _variants


def _run(rules: RuleSet, key: str, root: etree._Element, slow: bool) -> list[tuple[str, str, str]]:
    doc = UblDocument(root)
    if slow:
        doc.memo[key] = False  # (what decided_once would have found: not sure)
    return [(f.rule_id, f.message_en, f.location) for f in rules.run(doc)]


def _edits(root: etree._Element, names: set[str]) -> Iterator[etree._Element]:
    """The document with one element of a listed name removed, or copied with another text."""
    elements = [e for e in root.iter(etree.Element) if e is not root]
    for i, element in enumerate(elements):
        if etree.QName(element).localname not in names:
            continue
        for edit in ("remove", "other text", "empty"):
            variant = copy.deepcopy(root)
            target = [e for e in variant.iter(etree.Element) if e is not variant][i]
            if edit == "remove":
                target.getparent().remove(target)
            elif edit == "other text":
                other = copy.deepcopy(target)
                other.text = (target.text or "") + "9"
                target.addnext(other)
            else:
                target.text = ""
                for child in list(target):
                    target.remove(child)
            yield variant


def _agree(rules: RuleSet, key: str, roots: Iterator[etree._Element]) -> tuple[int, int]:
    tried = found = 0
    for root in roots:
        fast = _run(rules, key, root, slow=False)
        assert fast == _run(rules, key, root, slow=True)
        tried += 1
        found += bool(fast)
    return tried, found


def _documents(validation_dir: Path, names: set[str]) -> Iterator[etree._Element]:
    for base in _bases(validation_dir):
        yield base
        yield from _variants(base, names)
        yield from _edits(base, names)


def test_cardinality_folded_rules_agree(validation_dir: Path) -> None:
    names = {
        "Item",
        "ClassifiedTaxCategory",
        "InvoiceLine",
        "CreditNoteLine",
        "PaymentID",
        "PaymentMeansCode",
    }
    tried, found = _agree(cardinality.RULES, "cardinality.passes", _documents(validation_dir, names))
    assert tried > 500
    assert found > 200  # the variants do reach the rule-by-rule code


def test_references_folded_rules_agree(validation_dir: Path) -> None:
    names = {"PaymentMeans", "PaymentMeansCode", "PayeeFinancialAccount", "ID"}
    tried, found = _agree(references.RULES, "references.passes", _documents(validation_dir, names))
    assert tried > 500
    assert found > 100


def test_parties_folded_rules_agree(validation_dir: Path) -> None:
    names = {"Country", "IdentificationCode", "EndpointID", "CompanyID", "PartyTaxScheme", "PartyLegalEntity"}
    names |= {"PartyIdentification", "PostalAddress", "TaxScheme"}
    tried, found = _agree(parties.RULES, "parties.passes", _documents(validation_dir, names))
    assert tried > 500
    assert found > 100


def test_prefix_pairs_are_the_two_character_substrings_of_the_list() -> None:
    prefixes = vat_id_prefixes()
    characters = string.ascii_letters + string.digits + " -."
    for pair in (a + b for a in characters for b in characters):
        assert (pair in parties._prefix_pairs()) == prefixes.contains(pair), pair
