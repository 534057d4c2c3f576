"""UBL-CR-* warnings: UBL elements and attributes EN 16931 does not use (data/en16931/ubl_cr_unused.csv).

Each row is ``not(path)`` on the document root of ANAF's copy: ``a/b`` from the root,
``//a/b`` anywhere, ``(cac:InvoiceLine|cac:CreditNoteLine)/...`` on either line kind, and a
trailing ``/@attr`` for an attribute. Each path is read upwards from its last name (see
``unused_elements``): only the few elements that could end a listed path are looked at, and only
the paths whose every name occurs in the document (a plan per set of element names, ``_plan``).
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


def _rule_ids(up: _Up) -> set[str]:
    """The rules of every path through ``up`` (its own rows and the longer paths above it)."""
    found = {rule_id for rule_id, _ in (*up.exact, *up.anywhere)}
    for above in up.up.values():
        found |= _rule_ids(above)
    return found


def _mixed(up: _Up) -> bool:
    """Some rule continues from this last name through two different parent names (the line
    alternatives ``(cac:InvoiceLine|cac:CreditNoteLine)/name``)."""
    seen: set[str] = set()
    for above in up.up.values():
        rules = _rule_ids(above)
        if not seen.isdisjoint(rules):
            return True
        seen |= rules
    return False


def _prune(up: _Up, present: frozenset[str]) -> _Up | None:
    """``up`` without the paths through a name that does not occur (they cannot match); None if empty."""
    above = {}
    for name, longer in up.up.items():
        if name in present:
            kept = _prune(longer, present)
            if kept is not None:
                above[name] = kept
    if not (up.exact or up.anywhere or above):
        return None
    return _Up(up.exact, up.anywhere, above)


@dataclass(frozen=True, slots=True)
class _Plan:
    """The listed paths that can match in a document with these element names: those whose every name
    occurs (in an invoice: a few of the 1,300 paths, ending in ten names or so), and how to look."""

    everywhere: tuple[tuple[str, _Up], ...]  # names with a ``//`` row ending in them: every element
    at_root: tuple[tuple[str, _Up], ...]  # names with a root-level row: every element if one is a root child
    down: tuple[tuple[str, str, _Up], ...]  # (parent name, name, paths): the name's children of those parents
    up: tuple[tuple[str, _Up], ...]  # names whose elements' parents are looked at
    attributes: tuple[tuple[str, dict[str, _Up]], ...]  # (attribute, last name -> its paths kept)


# Element names of a document -> its plan. Documents from one producer repeat a few sets of names, so
# a plan is made once per set (bounded: emptied when full). Which elements a plan looks at depends only
# on its key; whether from the parents down or from the elements up, on the document that made it (the
# cheaper there), which changes the cost, never the hits.
_PLANS: dict[frozenset[str], _Plan] = {}
_MAX_PLANS = 1024


def _down_cheaper(by_name: dict[str, list[Node]], name: str, up: _Up) -> bool:
    """Fewer parents than elements (47 cbc:ID in an invoice, 5 of the parents listed paths go through)."""
    return sum(len(by_name[parent_name]) for parent_name in up.up) < len(by_name[name])


def _plan(present: frozenset[str], by_name: dict[str, list[Node]]) -> _Plan:
    index = _index()
    everywhere, at_root, down, up_names = [], [], [], []
    for name in sorted(index.element_names.intersection(present)):
        up = _prune(index.elements[name], present)
        if up is None:
            continue
        if up.anywhere:
            everywhere.append((name, up))
        elif up.exact:
            at_root.append((name, up))
        elif not _mixed(up) and _down_cheaper(by_name, name, up):
            # each rule continues through one parent name, whose elements (and their children) come in
            # document order: its first hit is the one found from the elements up
            down.extend((parent_name, name, up) for parent_name in up.up)
        else:
            up_names.append((name, up))
    attributes = []
    for attribute, by_last in index.attributes.items():
        kept = {}
        for name, up in by_last.items():
            pruned = _prune(up, present) if name in present else None
            if pruned is not None:
                kept[name] = pruned
        if kept:
            attributes.append((attribute, kept))
    return _Plan(tuple(everywhere), tuple(at_root), tuple(down), tuple(up_names), tuple(attributes))


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
    # for a root-level row); the plan keeps only the paths whose every name occurs in the document.
    # The elements of one name come in document order, so a rule's first hit is the first in
    # document order, as in a walk from the root (a rule's path ends in one name, even when it is
    # expanded to both line kinds).
    root = doc.root
    root_kids = root._kids
    by_name = doc.by_name
    present = doc.element_names
    plan = _PLANS.get(present)
    if plan is None:
        if len(_PLANS) >= _MAX_PLANS:
            _PLANS.clear()
        plan = _PLANS[present] = _plan(present, by_name)
    for name, up in plan.everywhere:
        for node in by_name[name]:
            climb(node, up)
    for name, up in plan.at_root:
        if name in root_kids or up.up:  # (climbing from an element that no row ends at finds nothing)
            for node in by_name[name]:
                climb(node, up)
    for parent_name, name, up in plan.down:
        for parent in by_name[parent_name]:
            kids = parent._kids.get(name)
            if kids:
                for node in kids:
                    climb(node, up)
    for name, up in plan.up:
        nodes = by_name[name]
        ups = up.up  # (every name in it occurs)
        if len(nodes) > 2 and set(map(_NAME, map(_PARENT, nodes))).isdisjoint(ups):
            continue
        for node in nodes:
            parent = node.parent
            if parent is not None and parent.name in ups:
                climb(node, up)
    # Rows on an attribute: only the elements carrying it (a few in an invoice) are looked at.
    for attribute, by_last in plan.attributes:
        for node, _ in doc.attributes(attribute):
            up = by_last.get(node.name)
            if up is not None:
                climb(node, up)
    for attribute, rule_id in index.any_attribute:
        for node, _ in doc.attributes(attribute):
            hit(rule_id, node, attribute)
    hits.sort(key=lambda h: h[0])
    yield from hits
