"""The per-line tests of lines.py (BR-21..26, BR-28, BR-CO-04) and BR-27 decided in one read of each line.

``line_fine(line)`` is the conjunction of the line tests on the usual shape; ``passes(doc)`` says that
neither lines.line_tests nor BR-27 fires (fastpath.py). False means "not sure": the rules run as written.
"""

from __future__ import annotations

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument
from genius.fiscal.ro.efactura.validate.en16931.fastpath import decided_once
from genius.fiscal.ro.efactura.validate.en16931.selectors import is_vat


def line_fine(line: Node) -> bool:
    """True when the line certainly passes every per-line test of lines.py (their conjunction, in one
    read of its children); False means "run the tests one by one", which then say which rules it breaks."""
    # (loops rather than any(<generator>): this runs per line)
    kids = line._kids
    for n in kids.get("cbc:ID", ()):  # BR-21
        if n.text != "":
            break
    else:
        return False
    quantities = kids.get("cbc:InvoicedQuantity") or kids.get("cbc:CreditedQuantity")
    if not quantities or "cbc:LineExtensionAmount" not in kids:  # BR-22, BR-24
        return False
    if quantities[0].el.get("unitCode") is None:  # BR-23 (the other quantities: the slow path)
        return False
    prices = kids.get("cac:Price")
    if not prices or len(prices) > 1:  # BR-26 (several prices: the slow path)
        return False
    price_kids = prices[0]._kids
    if "cbc:PriceAmount" not in price_kids or "cac:AllowanceCharge" in price_kids:  # BR-26, BR-28
        return False
    items = kids.get("cac:Item")
    if not items or len(items) > 1:  # several items: the slow path
        return False
    item_kids = items[0]._kids
    for n in item_kids.get("cbc:Name", ()):  # BR-25
        if n.text != "":
            break
    else:
        return False
    for category in item_kids.get("cac:ClassifiedTaxCategory", ()):  # BR-CO-04
        category_kids = category._kids
        if "cbc:ID" not in category_kids:
            continue
        # is_vat's usual first answer (the first scheme's cbc:ID is "VAT") read here: no call per line
        schemes = category_kids.get("cac:TaxScheme")
        if schemes:
            scheme_ids = schemes[0]._kids.get("cbc:ID")
            if scheme_ids and scheme_ids[0].text == "VAT":
                return True
        if is_vat(category):
            return True
    return False


def _decide(doc: UblDocument) -> bool:
    """Every line passes its tests and no cbc:PriceAmount is negative (line_tests and BR-27 say
    nothing): each line fine, each with one price amount of plain digits (so not negative), and no
    other cbc:PriceAmount in the document. False: not sure, the two checks run as written."""
    lines = [*doc.all("cac:InvoiceLine"), *doc.all("cac:CreditNoteLine")]  # lines._lines
    for line in lines:
        if not line_fine(line):
            return False
        amounts = line._kids["cac:Price"][0]._kids["cbc:PriceAmount"]  # line_fine: one price, an amount
        if len(amounts) != 1:
            return False
        text = amounts[0].text
        if not (text.isascii() and text.replace(".", "", 1).isdigit()):  # as_double's usual case, >= 0
            return False
    return len(doc.all("cbc:PriceAmount")) == len(lines)


passes = decided_once("lines.passes", _decide)
