"""Hardened XML loading: bytes from outside -> the root element of a UBL Invoice or CreditNote.

Invoices arrive from strangers (ANAF downloads, e-mail, uploads), so the bytes are treated as
hostile. Defence in depth, each layer enough on its own for the attack it names:

1. Size: refused above :data:`MAX_DOCUMENT_BYTES` before any parsing (memory exhaustion).
2. Prolog scan: any ``<!DOCTYPE`` (or other ``<!`` declaration) before the root element is refused
   before libxml2 sees it. UBL never needs a DTD; a DTD is how entity expansion ("billion laughs")
   and external entities (XXE) get in. libxml2 reads an external DTD subset or a parameter entity
   even with ``load_dtd=False``, so this scan matters.
3. Parser options: entities never substituted, no network, no DTD loading or validation, no
   ``huge_tree`` (keeps libxml2's limits: depth 256, 10 MB text node), comments and processing
   instructions dropped.
4. A resolver that refuses every external resource, should anything still ask for one.
5. After parsing: a DTD or an entity node still present is refused.
6. The root must be ``Invoice`` or ``CreditNote`` in its UBL 2.1 namespace.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Final

from lxml import etree

from genius.fiscal.ro.efactura.parse.errors import DocumentTooLarge, MalformedXml, NotAnInvoice, UnsafeXml

# ANAF's e-Factura upload refuses files above 10 MB, so nothing larger can be a filed invoice;
# the limit also bounds the parser's memory (libxml2 needs a few times the input size).
MAX_DOCUMENT_BYTES: Final[int] = 10 * 1024 * 1024

INVOICE_NS: Final = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS: Final = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC_NS: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC_NS: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

# Root element (Clark notation) -> its local name, the two documents EN 16931 binds to UBL 2.1.
_ROOTS: Final[dict[str, str]] = {
    f"{{{INVOICE_NS}}}Invoice": "Invoice",
    f"{{{CREDIT_NOTE_NS}}}CreditNote": "CreditNote",
}
_EXPECTED_ROOT_NS: Final[dict[str, str]] = {"Invoice": INVOICE_NS, "CreditNote": CREDIT_NOTE_NS}

_XML_WHITESPACE: Final = " \t\r\n"


@dataclass(frozen=True)
class LoadedDocument:
    """A safely parsed UBL document: its root element and which of the two roots it is."""

    root: etree._Element
    root_name: str  # "Invoice" or "CreditNote"


class _ExternalResourceRefused(Exception):
    """Raised by the resolver; turned into UnsafeXml by the loader (never escapes)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class _RefuseEverything(etree.Resolver):
    """lxml resolver that refuses every external entity, DTD or include (XXE, SSRF)."""

    def resolve(self, system_url: str | None, public_id: str | None, context: object) -> None:
        raise _ExternalResourceRefused(str(system_url or public_id or "?"))


def _new_parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers are not safe to share between threads.
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )
    parser.resolvers.add(_RefuseEverything())
    return parser


def _prolog_text(data: bytes) -> str:
    """The document as text, good enough to read its prolog's markup (not its content)."""
    # Order matters: the UTF-32-LE BOM starts with the UTF-16-LE BOM.
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF8, "latin-1"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    for start, codec in (
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\x00<", "utf-16-be"),
        (b"<\x00", "utf-16-le"),
    ):
        if data.startswith(start):
            return data.decode(codec, errors="replace")
    # UTF-8 and every single-byte encoding agree with latin-1 on the ASCII markup characters.
    return data.decode("latin-1")


def _check_prolog(data: bytes) -> None:
    """Refuse a DOCTYPE (or anything unexpected) before the root element, without parsing."""
    text = _prolog_text(data)
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in _XML_WHITESPACE:
            i += 1
        if i >= n:
            raise MalformedXml("the document has no root element")
        if text.startswith("<?", i):
            end = text.find("?>", i + 2)
            if end < 0:
                raise MalformedXml("unterminated XML declaration or processing instruction")
            i = end + 2
        elif text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            if end < 0:
                raise MalformedXml("unterminated comment before the root element")
            i = end + 3
        elif text.startswith("<!", i):
            raise UnsafeXml(
                "the document declares a DTD (<!DOCTYPE ...>); UBL invoices never need one and DTDs "
                "carry entity-expansion and external-entity attacks, so it is refused"
            )
        elif text[i] == "<":
            return
        else:
            # Not markup at all, or an encoding whose markup is not ASCII (EBCDIC): refuse, since
            # the prolog could not be checked.
            raise MalformedXml("the document does not start with XML markup ('<')")


def load_ubl(data: bytes) -> LoadedDocument:
    """Parse untrusted bytes into a UBL Invoice/CreditNote root, or raise a ``ParseError``.

    Raises ``TypeError`` for anything but bytes (a caller bug, not bad input).
    """
    if isinstance(data, bytearray | memoryview):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"parse expects the document as bytes, got {type(data).__name__}")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentTooLarge(
            f"the document has {len(data):,} bytes; at most {MAX_DOCUMENT_BYTES:,} are accepted "
            "(ANAF's e-Factura upload limit)"
        )
    _check_prolog(data)
    try:
        root = etree.fromstring(data, _new_parser())
    except _ExternalResourceRefused as refused:
        raise UnsafeXml(f"the document refers to an external resource ({refused.url}); refused") from None
    except etree.XMLSyntaxError as error:
        raise MalformedXml(f"not well-formed XML: {_describe_syntax_error(error)}") from None
    except (etree.LxmlError, ValueError, LookupError, UnicodeError) as error:
        # e.g. an unknown or inconsistent encoding declaration.
        raise MalformedXml(f"cannot read the XML: {error}") from None
    if root is None:  # lxml returns None for some recoverable failures
        raise MalformedXml("the document has no root element")
    _check_no_dtd_or_entities(root)
    return LoadedDocument(root=root, root_name=_check_root(root))


def _describe_syntax_error(error: etree.XMLSyntaxError) -> str:
    message = " ".join((error.msg or str(error)).split())
    line, column = error.position if error.position else (None, None)
    if line is not None and "line" not in message:
        return f"{message} (line {line}, column {column})"
    return message


def _check_no_dtd_or_entities(root: etree._Element) -> None:
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeXml("the document declares a DTD; refused")
    for _entity in root.iter(etree.Entity):
        raise UnsafeXml("the document uses an entity reference; refused")


def _check_root(root: etree._Element) -> str:
    tag = root.tag
    name = _ROOTS.get(tag) if isinstance(tag, str) else None
    if name is not None:
        return name
    qname = etree.QName(root)
    expected = f'<Invoice xmlns="{INVOICE_NS}"> or <CreditNote xmlns="{CREDIT_NOTE_NS}">'
    if qname.localname in _EXPECTED_ROOT_NS:
        where = f"namespace '{qname.namespace}'" if qname.namespace else "no namespace"
        raise NotAnInvoice(
            f"the root element <{qname.localname}> is in {where}, not the UBL 2.1 namespace "
            f"'{_EXPECTED_ROOT_NS[qname.localname]}'",
            field=f"/{qname.localname}",
        )
    raise NotAnInvoice(
        f"the root element is <{qname.localname}> (namespace '{qname.namespace or ''}'); expected {expected}",
        field=f"/{qname.localname}",
    )


__all__ = [
    "CAC_NS",
    "CBC_NS",
    "CREDIT_NOTE_NS",
    "INVOICE_NS",
    "MAX_DOCUMENT_BYTES",
    "LoadedDocument",
    "load_ubl",
]
