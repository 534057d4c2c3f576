"""The whole of totals.py's rules decided in one read of the totals and the VAT breakdown.

``passes(doc)`` is True only when it is certain that none of BR-12..15, BR-CO-10..14, 16, 17 and
BR-45..48 fires; it mirrors their tests on the usual shape (one cac:LegalMonetaryTotal, every
amount a decimal) and says False on anything else, so the rules then run one by one (fastpath.py).
"""

from __future__ import annotations

from decimal import Decimal

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument, round2, xpath_round
from genius.fiscal.ro.efactura.validate.en16931.fastpath import decided_once
from genius.fiscal.ro.efactura.validate.en16931.selectors import (
    LINE_NAMES,
    code,
    is_allowance,
    is_charge,
    is_vat,
)

_NONE: tuple[Node, ...] = ()
_ZERO = Decimal(0)
_HALF = Decimal("0.5")
_ROUNDING = Decimal("0.005")  # round2 moves a value by less than this (half up: [-0.005, +0.005))
# Amount texts up to 15 characters and a rate text up to 10: every product, sum and difference BR-CO-17's
# fast test makes is exact within Decimal's 28 digits (at most 25 significant digits).
_EXACT_LENGTH = 15
_RATE_LENGTH = 10


def _cents_only(node: Node) -> bool:
    """The text (a decimal) has at most two characters after its first '.' (at most 2 fraction digits)
    and is short (round2's own steps exact): a sum equal to its value is its own round2."""
    text = node.text
    if len(text) > _EXACT_LENGTH:
        return False
    dot = text.find(".")
    return dot < 0 or len(text) - dot <= 3


def _rate_length(categories: list[Node]) -> int:
    """Length of the text of the rate BR-CO-17 uses: the first cbc:Percent of the VAT categories."""
    for category in categories:
        percents = category._kids.get("cbc:Percent")
        if percents:
            return len(percents[0].text)
    return _RATE_LENGTH + 1


def round2_equals(total: Decimal, given: Node, value: Decimal | None) -> bool:
    """``value = round2(total)`` for ``value = xs:decimal(given)``: equal sums of amounts are decided
    without rounding when the given text has at most 2 fraction digits, else round2 as the rule does."""
    if value is None:
        return False
    if total == value and _cents_only(given):
        return True
    return value == round2(total)


def _amounts(doc: UblDocument, nodes: list[Node] | tuple[Node, ...], name: str) -> list[Decimal] | None:
    """``nodes/name/xs:decimal(.)`` in document order; None when one is not a decimal (not sure)."""
    decimal = doc.decimal
    out = []
    for node in nodes:
        for amount in node._kids.get(name, _NONE):
            value = decimal(amount)
            if value is None:
                return None
            out.append(value)
    return out


