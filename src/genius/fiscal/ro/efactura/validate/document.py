"""An indexed, read-only view of a parsed UBL Invoice/CreditNote, built by one walk over lxml.

Rules never evaluate XPath on the lxml tree: they navigate this index by qualified names
(``node.find("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID")``), read text and
attributes, and parse numbers with the XPath 2.0 lexical rules the official schematron uses
(``doc.decimal(node)``), so a rule written here decides exactly what ANAF's XSLT decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, KeysView
from decimal import Decimal
from itertools import compress
from typing import Final

from lxml import etree

# Namespaces and qualified names live in names.py; rule modules import them from here too.
from genius.fiscal.ro.efactura.validate.names import CREDIT_NOTE_NS as CREDIT_NOTE_NS
from genius.fiscal.ro.efactura.validate.names import INVOICE_NS as INVOICE_NS
from genius.fiscal.ro.efactura.validate.names import NAMESPACES as NAMESPACES
from genius.fiscal.ro.efactura.validate.names import QNAME_CACHE as _QNAME_CACHE

# The XPath value functions live in xpath.py; rule modules import them from here too.
from genius.fiscal.ro.efactura.validate.xpath import normalize_space as normalize_space
from genius.fiscal.ro.efactura.validate.xpath import parse_xs_boolean as parse_xs_boolean
from genius.fiscal.ro.efactura.validate.xpath import parse_xs_decimal as parse_xs_decimal
from genius.fiscal.ro.efactura.validate.xpath import round2 as round2
from genius.fiscal.ro.efactura.validate.xpath import xpath_round as xpath_round

_UNPARSED: Final = object()  # doc.decimal's cache miss (None is a cached "not a decimal")
_EMPTY: Final[tuple[Node, ...]] = ()
# Shared, never mutated: leaves (most elements) get no list/dict of their own.
_NO_CHILDREN: Final[list[Node]] = []
_NO_KIDS: Final[dict[str, list[Node]]] = {}
_SPLIT_CACHE: dict[str, tuple[str, tuple[str, ...]]] = {}
_ATTRIBUTE_PAIRS: Final = etree._Element.items  # el.items() without a method lookup per element
_LXML_TEXT: Final = etree._Element.text.__get__  # lxml's text (Node.text shadows it)


def _split(path: str) -> tuple[str, tuple[str, ...]]:
    """``"a/b/c"`` -> ``("a", ("b", "c"))``, cached (rule paths are a fixed, small set)."""
    first, *rest = path.split("/")
    split = _SPLIT_CACHE[path] = (first, tuple(rest))
    return split


class Node(etree.ElementBase):
    """One element: its qualified name, text, attributes and children indexed by name.

    A Node is the lxml element itself: documents the validator parses (``xsd.parse_document`` with
    ``element_class=Node``) get Nodes from lxml, and the index fills their slots, so no second object
    per element is made. ``text`` here is the element's leading text, never None (it shadows lxml's
    ``text`` property on purpose); ``el`` is the Node itself. The slots stay valid because the index
    keeps every Node alive while its document is (lxml hands out the same object while one is).
    """

    __slots__ = ("_kids", "name", "parent", "text")

    def __bool__(self) -> bool:
        # A Node is always true (``node or parent``), whatever lxml says of an element without
        # children (its truth is its length, and deprecated).
        return True

    @property
    def el(self) -> Node:
        """The lxml element (the Node itself: attributes, ``xpath``, ``len``)."""
        return self

    @property
    def path(self) -> str:
        """Root-relative names without indexes: ``cac:InvoiceLine/cbc:ID`` (made when asked)."""
        parent = self.parent
        if parent is None:
            return ""
        above = parent.path
        return above + "/" + self.name if above else self.name

    @property
    def children(self) -> list[Node]:
        """Child elements in document order (made when asked; ``kids`` is the indexed access)."""
        kids = self._kids
        if kids is _NO_KIDS:
            return _NO_CHILDREN
        if len(kids) == 1:
            for same in kids.values():
                return list(same)
        # Same-named siblings are in document order in their lists: the lxml children give the
        # interleaving.
        rest = {name: iter(same) for name, same in kids.items()}
        out = []
        for child in self:
            tag = child.tag
            if tag.__class__ is str:
                out.append(next(rest[_QNAME_CACHE[tag]]))
        return out

    @property
    def pos(self) -> int:
        """1-based position among the siblings with the same name (found when asked: locations only)."""
        parent = self.parent
        if parent is None:
            return 1
        same = parent._kids[self.name]
        if same[0] is self:
            return 1
        return next(i for i, node in enumerate(same, 1) if node is self)

    def __repr__(self) -> str:
        return f"<Node {self.location}>"

    # -- navigation ----------------------------------------------------------------------
    def kids(self, name: str) -> list[Node] | tuple[Node, ...]:
        """Children with this qualified name, in document order."""
        return self._kids.get(name, _EMPTY)

    def kid_groups(self) -> Iterable[list[Node]]:
        """The children grouped by name (same-named siblings in document order; one group per name)."""
        return self._kids.values()

    def first(self, name: str) -> Node | None:
        kids = self._kids.get(name)
        return kids[0] if kids else None

    def findall(self, path: str) -> list[Node]:
        """Every element at ``a/b/c`` below this one, in document order (XPath child steps).

        The list may be the index's own (as ``kids`` returns): read it, do not change it.
        """
        first, rest = _SPLIT_CACHE.get(path) or _split(path)
        level = self._kids.get(first)
        if not level:
            return []
        for step in rest:
            if len(level) == 1:  # the usual case: one element per step, no list to build
                level = level[0]._kids.get(step)
                if not level:
                    return []
            else:
                nxt: list[Node] = []
                for node in level:
                    found = node._kids.get(step)
                    if found:
                        nxt.extend(found)
                if not nxt:
                    return nxt
                level = nxt
        return level

    def count(self, path: str) -> int:
        """``count(a/b/c)``."""
        return len(self.findall(path))

    def find(self, path: str) -> Node | None:
        """The first element at ``a/b/c`` (document order), or None."""
        found = self.findall(path)
        return found[0] if found else None

    def has(self, path: str) -> bool:
        return self.find(path) is not None

    def value(self, path: str) -> str | None:
        """Text of the first element at ``path``, or None when there is none."""
        node = self.find(path)
        return None if node is None else node.text

    def values(self, path: str) -> list[str]:
        return [n.text for n in self.findall(path)]

    def attr(self, name: str) -> str | None:
        return self.get(name)

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def has_ancestor(self, name: str) -> bool:
        return any(a.name == name for a in self.ancestors())

    # -- values ---------------------------------------------------------------------------
    @property
    def norm(self) -> str:
        """``normalize-space(.)``."""
        return normalize_space(self.text)

    @property
    def string_value(self) -> str:
        """XPath string value: all descendant text (``text`` holds only the leading text)."""
        if self._kids is _NO_KIDS and len(self) == 0:
            return self.text
        return "".join(t for t in self.xpath("descendant::text()"))

    # -- location -------------------------------------------------------------------------
    @property
    def location(self) -> str:
        """XPath to this element: ``/Invoice/cac:InvoiceLine[2]/cbc:LineExtensionAmount``."""
        parts: list[str] = []
        node: Node | None = self
        while node is not None:
            parent = node.parent
            if parent is not None and len(parent._kids[node.name]) > 1:
                parts.append(f"{node.name}[{node.pos}]")
            else:
                parts.append(node.name)
            node = parent
        return "/" + "/".join(reversed(parts))


def _node_parser() -> etree.XMLParser:
    """A parser whose elements are Nodes (for trees the validator did not parse itself)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(element=Node))
    return parser


