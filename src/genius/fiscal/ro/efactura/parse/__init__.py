"""Reading UBL 2.1 Invoice and CreditNote documents (EN 16931, CIUS-RO) into the e-Factura model.

``parse_xml(data)`` returns an :class:`~genius.fiscal.ro.efactura.model.Invoice` or raises a
:class:`ParseError` (a kernel ``ValidationError``): never anything else for any bytes. Hostile XML
(DTDs, entity expansion, external entities, oversize input) is refused before or while parsing,
see :mod:`.loader`. Values are read exactly as written: amounts, quantities and rates as
``Decimal`` with their written scale, dates as ``date``, embedded attachments as decoded bytes.

What the model cannot hold is not invented and not refused: ``currencyID`` on amounts (the model
has one invoice currency, BT-5, plus BT-6 for BT-111), UBL-only elements outside EN 16931
(``UBLExtensions``, ``PaymentMeans/InstructionNote``, ``DocumentTypeCode`` of supporting documents).
"""

from __future__ import annotations

from genius.fiscal.ro.efactura.model import Invoice
from genius.fiscal.ro.efactura.parse.document import invoice as _invoice
from genius.fiscal.ro.efactura.parse.errors import (
    DocumentTooLarge,
    InvalidField,
    MalformedXml,
    NotAnInvoice,
    ParseError,
    UnsafeXml,
)
from genius.fiscal.ro.efactura.parse.loader import MAX_DOCUMENT_BYTES, load_ubl
from genius.fiscal.ro.efactura.parse.nodes import MAX_NUMBER_LENGTH, document_node


def parse_xml(data: bytes) -> Invoice:
    """Read a UBL 2.1 Invoice or CreditNote into the EN 16931 model, or raise ``ParseError``."""
    loaded = load_ubl(data)
    return _invoice(document_node(loaded.root, loaded.root_name), loaded.root_name)


__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_NUMBER_LENGTH",
    "DocumentTooLarge",
    "InvalidField",
    "MalformedXml",
    "NotAnInvoice",
    "ParseError",
    "UnsafeXml",
    "parse_xml",
]
