"""CIUS-RO size limits: maximum characters per text (BR-RO-L*) and maximum occurrences (BR-RO-A*).

Each limit is ``string-length(normalize-space(<path>)) <= max`` in the context ANAF's XSLT gives
it; the tables (``limit_tables``) keep those contexts apart because ANAF's rule order decides which
element is checked by which rule (see ``ruleset.UNREACHABLE_IN_ANAF_XSLT``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from genius.fiscal.ro.efactura.validate.ciusro.limit_tables import (
    ALL_LIMITS,
    BILLING_REFERENCE_LIMITS,
    DOCUMENT_ALLOWANCE_LIMITS,
    DOCUMENT_CHARGE_LIMITS,
    DOCUMENT_REFERENCE_LIMITS,
    ITEM_PROPERTY_LIMITS,
    LINE_ALLOWANCE_LIMITS,
    LINE_CHARGE_LIMITS,
    LINE_LIMITS,
    NOTE_LIMITS,
    PAYMENT_MEANS_LIMITS,
    ROOT_LIMITS,
    Limit,
)
from genius.fiscal.ro.efactura.validate.ciusro.ruleset import RULES, invoice_only
from genius.fiscal.ro.efactura.validate.document import Node, UblDocument, normalize_space, parse_xs_boolean
from genius.fiscal.ro.efactura.validate.registry import Hit

_FATAL: Final = "fatal"


@dataclass(frozen=True, slots=True)
class _Group:
    """Limits sharing the parent path: the parent elements are looked up once per context."""

    parent: str  # "" for the context element itself
    leaves: tuple[tuple[str, str, Limit], ...]  # (child name or "", attribute or "", limit)
    measured: frozenset[tuple[str, str]]  # (element name, attribute or "") of the texts it measures


def _grouped(limits: tuple[Limit, ...], context: str = "") -> tuple[_Group, ...]:
    """``context``: the context element's name, for a limit on the context's own text."""
    groups: dict[str, list[tuple[str, str, Limit]]] = {}
    for limit in limits:
        path, _, attribute = limit.path.partition("@")
        path = path.rstrip("/")
        parent, _, leaf = path.rpartition("/")
        groups.setdefault(parent, []).append((leaf, attribute, limit))
    return tuple(
        _Group(parent, tuple(leaves), frozenset((leaf or context, attr) for leaf, attr, _ in leaves))
        for parent, leaves in groups.items()
    )


def _live(groups: tuple[_Group, ...], over: set[tuple[str, str]]) -> tuple[_Group, ...]:
    """The groups measuring a text ``over_limits`` found too long; the others cannot fire."""
    live: tuple[_Group, ...] = ()
    for group in groups:  # a loop: no generator per table
        if not over.isdisjoint(group.measured):
            live += (group,)
    return live


def _too_long(context: Node, groups: tuple[_Group, ...], out: list[tuple[str, Hit]]) -> None:
    """Append a (rule, hit) to ``out`` for each text of ``groups`` below ``context`` that is too long."""
    for group in groups:
        parents = context.findall(group.parent) if group.parent else (context,)
        for parent in parents:
            for leaf, attribute, limit in group.leaves:
                for node in parent.kids(leaf) if leaf else (parent,):
                    text = node.el.get(attribute) if attribute else node.text
                    # normalize-space() never lengthens a text: only long raw texts need it.
                    if text is None or len(text) <= limit.max_chars:
                        continue
                    length = len(normalize_space(text))
                    if length > limit.max_chars:
                        out.append((limit.rule_id, Hit(node, {"length": length}, attribute or None)))


def _by_indicator(charges: Iterable[Node]) -> tuple[list[Node], list[Node]]:
    """Split AllowanceCharge elements as ANAF's templates do: ``= false()`` first, then ``= true()``."""
    allowances: list[Node] = []
    charges_: list[Node] = []
    for node in charges:
        flags = {parse_xs_boolean(n.text) for n in node.kids("cbc:ChargeIndicator")}
        if False in flags:
            allowances.append(node)
        elif True in flags:
            charges_.append(node)
    return allowances, charges_


