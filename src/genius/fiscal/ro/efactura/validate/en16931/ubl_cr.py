"""UBL-CR-* warnings: UBL elements and attributes EN 16931 does not use (data/en16931/ubl_cr_unused.csv).

Each row is ``not(path)`` on the document root of ANAF's copy: ``a/b`` from the root,
``//a/b`` anywhere, ``(cac:InvoiceLine|cac:CreditNoteLine)/...`` on either line kind, and a
trailing ``/@attr`` for an attribute. Each path is read upwards from its last name (see
``unused_elements``): only the few elements that could end a listed path are looked at.
UBL-CR-666/673 are fatal and live in ``syntax.py``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from operator import attrgetter

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
class _Up:
    """The listed paths read upwards from their last name: those matched by the names seen so far."""

    exact: _Rows  # complete when the element reached is a child of the root (root-relative paths)
    anywhere: _Rows  # complete wherever the element reached is (``//a/b`` paths)
    up: dict[str, _Up]  # the next name upwards -> the longer paths


@dataclass(frozen=True, slots=True)
class _Index:
    # The last name of every element path (rows without an attribute) -> its paths, read upwards.
    elements: dict[str, _Up]
    element_names: frozenset[str]  # the keys of ``elements``
    # Rows on an element's attribute: attribute -> the element path's last name -> its paths.
    attributes: dict[str, dict[str, _Up]]
    any_attribute: list[tuple[str, str]]  # //@attr -> (attribute, rule)


_PARENT = attrgetter("parent")
_NAME = attrgetter("name")


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
    elements: dict[str, _Up] = {}
    attributes: dict[str, dict[str, _Up]] = {}
    any_attribute: list[tuple[str, str]] = []
    for row in _rows():
        for path in _expand(row.path):
            element, _, attribute = path.partition("/@")
            if path.startswith("//@"):
                any_attribute.append((path[3:], row.rule_id))
                continue
            anywhere = element.startswith("//")
            steps = element.removeprefix("//").split("/")
            last = attributes.setdefault(attribute, {}) if attribute else elements
            up = last.setdefault(steps[-1], _Up([], [], {}))
            for step in reversed(steps[:-1]):
                up = up.up.setdefault(step, _Up([], [], {}))
            (up.anywhere if anywhere else up.exact).append((row.rule_id, attribute or None))
    return _Index(elements, frozenset(elements), attributes, any_attribute)


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

    def climb(node: Node, up: _Up) -> None:
        """The rows of every listed path that ``node`` ends, read upwards from ``up`` (its name's)."""
        current = node
        while True:
            if up.anywhere:
                for rule_id, attribute in up.anywhere:
                    hit(rule_id, node, attribute)
            parent = current.parent
            if parent is None:
                return
            if up.exact and parent is root:
                for rule_id, attribute in up.exact:
                    hit(rule_id, node, attribute)
            above = up.up.get(parent.name)
            if above is None:
                return
            up = above
            current = parent

    # Every listed path ends in a name: only the elements with such a name are looked at, and of
    # those only the ones whose parent's name continues some listed path upwards (or is the root's,
    # for a root-level row): in an invoice that is a handful of elements, found by set operations.
    # The elements of one name come in document order, so a rule's first hit is the first in
    # document order, as in a walk from the root (a rule's path ends in one name, even when it is
    # expanded to both line kinds).
    root = doc.root
    by_name = doc.by_name
    elements = index.elements
    for name in index.element_names.intersection(by_name):
        up = elements[name]
        nodes = by_name[name]
        if up.anywhere:
            for node in nodes:
                climb(node, up)
            continue
        parents = set(map(_NAME, map(_PARENT, nodes)))
        if up.exact and root.name in parents:
            for node in nodes:
                climb(node, up)
            continue
        if parents.isdisjoint(up.up):
            continue
        for node in nodes:
            parent = node.parent
            if parent is not None and parent.name in up.up:
                climb(node, up)
    # Rows on an attribute: only the elements carrying it (a few in an invoice) are looked at.
    for attribute, by_last in index.attributes.items():
        for node, _ in doc.attributes(attribute):
            up = by_last.get(node.name)
            if up is not None:
                climb(node, up)
    for attribute, rule_id in index.any_attribute:
        for node, _ in doc.attributes(attribute):
            hit(rule_id, node, attribute)
    hits.sort(key=lambda h: h[0])
    yield from hits
