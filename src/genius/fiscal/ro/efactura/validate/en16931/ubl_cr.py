"""UBL-CR-* warnings: UBL elements and attributes EN 16931 does not use (data/en16931/ubl_cr_unused.csv).

Each row is ``not(path)`` on the document root of ANAF's copy: ``a/b`` from the root,
``//a/b`` anywhere, ``(cac:InvoiceLine|cac:CreditNoteLine)/...`` on either line kind, and a
trailing ``/@attr`` for an attribute. One pass over the document index checks all 677 rows.
UBL-CR-666/673 are fatal and live in ``syntax.py``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument
from genius.fiscal.ro.efactura.validate.registry import Hit, Rule, RuleSet

RULES = RuleSet("en16931.ubl_cr")


@dataclass(frozen=True, slots=True)
class _Unused:
    rule_id: str
    path: str
    message_en: str


_Rows = list[tuple[str, str | None]]  # (rule, attribute) of one element path


@dataclass(frozen=True, slots=True)
class _Trie:
    """The root-relative paths as a tree of names: the rows of this path, the deeper paths."""

    rows: _Rows
    below: dict[str, _Trie]


@dataclass(frozen=True, slots=True)
class _Index:
    exact: _Trie  # root-relative element paths
    # last name -> parent name ("" = any parent) -> (steps, rule, attribute)
    anywhere: dict[str, dict[str, list[tuple[tuple[str, ...], str, str | None]]]]
    any_attribute: list[tuple[str, str]]  # //@attr -> (attribute, rule)


@cache
def _rows() -> tuple[_Unused, ...]:
    resource = files("genius.fiscal.ro.efactura").joinpath("data", "en16931", "ubl_cr_unused.csv")
    with resource.open(encoding="utf-8") as handle:
        return tuple(_Unused(r["rule_id"], r["path"], r["message_en"]) for r in csv.DictReader(handle))


def _expand(path: str) -> list[str]:
    if path.startswith("(cac:InvoiceLine|cac:CreditNoteLine)/"):
        rest = path.split(")/", 1)[1]
        return [f"cac:InvoiceLine/{rest}", f"cac:CreditNoteLine/{rest}"]
    return [path]


@cache
def _index() -> _Index:
    exact = _Trie([], {})
    anywhere: dict[str, dict[str, list[tuple[tuple[str, ...], str, str | None]]]] = {}
    any_attribute: list[tuple[str, str]] = []
    for row in _rows():
        for path in _expand(row.path):
            element, _, attribute = path.partition("/@")
            if path.startswith("//@"):
                any_attribute.append((path[3:], row.rule_id))
            elif element.startswith("//"):
                steps = tuple(element[2:].split("/"))
                parent = steps[-2] if len(steps) > 1 else ""  # "" = any parent
                anywhere.setdefault(steps[-1], {}).setdefault(parent, []).append(
                    (steps, row.rule_id, attribute or None)
                )
            else:
                trie = exact
                for step in element.split("/"):
                    trie = trie.below.setdefault(step, _Trie([], {}))
                trie.rows.append((row.rule_id, attribute or None))
    return _Index(exact, anywhere, any_attribute)


def _ends_with(node: Node, steps: tuple[str, ...]) -> bool:
    current: Node | None = node
    for step in reversed(steps):
        if current is None or current.name != step:
            return False
        current = current.parent
    return True


def _exception(rule_id: str, node: Node, doc: UblDocument) -> bool:
    """The three rows whose test is more than ``not(path)``."""
    if rule_id == "UBL-CR-002":  # not(cbc:UBLVersionID) or cbc:UBLVersionID = '2.1'
        return any(v.text == "2.1" for v in doc.root.kids("cbc:UBLVersionID"))
    if (
        rule_id == "UBL-CR-412"
    ):  # ... or ../cn:CreditNote: a due date per payment means is fine on credit notes
        return doc.is_credit_note
    if rule_id == "UBL-CR-665":  # only on references that are not the invoiced object (code 130)
        ref = node.parent
        return ref is not None and not (
            any(c.text != "130" for c in ref.kids("cbc:DocumentTypeCode"))
            or not ref.kids("cbc:DocumentTypeCode")
        )
    return False


@RULES.group(
    [
        Rule(
            r.rule_id,
            "warning",
            f"Factura nu ar trebui să conțină {r.path} (neutilizat în EN 16931): eliminați-l.",
            f"{r.message_en} ({r.path}).",
        )
        for r in _rows()
    ]
)
def unused_elements(doc: UblDocument) -> Iterator[tuple[str, Hit]]:
    if not doc.is_ubl:
        return
    index = _index()
    fired: set[str] = set()
    hits: list[tuple[str, Hit]] = []

    def hit(rule_id: str, node: Node, attribute: str | None) -> None:
        if rule_id in fired:
            return
        if attribute is not None and node.attr(attribute) is None:
            return
        if _exception(rule_id, node, doc):
            return
        fired.add(rule_id)
        hits.append((rule_id, Hit(node, attribute=attribute)))

    # Root-relative paths: parents in document order, each knowing its place in the path tree
    # (subtrees holding no listed path are skipped); same-named siblings share one lookup.
    place: dict[Node, dict[str, _Trie]] = {doc.root: index.exact.below}
    for parent in doc.parents:
        below = place.get(parent)
        if below is None:
            continue
        for same in parent.kid_groups():
            trie = below.get(same[0].name)
            if trie is None:
                continue
            if trie.rows:
                for node in same:
                    for rule_id, attribute in trie.rows:
                        hit(rule_id, node, attribute)
            if trie.below:
                for node in same:
                    place[node] = trie.below
    # "Anywhere" rows end in one of a few names: only those elements are looked at.
    for name, by_parent in index.anywhere.items():
        for node in doc.all(name):
            parent = node.parent
            for key in (parent.name if parent is not None else "", ""):
                candidates = by_parent.get(key)
                if candidates:
                    for steps, rule_id, attribute in candidates:
                        if _ends_with(node, steps):
                            hit(rule_id, node, attribute)
    for attribute, rule_id in index.any_attribute:
        for node, _ in doc.attributes(attribute):
            hit(rule_id, node, attribute)
    hits.sort(key=lambda h: h[0])
    yield from hits