_G_ROOT_LIMITS: Final = _grouped(ROOT_LIMITS)
_G_PAYMENT_MEANS_LIMITS: Final = _grouped(PAYMENT_MEANS_LIMITS)
_G_LINE_LIMITS: Final = _grouped(LINE_LIMITS)
_G_ITEM_PROPERTY_LIMITS: Final = _grouped(ITEM_PROPERTY_LIMITS)
_G_DOCUMENT_ALLOWANCE_LIMITS: Final = _grouped(DOCUMENT_ALLOWANCE_LIMITS)
_G_DOCUMENT_CHARGE_LIMITS: Final = _grouped(DOCUMENT_CHARGE_LIMITS)
_G_LINE_ALLOWANCE_LIMITS: Final = _grouped(LINE_ALLOWANCE_LIMITS)
_G_LINE_CHARGE_LIMITS: Final = _grouped(LINE_CHARGE_LIMITS)
_G_NOTE_LIMITS: Final = _grouped(NOTE_LIMITS, "cbc:Note")
_G_DOCUMENT_REFERENCE_LIMITS: Final = _grouped(DOCUMENT_REFERENCE_LIMITS)
_G_BILLING_REFERENCE_LIMITS: Final = _grouped(BILLING_REFERENCE_LIMITS)


# The element each limit table's context is (the parent of a one-step path's element; the measured
# element itself for the note limit's empty path). A UBL root's Node name is its local name.
_CONTEXT_NAMES: Final = (
    (ROOT_LIMITS, ("Invoice", "CreditNote")),
    (PAYMENT_MEANS_LIMITS, ("cac:PaymentMeans",)),
    (LINE_LIMITS, ("cac:InvoiceLine", "cac:CreditNoteLine")),
    (ITEM_PROPERTY_LIMITS, ("cac:AdditionalItemProperty",)),
    (DOCUMENT_ALLOWANCE_LIMITS + DOCUMENT_CHARGE_LIMITS, ("cac:AllowanceCharge",)),
    (LINE_ALLOWANCE_LIMITS + LINE_CHARGE_LIMITS, ("cac:AllowanceCharge",)),
    (NOTE_LIMITS, ("cbc:Note",)),
    (DOCUMENT_REFERENCE_LIMITS, ("cac:AdditionalDocumentReference",)),
    (BILLING_REFERENCE_LIMITS, ("cac:BillingReference",)),
)
_ANY_PARENT: Final = "*"
_UNLIMITED: Final = 1 << 62

# (element name, attribute or "") -> parent name (or _ANY_PARENT) -> the smallest limit on it.
_Bounds = dict[tuple[str, str], dict[str, int]]


def _bounds() -> _Bounds:
    bounds: _Bounds = {}
    for limits, context_names in _CONTEXT_NAMES:
        for limit in limits:
            path, _, attribute = limit.path.partition("@")
            steps = path.rstrip("/").split("/") if path.rstrip("/") else []
            if len(steps) >= 2:
                pairs = [(steps[-1], steps[-2])]
            elif steps:
                pairs = [(steps[0], parent) for parent in context_names]
            elif not attribute:
                pairs = [(name, _ANY_PARENT) for name in context_names]
            else:
                raise ValueError(f"{limit.rule_id}: an attribute limit needs an element path")
            for name, parent in pairs:
                by_parent = bounds.setdefault((name, attribute), {})
                by_parent[parent] = min(by_parent.get(parent, _UNLIMITED), limit.max_chars)
    return bounds


def _screen_table(bounds: _Bounds, attributes: bool) -> tuple[tuple[str, str, int, dict[str, int], int], ...]:
    """(name, attribute, smallest limit on any such element, limit by parent name, limit for any parent)."""
    table = []
    for (name, attribute), by_parent in bounds.items():
        if bool(attribute) != attributes:
            continue
        anywhere = by_parent.get(_ANY_PARENT, _UNLIMITED)
        # A parent-specific limit and the any-parent one both measure the element: the smaller counts.
        per_parent = {parent: min(n, anywhere) for parent, n in by_parent.items() if parent != _ANY_PARENT}
        table.append((name, attribute, min(by_parent.values()), per_parent, anywhere))
    return tuple(table)