def _decide(doc: UblDocument) -> bool:
    if not doc.is_ubl:
        return False
    totals = doc.all("cac:LegalMonetaryTotal")
    if len(totals) != 1:
        return False
    total = totals[0]
    kids = total._kids
    lines_nodes = kids.get("cbc:LineExtensionAmount")
    exclusive_nodes = kids.get("cbc:TaxExclusiveAmount")
    inclusive_nodes = kids.get("cbc:TaxInclusiveAmount")
    payable_nodes = kids.get("cbc:PayableAmount")
    if not (lines_nodes and exclusive_nodes and inclusive_nodes and payable_nodes):  # BR-12..15
        return False
    decimal = doc.decimal
    lines = decimal(lines_nodes[0])
    exclusive = decimal(exclusive_nodes[0])
    inclusive = decimal(inclusive_nodes[0])
    payable = decimal(payable_nodes[0])
    if lines is None or exclusive is None or inclusive is None or payable is None:
        return False

    # BR-CO-10: the line net amounts, summed in the rule's order (invoice lines, then credit note lines).
    line_amounts: list[Decimal] = []
    for name in LINE_NAMES:
        found = _amounts(doc, doc.all(name), "cbc:LineExtensionAmount")
        if found is None:
            return False
        line_amounts += found
    if not round2_equals(sum(line_amounts, _ZERO), lines_nodes[0], lines):
        return False

    # BR-CO-11, 12, 13: document level allowances and charges against their totals.
    allowance_total = kids.get("cbc:AllowanceTotalAmount")
    charge_total = kids.get("cbc:ChargeTotalAmount")
    parent = total.parent
    charges = parent._kids.get("cac:AllowanceCharge", _NONE) if parent is not None else _NONE
    if charges or allowance_total or charge_total:
        for given, chosen in (
            (allowance_total, [ac for ac in charges if is_allowance(ac)]),
            (charge_total, [ac for ac in charges if is_charge(ac)]),
        ):
            amounts = _amounts(doc, chosen, "cbc:Amount")
            if amounts is None:
                return False
            if given is None:
                if chosen:
                    return False
            elif not round2_equals(sum(amounts, _ZERO), given[0], decimal(given[0])):
                return False
        expected: Decimal | None = lines
        if charge_total or allowance_total:
            charge = decimal(charge_total[0]) if charge_total else 0
            allowance = decimal(allowance_total[0]) if allowance_total else 0
            if charge is None or allowance is None:
                return False
            expected = round2(lines + charge - allowance)
        if exclusive != expected:
            return False
    elif exclusive != lines:
        return False

    # BR-CO-14: each VAT total against the sum of its breakdown.
    for tax_total in doc.root._kids.get("cac:TaxTotal", _NONE):
        subtotals = tax_total._kids.get("cac:TaxSubtotal")
        if not subtotals:
            continue
        amounts = _amounts(doc, subtotals, "cbc:TaxAmount")
        given = tax_total._kids.get("cbc:TaxAmount")
        if (
            amounts is None
            or not given
            or not round2_equals(sum(amounts, _ZERO), given[0], decimal(given[0]))
        ):
            return False

    # BR-CO-16: amount due = total with VAT - prepaid + rounding.
    prepaid_nodes = kids.get("cbc:PrepaidAmount")
    rounding_nodes = kids.get("cbc:PayableRoundingAmount")
    if not prepaid_nodes and not rounding_nodes:
        if payable != inclusive:
            return False
    else:
        prepaid = decimal(prepaid_nodes[0]) if prepaid_nodes else _ZERO
        rounding = decimal(rounding_nodes[0]) if rounding_nodes else _ZERO
        if prepaid is None or rounding is None:
            return False
        if not payable_matches(
            payable, inclusive, prepaid, rounding, bool(prepaid_nodes), bool(rounding_nodes)
        ):
            return False

    # BR-CO-17, BR-45..48 on every cac:TaxTotal/cac:TaxSubtotal (wherever it occurs).
    for subtotal in doc.all("cac:TaxSubtotal"):
        above = subtotal.parent
        if above is None or above.name != "cac:TaxTotal":
            continue
        sub = subtotal._kids
        taxable_nodes = sub.get("cbc:TaxableAmount")
        tax_nodes = sub.get("cbc:TaxAmount")
        if not taxable_nodes or not tax_nodes:  # BR-45, BR-46
            return False
        categories = [c for c in sub.get("cac:TaxCategory", _NONE) if is_vat(c)]
        for category in categories:  # BR-47
            if "cbc:ID" in category._kids:
                break
        else:
            return False
        rates = _amounts(doc, categories, "cbc:Percent")
        if rates is None:
            return False
        if not rates:  # BR-48: no rate only in category O
            for category in categories:
                if code(category) == "O":
                    break
            else:
                return False
        tax = decimal(tax_nodes[0])
        taxable = decimal(taxable_nodes[0])
        if tax is None:
            return False
        # (rate >= 0.5: xpath_round(rate) >= 1 whatever the context rounds, so not 0)
        if not rates or (rates[0] < _HALF and xpath_round(rates[0]) == 0):
            if xpath_round(tax) != 0:
                return False
        else:
            if taxable is None:
                return False
            product = abs(taxable) * (rates[0] / 100)
            low, high = abs(tax) - 1, abs(tax) + 1
            if (  # round2(product) strictly inside too when product is 0.005 inside, all exact
                low + _ROUNDING < product < high - _ROUNDING
                and len(taxable_nodes[0].text) <= _EXACT_LENGTH
                and len(tax_nodes[0].text) <= _EXACT_LENGTH
                and _rate_length(categories) <= _RATE_LENGTH
            ):
                continue
            if not low < round2(product) < high:
                return False
    return True


passes = decided_once("totals.passes", _decide)


def payable_matches(
    payable: Decimal,
    inclusive: Decimal,
    prepaid: Decimal,
    rounding: Decimal,
    has_prepaid: bool,
    has_rounding: bool,
) -> bool:
    """BR-CO-16's test: amount due = total with VAT - paid + rounding, rounded where ANAF's XSLT rounds."""
    if not has_prepaid and not has_rounding:
        return payable == inclusive
    if not has_rounding:
        return payable == round2(inclusive - prepaid)
    if has_prepaid:
        return round2(payable - rounding) == round2(inclusive - prepaid)
    return round2(payable - rounding) == inclusive
