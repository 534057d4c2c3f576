"""The UBL 2.1 writer: an :class:`Invoice` model to CIUS-RO Invoice or CreditNote XML bytes.

Element order follows the OASIS UBL 2.1 XSD sequences (UBL-Invoice-2.1.xsd, UBL-CreditNote-2.1.xsd,
UBL-CommonAggregateComponents-2.1.xsd); the EN 16931 -> UBL mapping is CEN's syntax binding
(EN 16931-3-2). Romanian differences from generic EN 16931 UBL are few and each says so where it
is written:

- BT-24 is always CIUS-RO's identifier (BR-RO-001), whatever the model read from elsewhere;
- BT-6 TaxCurrencyCode and a second TaxTotal with BT-111 in RON when BT-5 is not RON (BR-RO-030);
- addresses, lengths and identifiers are checked on the model first
  (:mod:`genius.fiscal.ro.efactura.ciusro`), so the writer never rewrites a value (SECTOR1..6 for
  RO-B, ISO 3166-2:RO county codes, length limits, CUI format).

The writers live in the private package :mod:`genius.fiscal.ro.efactura.writer`: ``elements``
(namespaces, small writers), ``parties``, ``lines`` and ``document`` (:func:`to_element`).

``build_xml(invoice)`` computes and checks before writing; ``build_xml(invoice, check=False)``
writes exactly what the model holds (for test corpora of deliberately broken invoices).
"""

from __future__ import annotations

from genius.fiscal.ro.efactura.ciusro import check_rules
from genius.fiscal.ro.efactura.compute import compute
from genius.fiscal.ro.efactura.model import Invoice
from genius.fiscal.ro.efactura.writer.document import to_element, to_tree
from genius.fiscal.ro.efactura.writer.text import document_bytes
from genius.fiscal.ro.efactura.writer.tree import serialize


def build_xml(invoice: Invoice, *, check: bool = True) -> bytes:
    """UBL 2.1 Invoice/CreditNote bytes (UTF-8, with XML declaration) conforming to CIUS-RO.

    With ``check`` (the default) the invoice is first completed and checked with
    :func:`~genius.fiscal.ro.efactura.compute.compute` and
    :func:`~genius.fiscal.ro.efactura.ciusro.check_rules`, which raise ``CalculationMismatch`` /
    ``RuleViolation``. ``check=False`` writes the model as it is.
    """
    if check:
        invoice = compute(invoice)
        check_rules(invoice)
    # The bytes etree.tostring(to_element(invoice), xml_declaration=True, encoding="UTF-8",
    # pretty_print=True) gives: written straight from the model when no text needs an escape or a
    # check (writer.text), else from the writer's tree (writer.tree), which also raises lxml's errors.
    data = document_bytes(invoice)
    return serialize(to_tree(invoice)) if data is None else data


__all__ = ["build_xml", "to_element"]
