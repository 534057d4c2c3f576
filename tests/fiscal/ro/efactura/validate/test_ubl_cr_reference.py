"""The UBL-CR check read from the element names upwards finds what the walk from the root found.

``_reference`` is the check as it was before (one walk over every parent, from the root, down a tree
of the listed paths; 'anywhere' rows by name and parent): the rule ids, the elements and the
attributes of both must be the same on documents carrying many listed paths at once, duplicated,
nested at several depths, with and without the attribute a row names, on invoices and credit notes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

import pytest
from lxml import etree

from genius.fiscal.ro.efactura.validate.document import NAMESPACES, Node, UblDocument
from genius.fiscal.ro.efactura.validate.en16931 import ubl_cr

from .samples import INVOICE, tree

_Rows = list[tuple[str, str | None]]
_LINE_ALTERNATIVE = "(cac:InvoiceLine|cac:CreditNoteLine)/"


@dataclass(frozen=True, slots=True)
class _Trie:
    rows: _Rows
    below: dict[str, _Trie]


@cache
def _reference_index() -> tuple[_Trie, dict[str, dict[str, list[tuple[tuple[str, ...], str, str | None]]]]]:
    exact = _Trie([], {})
    anywhere: dict[str, dict[str, list[tuple[tuple[str, ...], str, str | None]]]] = {}
    for row in ubl_cr._rows():
        for path in ubl_cr._expand(row.path):
            element, _, attribute = path.partition("/@")
            if path.startswith("//@"):
                continue
            if element.startswith("//"):
                steps = tuple(element[2:].split("/"))
                parent = steps[-2] if len(steps) > 1 else ""
                anywhere.setdefault(steps[-1], {}).setdefault(parent, []).append(
                    (steps, row.rule_id, attribute or None)
                )
            else:
                trie = exact
                for step in element.split("/"):
                    trie = trie.below.setdefault(step, _Trie([], {}))
                trie.rows.append((row.rule_id, attribute or None))
    return exact, anywhere


def _ends_with(node: Node, steps: tuple[str, ...]) -> bool:
    current: Node | None = node
    for step in reversed(steps):
        if current is None or current.name != step:
            return False
        current = current.parent
    return True


def _reference(doc: UblDocument) -> list[tuple[str, Node, str | None]]:
    exact, anywhere = _reference_index()
    fired: set[str] = set()
    hits: list[tuple[str, Node, str | None]] = []

    def hit(rule_id: str, node: Node, attribute: str | None) -> None:
        if rule_id in fired:
            return
        if attribute is not None and node.attr(attribute) is None:
            return
        if ubl_cr._exception(rule_id, node, doc):
            return
        fired.add(rule_id)
        hits.append((rule_id, node, attribute))

    place: dict[Node, dict[str, _Trie]] = {doc.root: exact.below}
    for parent in doc.parents:
        below = place.get(parent)
        if below is None:
            continue
        for same in parent.kid_groups():
            trie = below.get(same[0].name)
            if trie is None:
                continue
            for node in same:
                for rule_id, attribute in trie.rows:
                    hit(rule_id, node, attribute)
                if trie.below:
                    place[node] = trie.below
    for name, by_parent in anywhere.items():
        for node in doc.all(name):
            parent = node.parent
            for key in (parent.name if parent is not None else "", ""):
                for steps, rule_id, attribute in by_parent.get(key, ()):
                    if _ends_with(node, steps):
                        hit(rule_id, node, attribute)
    for attribute, rule_id in ubl_cr._index().any_attribute:
        for node, _ in doc.attributes(attribute):
            hit(rule_id, node, attribute)
    hits.sort(key=lambda h: h[0])
    return hits


def _ours(doc: UblDocument) -> list[tuple[str, Node, str | None]]:
    return [(rule_id, h.node, h.attribute) for rule_id, h in ubl_cr.unused_elements(doc)]  # type: ignore[misc]


def _tag(qname: str) -> str:
    prefix, local = qname.split(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


def _add_path(start: etree._Element, steps: list[str], attribute: str, rng: random.Random) -> None:
    """Create ``steps`` below ``start``, reusing or duplicating elements on the way at random."""
    node = start
    for step in steps:
        found = node.findall(_tag(step))
        if found and rng.random() < 0.7:
            node = rng.choice(found)
        else:
            node = etree.SubElement(node, _tag(step))
            node.text = rng.choice(["1", "130", "2.1", "x"])
    if attribute and rng.random() < 0.8:
        node.set(attribute, "x")


def _document(seed: int) -> bytes:
    rng = random.Random(seed)
    root = tree(INVOICE)
    credit = rng.random() < 0.3
    if credit:  # the same content as a credit note (the rules do not look at the XSD)
        root.tag = f"{{{NAMESPACES['cn']}}}CreditNote"
        for line in root.findall(_tag("cac:InvoiceLine")):
            line.tag = _tag("cac:CreditNoteLine")
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    rows = rng.sample(ubl_cr._rows(), rng.randint(1, 60))
    for row in rows:
        path = row.path
        start = root
        if path.startswith(_LINE_ALTERNATIVE):
            line_name = rng.choice(["cac:InvoiceLine", "cac:CreditNoteLine"])
            lines = root.findall(_tag(line_name))
            start = rng.choice(lines) if lines else etree.SubElement(root, _tag(line_name))
            path = path[len(_LINE_ALTERNATIVE) :]
        if path.startswith("//"):
            start = rng.choice(elements)  # anywhere: at some depth
            path = path[2:]
        element_path, _, attribute = path.partition("@")
        steps = [s for s in element_path.split("/") if s]
        if not steps:
            start.set(attribute, "x")
            continue
        _add_path(start, steps, attribute, rng)
        if rng.random() < 0.2:  # the same path a second time, maybe elsewhere
            _add_path(rng.choice(elements), steps, attribute, rng)
    if rng.random() < 0.2:
        reference = etree.SubElement(root, _tag("cac:AdditionalDocumentReference"))
        etree.SubElement(reference, _tag("cbc:ID")).set("schemeID", "x")
        etree.SubElement(reference, _tag("cbc:DocumentTypeCode")).text = rng.choice(["130", "50"])
    return etree.tostring(root)


@pytest.mark.parametrize("seed", range(300))
def test_same_hits_as_the_walk_from_the_root(seed: int) -> None:
    doc = UblDocument.from_bytes(_document(seed))
    assert _ours(doc) == _reference(doc)


def _with_rows(rows: list[ubl_cr._Unused], seed: int) -> UblDocument:
    rng = random.Random(seed)
    root = tree(INVOICE)
    for row in rows:
        path = row.path.replace(_LINE_ALTERNATIVE, "cac:InvoiceLine/").removeprefix("//")
        element_path, _, attribute = path.partition("@")
        steps = [s for s in element_path.split("/") if s]
        if steps:
            _add_path(root, steps, attribute, rng)
        else:
            root.set(attribute, "x")
    return UblDocument(root)


def test_every_row_alone() -> None:
    for row in ubl_cr._rows():
        doc = _with_rows([row], 0)
        assert _ours(doc) == _reference(doc), row.rule_id


@pytest.mark.parametrize("seed", range(5))
def test_all_rows_at_once(seed: int) -> None:
    doc = _with_rows(list(ubl_cr._rows()), seed)
    hits = _ours(doc)
    assert len(hits) > 600
    assert hits == _reference(doc)


@pytest.mark.parametrize("down", [True, False])
def test_same_hits_from_the_parents_down_and_from_the_elements_up(
    down: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A plan looks from the parents down or from the elements up, whichever was cheaper in the document
    # that made it: both must find the same hits (fresh plans, each way forced).
    monkeypatch.setattr(ubl_cr, "_PLANS", {})
    monkeypatch.setattr(ubl_cr, "_down_cheaper", lambda by_name, name, up: down)
    for seed in range(120):
        doc = UblDocument.from_bytes(_document(seed))
        assert _ours(doc) == _reference(doc), seed
    assert ubl_cr._PLANS


def test_plans_are_kept_per_set_of_names_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ubl_cr, "_PLANS", {})
    monkeypatch.setattr(ubl_cr, "_MAX_PLANS", 3)
    for seed in range(10):
        doc = UblDocument.from_bytes(_document(seed))
        assert _ours(doc) == _reference(doc), seed
        assert frozenset(doc.by_name) in ubl_cr._PLANS
        assert len(ubl_cr._PLANS) <= 3
