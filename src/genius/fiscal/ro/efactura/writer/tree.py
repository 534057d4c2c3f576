"""The builder's own element tree and its serializer: the bytes lxml would write, made without lxml.

The writers only ever append an element with its text and attributes under another, so a tree of
small Python objects serialized by hand does the job at a fraction of lxml's cost per element
(``SubElement`` resolves the namespace of every new element against its ancestors and makes a
proxy object for it; that was ~80 % of ``build_xml``). The output is byte for byte what
``etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)`` gives for the
same tree (libxml2's format: two spaces per level, a text-only element on one line, ``<x/>`` when
empty, the same escapes), and a text lxml refuses is refused here with lxml's exception and
message. ``to_lxml`` gives the same tree as lxml elements, for :func:`~.document.to_element`.
"""

from __future__ import annotations

import re
from typing import Final

from lxml import etree

# Characters lxml refuses in text and attribute values (it raises ValueError with this message);
# lone surrogates fail earlier, in the UTF-8 encoding (UnicodeEncodeError), as in lxml.
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NOT_XML_MESSAGE: Final = (
    "All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters"
)

# libxml2's escapes: in text & < > and CR; in attribute values also " TAB LF (CR, LF, TAB as
# character references so that they survive attribute-value normalisation).
_TEXT_SPECIAL: Final = re.compile("[&<>\r]")
_TEXT_ESCAPES: Final = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_SPECIAL: Final = re.compile('[&<>"\r\n\t]')
_ATTR_ESCAPES: Final = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}
)
# libxml2 indents two spaces per level, up to 30 levels (its 60-character indent buffer).
_INDENTS: Final = tuple("\n" + "  " * min(level, 30) for level in range(64))
_DECLARATION: Final = "<?xml version='1.0' encoding='UTF-8'?>\n"


def checked(value: object) -> str:
    """``value`` if lxml would accept it as text or attribute value, else lxml's exception."""
    if value.__class__ is str and value.isascii() and value.isprintable():  # type: ignore[attr-defined]
        return value  # type: ignore[return-value]  # the usual case: nothing to refuse
    if not isinstance(value, str):
        raise TypeError(f"Argument must be bytes or unicode, got '{type(value).__name__}'")
    if not value.isascii():
        value.encode("utf-8")  # lone surrogates: UnicodeEncodeError, as lxml's own encoding step
    if _NOT_XML.search(value):
        raise ValueError(_NOT_XML_MESSAGE)
    return value


NO_CHILDREN: Final[list[UblElement]] = []  # shared by leaves until their first child (never mutated)


class UblElement:
    """One element: ``cac:X`` / ``cbc:X`` name, text (None: none; "" is kept), attributes, children."""

    __slots__ = ("attributes", "children", "name", "text")

    def __init__(
        self, name: str, text: str | None = None, attributes: tuple[tuple[str, str], ...] = ()
    ) -> None:
        self.name = name
        self.text = text
        self.attributes = attributes
        self.children: list[UblElement] = NO_CHILDREN

    def append(self, child: UblElement) -> None:
        if self.children is NO_CHILDREN:
            self.children = [child]
        else:
            self.children.append(child)


class UblRoot(UblElement):
    """The document element: its local name in the default namespace, with the prefixed namespaces."""

    __slots__ = ("namespace", "prefixes")

    def __init__(self, name: str, namespace: str, prefixes: dict[str, str]) -> None:
        super().__init__(name)
        self.namespace = namespace
        self.prefixes = prefixes


def _has_mixed_content(element: UblElement) -> bool:
    stack = [element]
    while stack:
        node = stack.pop()
        if node.children:
            if node.text is not None:
                return True
            stack.extend(node.children)
    return False


def _start(element: UblElement, declarations: str = "") -> str:
    tag = "<" + element.name + declarations  # libxml2 writes namespace declarations first
    for key, value in element.attributes:
        if _ATTR_SPECIAL.search(value):
            value = value.translate(_ATTR_ESCAPES)
        tag += f' {key}="{value}"'
    return tag


def _write(element: UblElement, start: str, level: int, out: list[str]) -> None:
    """An element with children: its children one per line, one level deeper, then its end tag."""
    out.append(start + ">")
    inner = _INDENTS[level + 1] if level < 62 else _INDENTS[63]
    for child in element.children:
        name = child.name
        start = ("<" + name) if not child.attributes else _start(child)
        if child.children:
            out.append(inner)
            _write(child, start, level + 1, out)
            continue
        text = child.text
        if text is None:
            out.append(inner + start + "/>")
            continue
        if _TEXT_SPECIAL.search(text):
            text = text.translate(_TEXT_ESCAPES)
        out.append(inner + start + ">" + text + "</" + name + ">")
    out.append((_INDENTS[level] if level < 63 else _INDENTS[63]) + "</" + element.name + ">")


def serialize(root: UblRoot) -> bytes:
    """UTF-8 bytes with XML declaration, pretty-printed exactly as lxml/libxml2 would."""
    if _has_mixed_content(root):
        # Never made by the writers; libxml2 stops indenting inside mixed content, so let it.
        return etree.tostring(to_lxml(root), xml_declaration=True, encoding="UTF-8", pretty_print=True)
    declarations = f' xmlns="{root.namespace}"'
    for prefix, uri in root.prefixes.items():
        declarations += f' xmlns:{prefix}="{uri}"'
    out = [_DECLARATION]
    start = _start(root, declarations)
    if root.children:
        _write(root, start, 0, out)
    elif root.text is None:
        out.append(start + "/>")
    else:
        out.append(start + ">" + root.text.translate(_TEXT_ESCAPES) + "</" + root.name + ">")
    out.append("\n")
    return "".join(out).encode("utf-8")


def to_lxml(root: UblRoot) -> etree._Element:
    """The same tree as lxml elements (namespaces declared on the root, as the writers always did)."""
    qnames = {prefix: "{" + uri + "}" for prefix, uri in root.prefixes.items()}
    namespaces = {None: root.namespace, **root.prefixes}
    element = etree.Element("{" + root.namespace + "}" + root.name, nsmap=namespaces)
    stack: list[tuple[UblElement, etree._Element]] = [(root, element)]
    while stack:
        source, target = stack.pop()
        if source.text is not None:
            target.text = source.text
        for key, value in source.attributes:
            target.set(key, value)
        for child in source.children:
            prefix, _, local = child.name.partition(":")
            stack.append((child, etree.SubElement(target, qnames[prefix] + local)))
    return element