class UblDocument:
    """The index of one UBL document; build once per validation with ``UblDocument(root)``."""

    __slots__ = (
        "_containers",
        "_decimals",
        "_nodes",
        "by_name",
        "decimal_errors",
        "is_credit_note",
        "is_invoice",
        "is_ubl",
        "memo",
        "root",
        "root_namespace",
    )

    def __init__(self, root: etree._Element | etree._ElementTree) -> None:
        if isinstance(root, etree._ElementTree):
            root = root.getroot()
        qname = etree.QName(root)
        self.root_namespace = qname.namespace or ""
        # Schematron contexts ``/ubl:Invoice | /cn:CreditNote`` match only these two roots.
        self.is_invoice = qname.localname == "Invoice" and self.root_namespace == INVOICE_NS
        self.is_credit_note = qname.localname == "CreditNote" and self.root_namespace == CREDIT_NOTE_NS
        self.is_ubl = self.is_invoice or self.is_credit_note
        if not isinstance(root, Node):  # parsed elsewhere: parse its text again with Node elements
            root = etree.fromstring(etree.tostring(root), parser=_node_parser())
        root.name = qname.localname  # "Invoice" / "CreditNote"
        root.parent = None
        root.text = _LXML_TEXT(root) or ""
        root._kids = _NO_KIDS
        self.root: Node = root
        self.by_name: dict[str, list[Node]] = {}  # every element by qualified name, document order
        self.decimal_errors: list[tuple[Node, str]] = []
        self._decimals: dict[Node, Decimal | None] = {}
        # Derived facts a rule module computes once per document and shares among its rules.
        self.memo: dict[str, object] = {}
        self._containers: list[Node] = []
        self._nodes = self._walk(root)

    @property
    def nodes(self) -> Iterable[Node]:
        """Every element's Node in document order (the walk's order)."""
        return self._nodes

    def __del__(self) -> None:
        # Child lists and parent links make every element a reference cycle; cutting the downward
        # links of each element that has children when the document goes lets reference counting
        # free the index at once instead of leaving it to the cyclic GC (which, triggered by the
        # next document's allocations, cost ~40% of the build time). So a Node is only usable
        # while its UblDocument is alive.
        for node in self._containers:
            node._kids = _NO_KIDS

    @classmethod
    def from_bytes(cls, data: bytes) -> UblDocument:
        return cls(etree.fromstring(data, parser=_node_parser()))

    def _walk(self, root: Node) -> list[Node]:
        # One pass in document order (lxml's C iterator hands out the Nodes); each Node's slots are
        # filled inline, and a name's list is made with its first element. This loop is most of the
        # index's cost. Returns every Node in document order (which also keeps them alive).
        by_name = self.by_name
        containers = self._containers
        nodes = [root]
        add = nodes.append
        qnames = _QNAME_CACHE
        text_of = _LXML_TEXT
        for node in root.iterdescendants(etree.Element):  # elements only: no comments or PIs
            parent = node.getparent()
            name = qnames[node.tag]
            node.name = name
            node.parent = parent
            node.text = text_of(node) or ""
            node._kids = _NO_KIDS
            add(node)
            kids = parent._kids
            if kids is _NO_KIDS:
                parent._kids = {name: [node]}
                containers.append(parent)
            else:
                same = kids.get(name)
                if same is None:
                    kids[name] = [node]
                else:
                    same.append(node)
            found = by_name.get(name)
            if found is None:
                by_name[name] = [node]
            else:
                found.append(node)
        return nodes

    # -- lookups --------------------------------------------------------------------------
    @property
    def parents(self) -> list[Node]:
        """Every element that has child elements, in document order (the root first)."""
        return self._containers

    @property
    def element_names(self) -> frozenset[str]:
        """The qualified names of the document's elements (made once; the key of per-shape caches)."""
        names = self.memo.get("element_names")
        if names is None:
            names = self.memo["element_names"] = frozenset(self.by_name)
        return names  # type: ignore[return-value]

    def all(self, name: str) -> list[Node] | tuple[Node, ...]:
        """``//name``: every element with this qualified name, in document order."""
        return self.by_name.get(name, _EMPTY)

    @property
    def lines(self) -> list[Node] | tuple[Node, ...]:
        """Invoice lines (BG-25): ``cac:InvoiceLine | cac:CreditNoteLine`` under the root."""
        invoice_lines = self.root.kids("cac:InvoiceLine")
        credit_lines = self.root.kids("cac:CreditNoteLine")
        if not credit_lines:
            return invoice_lines
        if not invoice_lines:
            return credit_lines
        return [n for n in self.root.children if n.name in ("cac:InvoiceLine", "cac:CreditNoteLine")]

    def at(self, path: str) -> list[Node] | tuple[Node, ...]:
        """``/*/a/b``: the elements at this root-relative path, in document order."""
        if not path:
            return [self.root]
        return self.root.findall(path)

    def names_ending(self, suffix: str) -> list[str]:
        """Qualified names present in the document that end with ``suffix`` (``ends-with(name(), ...)``)."""
        key = "names_ending." + suffix
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = [name for name in self.by_name if name.endswith(suffix)]
        return found  # type: ignore[return-value]

    def attributes(self, name: str) -> list[tuple[Node, str]] | tuple[()]:
        """``//@name``: (element, value) of every attribute with this local name (no namespace)."""
        return self._attribute_index().get(name, ())

    def attribute_names(self) -> KeysView[str]:
        """The local names of every attribute in the document (``attributes`` of each is non-empty)."""
        return self._attribute_index().keys()

    def _attribute_index(self) -> dict[str, list[tuple[Node, str]]]:
        index = self.memo.get("attributes")
        if index is None:
            index = {}
            # items() of every element called from C (map over the element -> Node map, document
            # order), and compress() passes on only the few elements that have attributes, so the
            # Python loop sees those alone.
            nodes = self._nodes
            pairs_of = list(map(_ATTRIBUTE_PAIRS, nodes))
            for node, pairs in compress(zip(nodes, pairs_of, strict=True), pairs_of):
                for key, value in pairs:
                    found = index.get(key)
                    if found is None:
                        index[key] = [(node, value)]
                    else:
                        found.append((node, value))
            self.memo["attributes"] = index
        return index  # type: ignore[return-value]

    def decimal(self, node: Node | None) -> Decimal | None:
        """``xs:decimal(node)``; a text outside the xs:decimal lexical space is recorded and gives None."""
        if node is None:
            return None
        cache = self._decimals
        result = cache.get(node, _UNPARSED)
        if result is not _UNPARSED:
            return result  # type: ignore[return-value]
        result = cache[node] = parse_xs_decimal(node.text)
        if result is None:
            self.decimal_errors.append((node, node.text))  # once per element
        return result

    def decimal_at(self, node: Node, path: str) -> Decimal | None:
        return self.decimal(node.find(path))
