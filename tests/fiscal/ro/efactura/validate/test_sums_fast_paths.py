"""The fast paths of en16931.totals, lines and model find exactly what their rule-by-rule code finds.

Each rule set runs twice on documents made to trouble its fast path (an amount with a third decimal
that keeps or changes its value, a rate under 0.5, a VAT scheme id in another spelling, ...): as is,
and with the module's decided-once "nothing fires" answer forced to "look closer" (doc.memo), which
runs the rules one by one. The findings must be equal.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from genius.fiscal.ro.efactura.validate.document import UblDocument
from genius.fiscal.ro.efactura.validate.en16931 import lines, model, totals
from genius.fiscal.ro.efactura.validate.registry import RuleSet
from tests.fiscal.ro.efactura.validate import corpus

_CHECKED = (
    (totals.RULES, "totals.passes"),
    (lines.RULES, "lines.passes"),
    (model.RULES, "model.passes"),
)
# local name -> texts to put in its place (``{}``: the original text)
_EDITS = {
    "LineExtensionAmount": ("{}0", "{}1", "{}4", "-{}", "{}.004"),
    "TaxAmount": ("{}0", "{}9", "-{}", "0.4", "0.5"),
    "TaxableAmount": ("{}0", "{}1", "12345678901234567.5", "-{}"),
    "TaxExclusiveAmount": ("{}0", "{}5"),
    "TaxInclusiveAmount": ("{}00", "{}1"),
    "PayableAmount": ("{}0", "{}3"),
    "Percent": ("0.4", "0.5", "-0.5", "{}.0000000001", "{}0"),
    "ID": ("vat", " VAT ", "VAT "),
}


def _findings(rules: RuleSet, memo_key: str, root: etree._Element, slow: bool) -> list[tuple[str, str]]:
    doc = UblDocument(root)  # one per run: the fast path's memo must not serve the other run
    if slow:
        doc.memo[memo_key] = False
    return [(f.rule_id, f.location) for f in rules.run(doc)]


def _same(root: etree._Element) -> bool:
    """Assert both runs agree for each checked module; True when something was found."""
    found = False
    for rules, key in _CHECKED:
        fast = _findings(rules, key, root, slow=False)
        assert fast == _findings(rules, key, root, slow=True), rules.name
        found = found or bool(fast)
    return found


def _variants(root: etree._Element) -> Iterator[etree._Element]:
    """The document with one amount, rate or scheme id edited, one at a time."""
    elements = [e for e in root.iter(etree.Element) if e is not root]
    for i, element in enumerate(elements):
        edits = _EDITS.get(etree.QName(element).localname)
        if not edits or not element.text:
            continue
        for edit in edits:
            variant = copy.deepcopy(root)
            target = [e for e in variant.iter(etree.Element) if e is not variant][i]
            target.text = edit.format(element.text)
            yield variant


def test_totals_and_lines_fast_paths_agree(validation_dir: Path) -> None:
    tried = found = 0
    for base in corpus.all_bases(validation_dir)[:12]:
        root = etree.fromstring(base.xml)
        _same(root)
        for variant in _variants(root):
            found += _same(variant)
            tried += 1
    assert tried > 300
    assert found > 100  # the variants do reach the rule-by-rule code
