"""Reading UBL elements field by field, every failure naming its XPath (``/Invoice/cac:...``).

A :class:`Node` is an element plus the XPath that reached it. Its readers enforce the few lexical
rules the model depends on (xs:decimal, xs:date, xs:boolean, base64) and UBL's "at most one" for
single-valued elements, so a value is either read exactly as written or refused by name.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

from lxml import etree

from genius.fiscal.ro.efactura.parse.errors import InvalidField
from genius.fiscal.ro.efactura.parse.loader import CAC_NS, CBC_NS

_PREFIXES: Final[dict[str, str]] = {"cac": CAC_NS, "cbc": CBC_NS}

# xs:decimal's lexical space (no exponent, no NaN/Infinity, which Python's Decimal would accept).
_DECIMAL_RE: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
# Longest number accepted, in characters: far beyond any amount, quantity or rate (EN 16931
# amounts have 2 decimals, BR-DEC-*), yet it keeps a hostile 5 MB "number" out of arithmetic.
MAX_NUMBER_LENGTH: Final[int] = 64
# xs:date: YYYY-MM-DD with an optional timezone, which a calendar date does not keep.
_DATE_RE: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:Z|[+-][0-9]{2}:[0-9]{2})?")
_BOOLEANS: Final[dict[str, bool]] = {"true": True, "1": True, "false": False, "0": False}
_WHITESPACE_RE: Final = re.compile(r"\s+")


@functools.cache
def _clark(qname: str) -> str:
    prefix, _, local = qname.partition(":")
    return f"{{{_PREFIXES[prefix]}}}{local}"


@dataclass(frozen=True)
class Node:
    """One element of the document and the XPath that names it in errors."""

    element: etree._Element
    path: str

    # -- navigation -------------------------------------------------------------------------------

    @functools.cached_property
    def _children_by_tag(self) -> dict[str, list[etree._Element]]:
        # One pass over the children, then every lookup is a dict hit (the mappers ask a node
        # for many different children; scanning them for each made parsing 3x slower).
        index: dict[str, list[etree._Element]] = {}
        for child in self.element:
            if isinstance(child.tag, str):
                index.setdefault(child.tag, []).append(child)
        return index

    def children(self, qname: str) -> list[Node]:
        """Every child named ``qname`` (``"cac:InvoiceLine"``), each with its indexed XPath."""
        found = self._children_by_tag.get(_clark(qname), [])
        if len(found) == 1:
            return [Node(found[0], f"{self.path}/{qname}")]
        return [Node(el, f"{self.path}/{qname}[{i}]") for i, el in enumerate(found, start=1)]

    def child(self, qname: str) -> Node | None:
        """The child named ``qname`` when present; refused when it is repeated (UBL 0..1)."""
        found = self.children(qname)
        if len(found) > 1:
            raise InvalidField(
                f"{self.path}/{qname}", f"appears {len(found)} times; at most once is allowed here"
            )
        return found[0] if found else None

    def required(self, qname: str, term: str) -> Node:
        """The child named ``qname``; ``term`` (e.g. ``"BT-1 invoice number"``) names it in errors."""
        found = self.child(qname)
        if found is None:
            raise InvalidField(f"{self.path}/{qname}", f"{term} is missing")
        return found

    def at(self, *qnames: str) -> Node | None:
        """Walk down ``qnames`` through 0..1 children; ``None`` as soon as one is absent."""
        node: Node | None = self
        for qname in qnames:
            if node is None:
                return None
            node = node.child(qname)
        return node

    # -- own value --------------------------------------------------------------------------------

    def value(self) -> str | None:
        """The element's text without surrounding whitespace; ``None`` when empty."""
        if len(self.element):
            raise InvalidField(self.path, "must hold a value, not nested elements")
        text = (self.element.text or "").strip()
        return text or None

    def attribute(self, name: str) -> str | None:
        raw = self.element.get(name)
        if raw is None:
            return None
        text = raw.strip()
        return text or None

    def required_attribute(self, name: str, term: str) -> str:
        found = self.attribute(name)
        if found is None:
            raise InvalidField(f"{self.path}/@{name}", f"{term} is missing")
        return found

    def as_decimal(self) -> Decimal | None:
        text = self.value()
        return None if text is None else _decimal(text, self.path)

    def as_date(self) -> date | None:
        text = self.value()
        return None if text is None else _date(text, self.path)

    def as_bool(self) -> bool | None:
        text = self.value()
        if text is None:
            return None
        if text not in _BOOLEANS:
            raise InvalidField(self.path, f"'{_shorten(text)}' is not a boolean (true or false)")
        return _BOOLEANS[text]

    def as_base64(self) -> bytes | None:
        text = self.value()
        if text is None:
            return None
        try:
            return base64.b64decode(_WHITESPACE_RE.sub("", text), validate=True)
        except (binascii.Error, ValueError):
            raise InvalidField(self.path, "is not valid base64") from None

    # -- a child's value --------------------------------------------------------------------------

    def text(self, *qnames: str) -> str | None:
        node = self.at(*qnames)
        return None if node is None else node.value()

    def required_text(self, qname: str, term: str) -> str:
        node = self.required(qname, term)
        text = node.value()
        if text is None:
            raise InvalidField(node.path, f"{term} is empty")
        return text

    def decimal(self, *qnames: str) -> Decimal | None:
        node = self.at(*qnames)
        return None if node is None else node.as_decimal()

    def required_decimal(self, qname: str, term: str) -> Decimal:
        node = self.required(qname, term)
        number = node.as_decimal()
        if number is None:
            raise InvalidField(node.path, f"{term} is empty")
        return number

    def date(self, *qnames: str) -> date | None:
        node = self.at(*qnames)
        return None if node is None else node.as_date()

    def required_date(self, qname: str, term: str) -> date:
        node = self.required(qname, term)
        day = node.as_date()
        if day is None:
            raise InvalidField(node.path, f"{term} is empty")
        return day


def _decimal(text: str, path: str) -> Decimal:
    if len(text) > MAX_NUMBER_LENGTH:
        raise InvalidField(
            path, f"a number of {len(text)} characters is too long (at most {MAX_NUMBER_LENGTH})"
        )
    if not _DECIMAL_RE.fullmatch(text):
        raise InvalidField(path, f"'{_shorten(text)}' is not a decimal number (e.g. 1234.56)")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        raise InvalidField(path, f"'{_shorten(text)}' is not a decimal number") from None


def _date(text: str, path: str) -> date:
    match = _DATE_RE.fullmatch(text)
    if match is None:
        raise InvalidField(path, f"'{_shorten(text)}' is not a date in the form YYYY-MM-DD")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise InvalidField(path, f"'{_shorten(text)}' is not a calendar date") from None


def _shorten(text: str, limit: int = 40) -> str:
    """Echo bad input in messages without letting a huge value flood logs."""
    return text if len(text) <= limit else text[:limit] + "..."


def document_node(root: etree._Element, root_name: str) -> Node:
    return Node(root, f"/{root_name}")


__all__ = ["MAX_NUMBER_LENGTH", "Node", "document_node"]