# Names found under many unlimited parents (every cac:TaxScheme/cbc:ID, line ID, ...) are read
# through their limited parents instead: a few lookups rather than one test per element.
_READ_BY_PARENT: Final = frozenset({"cbc:ID"})
_ALL_TEXT_BOUNDS: Final = _screen_table(_bounds(), attributes=False)
# name -> (smallest limit, limit by parent name, limit for any parent, over_limits key) of the
# texts read name by name.
_TEXT_BOUNDS: Final = {
    name: (shortest, per_parent, anywhere, (name, attribute))
    for name, attribute, shortest, per_parent, anywhere in _ALL_TEXT_BOUNDS
    if name not in _READ_BY_PARENT or anywhere != _UNLIMITED
}
_TEXT_NAMES: Final = frozenset(_TEXT_BOUNDS)
_SHORTEST: Final = {name: bound[0] for name, bound in _TEXT_BOUNDS.items()}
# (name, attribute, limit by parent name, the parent names) of the names read through their parents.
_PARENT_BOUNDS: Final = tuple(
    (name, attribute, per_parent, frozenset(per_parent))
    for name, attribute, _, per_parent, anywhere in _ALL_TEXT_BOUNDS
    if name in _READ_BY_PARENT and anywhere == _UNLIMITED
)
_ATTRIBUTE_BOUNDS: Final = _screen_table(_bounds(), attributes=True)


def _over(node: Node, length: int, per_parent: dict[str, int], anywhere: int) -> bool:
    parent = node.parent
    return parent is None or length > per_parent.get(parent.name, anywhere)


def _over_under(
    doc: UblDocument, name: str, per_parent: dict[str, int], parent_names: frozenset[str]
) -> bool:
    """Some ``name`` child of an element named like a key of ``per_parent`` is longer than its limit.

    The root is not in ``by_name``: it is read too when its (local) name is one of the parents.
    """
    root = doc.root
    limit = per_parent.get(root.name)
    if limit is not None:
        for node in root._kids.get(name, ()):
            if len(node.text) > limit:
                return True
    by_name = doc.by_name
    # The parent names the document has (a C-level lookup of each name).
    for parent_name in by_name.keys() & parent_names:
        limit = per_parent[parent_name]
        for parent in by_name[parent_name]:
            for node in parent._kids.get(name, ()):
                if len(node.text) > limit:
                    return True
    return False


def over_limits(doc: UblDocument) -> set[tuple[str, str]]:
    """The (element name, attribute or "") of every text longer than the smallest limit on it.

    normalize-space() never lengthens a text, so a document for which this is empty breaks no
    limit and the per-context walk (~35 contexts on a 10-line invoice) is skipped; otherwise the
    walk visits only the limits on these elements. A text over the smallest limit on its name is
    held against the limit its parent's name allows (an item name may have 100 characters, an
    item attribute's name 50; a name under no limited parent is not measured). The set may name
    more than the walk then finds (never less).
    """
    over: set[tuple[str, str]] = set()
    by_name = doc.by_name
    # Only the limited names the document has (about half), found by one C-level intersection.
    for name in by_name.keys() & _TEXT_NAMES:
        shortest = _SHORTEST[name]
        # A plain loop: under callgrind max(map(len, map(attrgetter("text"), nodes))) cost ~700
        # instructions per element against ~380 for this (3.11's slot attribute load is cheaper).
        for node in by_name[name]:
            if len(node.text) > shortest:
                _, per_parent, anywhere, key = _TEXT_BOUNDS[name]
                if _over(node, len(node.text), per_parent, anywhere):
                    over.add(key)
                    break
    for name, attribute, per_parent, parent_names in _PARENT_BOUNDS:
        if name in by_name and _over_under(doc, name, per_parent, parent_names):
            over.add((name, attribute))
    for name, attribute, shortest, per_parent, anywhere in _ATTRIBUTE_BOUNDS:
        found = by_name.get(name)
        if found:
            for node in found:
                value = node.el.get(attribute)
                if (
                    value is not None
                    and len(value) > shortest
                    and _over(node, len(value), per_parent, anywhere)
                ):
                    over.add((name, attribute))
                    break
    return over


