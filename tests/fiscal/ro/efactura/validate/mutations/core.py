"""Mutation registry and the lxml helpers every mutation family uses.

Each mutation edits an lxml tree in place and returns False when the document lacks what it
would break (then the corpus tries the next base). Randomness (text content, which line) comes
only from the ``random.Random`` handed in, so a seed fixes every document.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}
CBC = "{" + NS["cbc"] + "}"
CAC = "{" + NS["cac"] + "}"
RO_CIUS_ID = "urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1"


@dataclass(frozen=True, slots=True)
class Mutation:
    family: str
    name: str
    apply: Callable[[etree._Element, random.Random], bool]  # False: not applicable to this document
    max_bases: int | None = None  # None: the corpus default (corpus.BASES_PER_MUTATION)


# --- tree helpers ---------------------------------------------------------------------------------


def find_all(root: etree._Element, path: str) -> list[etree._Element]:
    return root.findall(path, NS)


def find_one(root: etree._Element, path: str) -> etree._Element | None:
    return root.find(path, NS)


def is_credit_note(root: etree._Element) -> bool:
    return etree.QName(root).localname == "CreditNote"


def lines_of(root: etree._Element) -> list[etree._Element]:
    return find_all(root, "cac:CreditNoteLine" if is_credit_note(root) else "cac:InvoiceLine")


def quantity_name(root: etree._Element) -> str:
    return "cbc:CreditedQuantity" if is_credit_note(root) else "cbc:InvoicedQuantity"


def set_text(root: etree._Element, path: str, text: str) -> bool:
    node = find_one(root, path)
    if node is None:
        return False
    node.text = text
    return True


def remove_all(root: etree._Element, path: str) -> bool:
    nodes = find_all(root, path)
    for node in nodes:
        node.getparent().remove(node)
    return bool(nodes)


def shift_amount(node: etree._Element | None, delta: str) -> bool:
    """Add ``delta`` to a decimal element, keeping at least its number of decimals."""
    if node is None or not node.text:
        return False
    value = Decimal(node.text.strip()) + Decimal(delta)
    places = max(-Decimal(node.text.strip()).as_tuple().exponent, -Decimal(delta).as_tuple().exponent, 0)
    node.text = f"{value:.{places}f}"
    return True


def add_after(parent: etree._Element, after: tuple[str, ...], name: str, text: str) -> etree._Element:
    """Insert ``name`` right after the last existing child named in ``after`` (XSD order)."""
    prefix, local = name.split(":")
    element = etree.Element(f"{{{NS[prefix]}}}{local}")
    element.text = text
    anchor = None
    for child in parent:
        if isinstance(child.tag, str) and etree.QName(child).localname in after:
            anchor = child
    if anchor is None:
        parent.insert(0, element)
    else:
        anchor.addnext(element)
    return element


def random_text(length: int, rng: random.Random, digits: bool = False) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzăâîșț" + ("0123456789" if digits else "")
    return "".join(rng.choice(alphabet) for _ in range(length))


# --- mutation families ----------------------------------------------------------------------------

MUTATIONS: list[Mutation] = []


def mutation(family: str, name: str) -> Callable[[Callable[..., bool]], Callable[..., bool]]:
    def register(apply: Callable[..., bool]) -> Callable[..., bool]:
        MUTATIONS.append(Mutation(family, name, apply))
        return apply

    return register


def simple(family: str, name: str, apply: Callable[[etree._Element], bool]) -> None:
    MUTATIONS.append(Mutation(family, name, lambda root, _rng: apply(root)))


SUP = "cac:AccountingSupplierParty/cac:Party"
CUS = "cac:AccountingCustomerParty/cac:Party"
DLV = "cac:Delivery/cac:DeliveryLocation/cac:Address"
REP = "cac:TaxRepresentativeParty"
