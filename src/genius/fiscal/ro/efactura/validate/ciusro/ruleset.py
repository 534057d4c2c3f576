"""The CIUS-RO rule set object and small shared helpers (the code lists live in ``efactura.subdivisions``)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Container
from typing import Final

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument
from genius.fiscal.ro.efactura.validate.findings import Finding
from genius.fiscal.ro.efactura.validate.registry import RuleSet

# A screen names the checks that might fire on a document (None: it cannot tell, run them all).
Screen = Callable[[UblDocument], Collection[object] | None]


class ScreenedRuleSet(RuleSet):
    """A ``RuleSet`` whose ``run`` skips the checks its screen clears for the document.

    Nearly every document breaks no BR-RO rule, and most checks cost more in their lookups and
    generators than in their test. The screen (``ciusro.screen``) reads the elements once and
    returns the checks it is unsure about; those, and every check it does not cover, run rule by
    rule in registration order exactly as ``RuleSet.run`` runs them, so findings, their order and
    their locations stay the same.
    """

    __slots__ = ("_all_covered", "_covered", "_screen")

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._screen: Screen | None = None
        self._covered: frozenset[object] = frozenset()
        self._all_covered = -1  # len(_checks) when the screen covered every check, else -1

    def set_screen(self, screen: Screen, covered: Collection[object]) -> None:
        """Use ``screen``, which decides for the checks in ``covered`` (any other check always runs)."""
        self._screen = screen
        self._covered = frozenset(covered)
        covers_all = all(check in self._covered for _, check, _ in self._checks)
        self._all_covered = len(self._checks) if covers_all else -1

    def run(self, document: UblDocument, skip: Container[object] = ()) -> list[Finding]:
        doubtful = self._screen(document) if self._screen is not None else None
        if doubtful is None:
            return RuleSet.run(self, document, skip)
        # The usual document: the screen doubts nothing and covers every check (none registered
        # since), so no check can fire.
        if not doubtful and len(self._checks) == self._all_covered:
            return []
        cleared = self._covered.difference(doubtful)
        return RuleSet.run(self, document, cleared.union(skip) if skip else cleared)


RULES = ScreenedRuleSet("ciusro")

# BT-24 value CIUS-RO 1.0.9 demands ($RO-CIUS-ID in RO16931-rules.sch; RO_CIUS version 1.0.1).
RO_CIUS_ID: Final = "urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1"

# Rule ids in RO16931-rules.sch that ANAF's compiled XSLT can never raise, so registering them
# would make us reject what ANAF accepts. Kept here, with the reason, so a test can prove that
# every BR-RO id of the schematron is either implemented or knowingly left out.
UNREACHABLE_IN_ANAF_XSLT: Final[dict[str, str]] = {
    "BR-RO-A051": "asserts count(.) <= 50 on each cac:AdditionalDocumentReference; count(.) is always 1",
    "BR-RO-A052": "asserts count(.) <= 50 on each cac:AdditionalItemProperty; count(.) is always 1",
    "BR-RO-L1019": "its rule context /ubl:Invoice/cac:TaxTotal/cac:TaxSubtotal is shadowed by the "
    "earlier rule on cac:TaxTotal/cac:TaxSubtotal (XSLT priority 1007 > 1000), so it never fires",
}


def deepest(start: Node, path: str) -> Node:
    """The deepest existing element along ``path`` below ``start``: where a missing element belongs."""
    node = start
    for step in path.split("/"):
        nxt = node.first(step)
        if nxt is None:
            return node
        node = nxt
    return node


def norm_first(start: Node | None, path: str) -> str:
    """``normalize-space(path)`` for a path selecting at most one element ("" when there is none)."""
    if start is None:
        return ""
    node = start.find(path)
    return "" if node is None else node.norm


def has_nonblank(start: Node | None, path: str) -> bool:
    """``path[boolean(normalize-space(.))]``: some element at ``path`` has non-blank text."""
    if start is None:
        return False
    for n in start.findall(path):  # noqa: SIM110 (a loop: no generator closed early)
        if n.norm:
            return True
    return False


def invoice_only(doc: UblDocument) -> bool:
    """True for an Invoice root.

    Several CIUS-RO contexts read ``/ubl:Invoice/... | /ubl:CreditNote/...`` where ``ubl`` is the
    Invoice namespace, so in ANAF's XSLT the second branch never matches a real credit note: those
    rules apply to invoices only, and we mirror that (the target is ANAF's verdict).
    """
    return doc.is_invoice