_OVER_MEMO: Final = "ciusro.over_limits"


def screen_lengths(doc: UblDocument) -> bool:
    """``over_limits(doc)`` is not empty (then kept in ``doc.memo`` for ``br_ro_lengths``)."""
    over = over_limits(doc)
    if over:
        doc.memo[_OVER_MEMO] = over
        return True
    return False


@RULES.group([limit.rule() for limit in ALL_LIMITS])
def br_ro_lengths(doc: UblDocument) -> Iterator[tuple[str, Hit]]:
    out: list[tuple[str, Hit]] = []  # one list for every context (no generator per line or note)
    over: set[tuple[str, str]] = doc.memo.get(_OVER_MEMO) or over_limits(doc)  # type: ignore[assignment]
    if not over:
        return iter(out)
    if doc.is_ubl and (groups := _live(_G_ROOT_LIMITS, over)):
        _too_long(doc.root, groups, out)
    if groups := _live(_G_PAYMENT_MEANS_LIMITS, over):
        for node in doc.all("cac:PaymentMeans"):
            _too_long(node, groups, out)
    if groups := _live(_G_LINE_LIMITS, over):
        for name in ("cac:InvoiceLine", "cac:CreditNoteLine"):
            for node in doc.all(name):
                _too_long(node, groups, out)
    if groups := _live(_G_ITEM_PROPERTY_LIMITS, over):
        for node in doc.all("cac:AdditionalItemProperty"):
            if node.parent is not None and node.parent.name == "cac:Item":
                _too_long(node, groups, out)
    allowance_groups = _live(_G_DOCUMENT_ALLOWANCE_LIMITS, over)
    charge_groups = _live(_G_DOCUMENT_CHARGE_LIMITS, over)
    if (allowance_groups or charge_groups) and invoice_only(doc):
        allowances, charges = _by_indicator(doc.root.kids("cac:AllowanceCharge"))
        for node in allowances:
            _too_long(node, allowance_groups, out)
        for node in charges:
            _too_long(node, charge_groups, out)
    allowance_groups = _live(_G_LINE_ALLOWANCE_LIMITS, over)
    charge_groups = _live(_G_LINE_CHARGE_LIMITS, over)
    if allowance_groups or charge_groups:
        line_charges = [
            n
            for n in doc.all("cac:AllowanceCharge")
            if n.parent is not None and n.parent.name in ("cac:InvoiceLine", "cac:CreditNoteLine")
        ]
        allowances, charges = _by_indicator(line_charges)
        for node in allowances:
            _too_long(node, allowance_groups, out)
        for node in charges:
            _too_long(node, charge_groups, out)
    if groups := _live(_G_NOTE_LIMITS, over):
        for node in doc.all("cbc:Note"):
            _too_long(node, groups, out)
    if groups := _live(_G_DOCUMENT_REFERENCE_LIMITS, over):
        for node in doc.all("cac:AdditionalDocumentReference"):
            _too_long(node, groups, out)
    if groups := _live(_G_BILLING_REFERENCE_LIMITS, over):
        for node in doc.all("cac:BillingReference"):
            _too_long(node, groups, out)
    return iter(out)


@RULES.rule(
    "BR-RO-A500",
    _FATAL,
    ro="O referință la factura anterioară (cac:BillingReference) poate conține cel mult 500 de facturi "
    "anterioare (BG-3); are {count}.",
    en="A billing reference (cac:BillingReference) may hold at most 500 Preceding invoice references "
    "(BG-3); it has {count}.",
    needs=("cac:BillingReference",),
)
def br_ro_a500(doc: UblDocument) -> Iterator[Hit]:
    for node in doc.all("cac:BillingReference"):
        count = len(node.kids("cac:InvoiceDocumentReference"))
        if count > 500:
            yield Hit(node, {"count": count})
