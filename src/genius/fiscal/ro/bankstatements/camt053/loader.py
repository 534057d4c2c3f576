"""Hardened XML loading for CAMT.053 files: bytes from a bank portal are treated as hostile.

1. Size: refused above MAX_STATEMENT_BYTES before parsing.
2. Prolog scan: a ``<!DOCTYPE`` (or any ``<!`` declaration) before the root is refused before
   libxml2 sees it; DTDs are how entity expansion and external entities (XXE) get in, and
   libxml2 reads an external subset even with ``load_dtd=False``.
3. Parser: entities never substituted, no network, no DTD, no ``huge_tree`` (libxml2's depth and
   text-node limits stay on), comments and processing instructions dropped.
4. A resolver refusing every external resource; after parsing, a DTD or entity node is refused.
"""

from __future__ import annotations

import codecs
from typing import Final

from lxml import etree

from genius.fiscal.ro.bankstatements.errors import MalformedStatement, StatementTooLarge, UnsafeXml

# A busy account's monthly CAMT.053 is a few megabytes; 25 MB bounds libxml2's memory.
MAX_STATEMENT_BYTES: Final[int] = 25 * 1024 * 1024
_WHITESPACE: Final = " \t\r\n"


class _Refused(Exception):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class _RefuseEverything(etree.Resolver):
    def resolve(self, system_url: str | None, public_id: str | None, context: object) -> None:
        raise _Refused(str(system_url or public_id or "?"))


def _parser() -> etree.XMLParser:
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


def _prolog(data: bytes) -> str:
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF8, "latin-1"),
    ):
        if data.startswith(bom):
            return data[len(bom) : len(bom) + 65536].decode(codec, errors="replace")
    for start, codec in ((b"\x00<", "utf-16-be"), (b"<\x00", "utf-16-le")):
        if data.startswith(start):
            return data[:65536].decode(codec, errors="replace")
    return data[:65536].decode("latin-1")


def check_prolog(data: bytes) -> None:
    text = _prolog(data)
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in _WHITESPACE:
            i += 1
        if i >= n:
            raise MalformedStatement("the XML document has no root element")
        if text.startswith("<?", i):
            end = text.find("?>", i + 2)
            if end < 0:
                raise MalformedStatement("unterminated XML declaration")
            i = end + 2
        elif text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            if end < 0:
                raise MalformedStatement("unterminated comment before the root element")
            i = end + 3
        elif text.startswith("<!", i):
            raise UnsafeXml(
                "the document declares a DTD (<!DOCTYPE ...>); CAMT.053 never needs one and DTDs carry "
                "entity-expansion and external-entity attacks, so it is refused"
            )
        elif text[i] == "<":
            return
        else:
            raise MalformedStatement("the document does not start with XML markup ('<')")


def load_xml(data: bytes) -> etree._Element:
    if len(data) > MAX_STATEMENT_BYTES:
        raise StatementTooLarge(
            f"the file has {len(data):,} bytes; at most {MAX_STATEMENT_BYTES:,} are accepted"
        )
    check_prolog(data)
    try:
        root = etree.fromstring(data, _parser())
    except _Refused as refused:
        raise UnsafeXml(f"the document refers to an external resource ({refused.url}); refused") from None
    except etree.XMLSyntaxError as error:
        line = error.position[0] if error.position else None
        raise MalformedStatement(
            f"not well-formed XML: {' '.join((error.msg or str(error)).split())}", line=line
        ) from None
    except (etree.LxmlError, ValueError, LookupError, UnicodeError) as error:
        raise MalformedStatement(f"cannot read the XML: {error}") from None
    if root is None:
        raise MalformedStatement("the XML document has no root element")
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise UnsafeXml("the document declares a DTD; refused")
    for _entity in root.iter(etree.Entity):
        raise UnsafeXml("the document uses an entity reference; refused")
    return root
