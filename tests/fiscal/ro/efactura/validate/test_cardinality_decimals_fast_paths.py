"""The fast paths of en16931.cardinality and en16931.decimals find exactly what their rule-by-rule code finds.

Each check is run twice on documents made to trouble its fast path (a repeated element, a third
decimal, a comment or child inside an amount): as is, and with the fast path's "nothing can fire"
answer forced to "look closer", which runs the rule-by-rule code. The findings must be equal.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lxml import etree

from genius.fiscal.ro.efactura.validate.document import UblDocument
from genius.fiscal.ro.efactura.validate.en16931 import cardinality, decimals
from tests.fiscal.ro.efactura.validate import corpus

Check = Callable[[UblDocument], object]


def _findings(checks: list[Check], root: etree._Element) -> list[tuple[str, str]]:
    doc = UblDocument(root)  # one per run: the fast path's memo must not serve the other run
    out = []
    for check in checks:
        for found in check(doc):  # type: ignore[attr-defined]
            rule_id, hit = found if isinstance(found, tuple) else (check.__name__, found)
            node = getattr(hit, "node", hit)
            out.append((rule_id, node.location if node is not None else "/"))
    return out


def _same(monkeypatch: pytest.MonkeyPatch, checks: list[Check], root: etree._Element, slow: dict) -> bool:
    """Assert both runs agree; True when they found something."""
    fast = _findings(checks, root)
    with monkeypatch.context() as patched:
        for (module, name), value in slow.items():
            patched.setattr(module, name, value)
        assert fast == _findings(checks, root)
    return bool(fast)


def _bases(validation_dir: Path) -> list[etree._Element]:
    return [etree.fromstring(b.xml) for b in corpus.all_bases(validation_dir)]


def _variants(root: etree._Element, names: set[str]) -> Iterator[etree._Element]:
    """The document with one element of a listed name repeated (a copy right after it), one at a time."""
    elements = [e for e in root.iter(etree.Element) if e is not root]
    for i, element in enumerate(elements):
        if etree.QName(element).localname not in names:
            continue
        variant = copy.deepcopy(root)
        target = [e for e in variant.iter(etree.Element) if e is not variant][i]
        target.addnext(copy.deepcopy(target))
        yield variant


def test_cardinality_fast_paths_agree(validation_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    every_name = frozenset().union(*cardinality._row_names())
    names = {n.split(":")[-1] for n in every_name}
    names |= {"Item", "ClassifiedTaxCategory", "InvoiceLine", "CreditNoteLine", "PartyIdentification"}
    checks: list[Check] = [
        cardinality.cardinalities,
        cardinality.ubl_sr_48,
        cardinality.ubl_sr_29,
        cardinality.ubl_sr_44,
        cardinality.ubl_sr_47,
    ]
    slow = {(cardinality, "_repeated"): lambda doc, names: set(every_name)}
    tried = found = 0
    for base in _bases(validation_dir):
        _same(monkeypatch, checks, base, slow)
        for variant in _variants(base, names):
            found += _same(monkeypatch, checks, variant, slow)
            tried += 1
    assert tried > 500
    assert found > 200  # the variants do reach the rule-by-rule code


def _amount_variants(root: etree._Element) -> Iterator[etree._Element]:
    seen: dict[str, int] = {}
    amounts = []
    for i, element in enumerate(root.iter(etree.Element)):
        name = etree.QName(element).localname
        if name.endswith("Amount") and seen.get(name, 0) < 2:  # the first two of each name
            seen[name] = seen.get(name, 0) + 1
            amounts.append(i)
    for i in amounts:
        for change in ("digit", "space", "comment", "pi", "child", "dotless-comment"):
            variant = copy.deepcopy(root)
            target = list(variant.iter(etree.Element))[i]
            text = target.text or ""
            if change == "digit":
                target.text = text + ("1" if "." in text else ".125")
            elif change == "space":
                target.text = text + " "
            elif change == "comment":
                target.append(etree.Comment("x"))
                target[-1].tail = "5"
            elif change == "pi":
                target.append(etree.ProcessingInstruction("x"))
            elif change == "child":
                etree.SubElement(target, "{urn:x}Part").text = ".123"
            else:
                target.text = text.split(".")[0]
                target.append(etree.Comment("x"))
                target[-1].tail = ".999"
            yield variant


def test_decimals_fast_path_agrees(validation_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checks: list[Check] = [decimals.decimal_places, decimals.ubl_dt_01]
    slow = {(decimals, "_amounts_plain"): lambda doc: False}
    tried = found = 0
    for base in _bases(validation_dir):
        _same(monkeypatch, checks, base, slow)
        for variant in _amount_variants(base):
            found += _same(monkeypatch, checks, variant, slow)
            tried += 1
    assert tried > 500
    assert found > 200  # the variants do reach the rule-by-rule code
