"""Hardened XML loading shared by the fiscal parsers: untrusted bytes -> the root element.

Invoices (e-Factura UBL) and bank statements (CAMT.053) arrive from strangers, so their bytes are
treated as hostile. Defence in depth, each layer enough on its own for the attack it names:

1. Size: refused above the caller's limit before any parsing (memory exhaustion).
2. Prolog scan: any ``<!DOCTYPE`` (or other ``<!`` declaration) before the root element is refused
   before libxml2 sees it. These formats never need a DTD; a DTD is how entity expansion ("billion
   laughs") and external entities (XXE) get in, and libxml2 reads an external DTD subset or a
   parameter entity even with ``load_dtd=False``, so this scan matters.
3. Parser options: entities never substituted, no network, no DTD loading or validation, no
   ``huge_tree`` (keeps libxml2's limits: depth 256, 10 MB text node), comments and processing
   instructions dropped.
4. A resolver that refuses every external resource, should anything still ask for one.
5. After parsing: a DTD or an entity node still present is refused.

Refusals are :class:`XmlRefused` subclasses (plain exceptions); each caller turns them into its own
error tree (``efactura.parse.errors``, ``bankstatements.errors``) with its own wording of the limit.
"""

from __future__ import annotations

import codecs
from typing import Final

from lxml import etree

# The prolog (XML declaration, comments, processing instructions) is read from at most this many
# bytes; a real document's root starts within a few hundred.
MAX_PROLOG_BYTES: Final[int] = 256 * 1024
_XML_WHITESPACE: Final = " \t\r\n"


class XmlRefused(Exception):
    """Why untrusted XML was not loaded; ``message`` is safe to show (never the document's text)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TooLarge(XmlRefused):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"{size:,} bytes; at most {limit:,} are accepted")
        self.size = size
        self.limit = limit


class Unsafe(XmlRefused):
    """A DTD, an entity or an external reference: never processed."""


class Malformed(XmlRefused):
    """Not well-formed or unreadable XML; ``line``/``column`` where libxml2 gave them."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column

    def with_position(self) -> str:
        """The message with ``(line L, column C)`` appended when it does not already say where."""
        if self.line is not None and "line" not in self.message:
            return f"{self.message} (line {self.line}, column {self.column})"
        return self.message


class ExternalResourceRefused(Exception):
    """Raised by the resolver; turned into :class:`Unsafe` by :func:`parse` (never escapes)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class _RefuseEverything(etree.Resolver):
    """lxml resolver that refuses every external entity, DTD or include (XXE, SSRF)."""

    def resolve(self, system_url: str | None, public_id: str | None, context: object) -> None:
        raise ExternalResourceRefused(str(system_url or public_id or "?"))


def new_parser() -> etree.XMLParser:
    """A fresh hardened parser: lxml parsers are not safe to share between threads."""
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


def prolog_text(data: bytes) -> str:
    """The start of the document as text, good enough to read its prolog's markup (not its content)."""
    window = data[:MAX_PROLOG_BYTES]
    # Order matters: the UTF-32-LE BOM starts with the UTF-16-LE BOM.
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF8, "latin-1"),
    ):
        if window.startswith(bom):
            return window[len(bom) :].decode(codec, errors="replace")
    for start, codec in (
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\x00<", "utf-16-be"),
        (b"<\x00", "utf-16-le"),
    ):
        if window.startswith(start):
            return window.decode(codec, errors="replace")
    # UTF-8 and every single-byte encoding agree with latin-1 on the ASCII markup characters.
    return window.decode("latin-1")


def check_prolog(data: bytes, *, dtd_reason: str) -> None:
    """Refuse a DOCTYPE (or anything unexpected) before the root element, without parsing.

    ``dtd_reason`` says why the format needs no DTD ("UBL invoices never need one").
    """
    text = prolog_text(data)
    cut = len(data) > MAX_PROLOG_BYTES  # the scan saw only the window: an open end is the window's

    def unfinished(what: str) -> Malformed:
        if cut:
            return Malformed(f"no root element within the first {MAX_PROLOG_BYTES:,} bytes")
        return Malformed(what)

    i, n = 0, len(text)
    while True:
        while i < n and text[i] in _XML_WHITESPACE:
            i += 1
        if i >= n:
            raise unfinished("the document has no root element")
        if text.startswith("<?", i):
            end = text.find("?>", i + 2)
            if end < 0:
                raise unfinished("unterminated XML declaration or processing instruction")
            i = end + 2
        elif text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            if end < 0:
                raise unfinished("unterminated comment before the root element")
            i = end + 3
        elif text.startswith("<!", i):
            raise Unsafe(
                f"the document declares a DTD (<!DOCTYPE ...>); {dtd_reason} and DTDs carry "
                "entity-expansion and external-entity attacks, so it is refused"
            )
        elif text[i] == "<":
            return
        else:
            # Not markup at all, or an encoding whose markup is not ASCII (EBCDIC): refuse, since
            # the prolog could not be checked.
            raise Malformed("the document does not start with XML markup ('<')")


def parse(data: bytes, *, max_bytes: int, dtd_reason: str) -> etree._Element:
    """Parse untrusted bytes into their root element, or raise an :class:`XmlRefused`.

    Raises ``TypeError`` for anything but bytes (a caller bug, not bad input).
    """
    if isinstance(data, bytearray | memoryview):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"parse expects the document as bytes, got {type(data).__name__}")
    if len(data) > max_bytes:
        raise TooLarge(len(data), max_bytes)
    check_prolog(data, dtd_reason=dtd_reason)
    try:
        root = etree.fromstring(data, new_parser())
    except ExternalResourceRefused as refused:
        raise Unsafe(f"the document refers to an external resource ({refused.url}); refused") from None
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (None, None)
        message = " ".join((error.msg or str(error)).split())
        raise Malformed(f"not well-formed XML: {message}", line, column) from None
    except (etree.LxmlError, ValueError, LookupError, UnicodeError) as error:
        # e.g. an unknown or inconsistent encoding declaration.
        raise Malformed(f"cannot read the XML: {error}") from None
    if root is None:  # lxml returns None for some recoverable failures
        raise Malformed("the document has no root element")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise Unsafe("the document declares a DTD; refused")
    for _entity in root.iter(etree.Entity):
        raise Unsafe("the document uses an entity reference; refused")
    return root


__all__ = [
    "MAX_PROLOG_BYTES",
    "ExternalResourceRefused",
    "Malformed",
    "TooLarge",
    "Unsafe",
    "XmlRefused",
    "check_prolog",
    "new_parser",
    "parse",
    "prolog_text",
]
