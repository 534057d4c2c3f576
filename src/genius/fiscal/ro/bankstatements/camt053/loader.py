"""Hardened XML loading for CAMT.053 files: bytes from a bank portal are treated as hostile.

The layers (size limit, prolog scan refusing DTDs, hardened parser, resolver refusing external
resources, post-parse DTD/entity check) live in :mod:`genius.fiscal.xmlsafe`, shared with the
e-Factura parser; this module sets the statement limit and turns refusals into statement errors.
"""

from __future__ import annotations

from typing import Final

from lxml import etree

from genius.fiscal import xmlsafe
from genius.fiscal.ro.bankstatements.errors import MalformedStatement, StatementTooLarge, UnsafeXml

# A busy account's monthly CAMT.053 is a few megabytes; 25 MB bounds libxml2's memory.
MAX_STATEMENT_BYTES: Final[int] = 25 * 1024 * 1024


def load_xml(data: bytes) -> etree._Element:
    """The statement's root element, or a ``StatementError`` saying why the bytes were refused."""
    try:
        return xmlsafe.parse(data, max_bytes=MAX_STATEMENT_BYTES, dtd_reason="CAMT.053 never needs one")
    except xmlsafe.TooLarge as refused:
        raise StatementTooLarge(f"the file has {refused.message}") from None
    except xmlsafe.Unsafe as refused:
        raise UnsafeXml(refused.message) from None
    except xmlsafe.Malformed as refused:
        raise MalformedStatement(refused.message, line=refused.line) from None
