"""Hardened XML loading: bytes from outside -> the root element of a UBL Invoice or CreditNote.

The hostile-input layers (size limit, prolog scan refusing DTDs, hardened parser, resolver
refusing external resources, post-parse DTD/entity check) live in :mod:`genius.fiscal.xmlsafe`,
shared with the bank statement parser. This module adds e-Factura's limit (ANAF's 10 MB upload
cap), its error tree and the root check: ``Invoice`` or ``CreditNote`` in its UBL 2.1 namespace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from lxml import etree

from genius.fiscal import xmlsafe
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


@dataclass(frozen=True)
class LoadedDocument:
    """A safely parsed UBL document: its root element and which of the two roots it is."""

    root: etree._Element
    root_name: str  # "Invoice" or "CreditNote"


def load_ubl(data: bytes) -> LoadedDocument:
    """Parse untrusted bytes into a UBL Invoice/CreditNote root, or raise a ``ParseError``.

    Raises ``TypeError`` for anything but bytes (a caller bug, not bad input).
    """
    try:
        root = xmlsafe.parse(data, max_bytes=MAX_DOCUMENT_BYTES, dtd_reason="UBL invoices never need one")
    except xmlsafe.TooLarge as refused:
        raise DocumentTooLarge(
            f"the document has {refused.message} (ANAF's e-Factura upload limit)"
        ) from None
    except xmlsafe.Unsafe as refused:
        raise UnsafeXml(refused.message) from None
    except xmlsafe.Malformed as refused:
        raise MalformedXml(refused.with_position()) from None
    return LoadedDocument(root=root, root_name=_check_root(root))


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
