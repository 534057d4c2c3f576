"""Node selections the EN 16931 schematron repeats: allowance/charge kind, VAT scheme, category codes.

Each helper mirrors one XPath idiom of ANAF's copy of the rules, named after it, so a rule reads
like its schematron test.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal

from genius.fiscal.ro.efactura.validate.document import (
    Node,
    UblDocument,
    normalize_space,
    parse_xs_boolean,
    round2,
)

LINE_NAMES = ("cac:InvoiceLine", "cac:CreditNoteLine")

# The fast tests' bounds (negated once here: ``-x`` makes a new Decimal on every call).
_LIMIT = Decimal(10**12)  # below 2**40: xs:double keeps such an amount within 2**-13
_LIMIT_NEG = -_LIMIT
_RATE_LIMIT = Decimal(1000)
_RATE_LIMIT_NEG = -_RATE_LIMIT
_NEAR = Decimal(99)  # (hundredths) a gap that certainly passes tax_within_one's ±1 window
_NEAR_NEG = -_NEAR
_HALF = Decimal("0.5")
_HALF_NEG = -_HALF
_HUNDRED = Decimal(100)


def is_allowance(charge: Node) -> bool:
    """``cac:AllowanceCharge[cbc:ChargeIndicator = false()]``."""
    # Loops rather than any(<generator>): these run per line and per charge in several modules.
    for ci in charge.kids("cbc:ChargeIndicator"):  # noqa: SIM110
        if parse_xs_boolean(ci.text) is False:
            return True
    return False


def is_charge(charge: Node) -> bool:
    """``cac:AllowanceCharge[cbc:ChargeIndicator = true()]``."""
    for ci in charge.kids("cbc:ChargeIndicator"):  # noqa: SIM110
        if parse_xs_boolean(ci.text) is True:
            return True
    return False


def is_vat(category: Node) -> bool:
    """``[cac:TaxScheme/normalize-space(upper-case(cbc:ID)) = 'VAT']`` on a (Classified)TaxCategory
    or a PartyTaxScheme."""
    for scheme in category._kids.get("cac:TaxScheme", ()):
        ids = scheme._kids.get("cbc:ID")
        if ids:
            text = ids[0].text
            if text == "VAT" or normalize_space(text.upper()) == "VAT":  # the first: the usual text
                return True
    return False


def code(category: Node) -> str:
    """``normalize-space(cbc:ID)`` ('' when there is no cbc:ID)."""
    ids = category.kids("cbc:ID")
    return normalize_space(ids[0].text) if ids else ""


def has_code(category: Node, value: str) -> bool:
    """``cbc:ID[normalize-space(.) = value]`` exists."""
    for i in category.kids("cbc:ID"):  # noqa: SIM110
        if normalize_space(i.text) == value:
            return True
    return False


def has_raw_code(category: Node, value: str) -> bool:
    """``[cbc:ID = value]`` (no whitespace normalisation)."""
    for i in category.kids("cbc:ID"):  # noqa: SIM110
        if i.text == value:
            return True
    return False


def root_charges(doc: UblDocument) -> list[Node] | tuple[Node, ...]:
    """Document level allowances and charges (BG-20, BG-21): ``/*/cac:AllowanceCharge``."""
    return doc.root.kids("cac:AllowanceCharge")


def line_charges(doc: UblDocument) -> list[Node]:
    """``//cac:InvoiceLine/cac:AllowanceCharge | //cac:CreditNoteLine/cac:AllowanceCharge``."""
    return [
        ac for ac in doc.all("cac:AllowanceCharge") if ac.parent is not None and ac.parent.name in LINE_NAMES
    ]


def under(nodes: Iterable[Node], parent_name: str) -> list[Node]:
    """Nodes whose parent has this name (the schematron's ``parent/child`` match patterns)."""
    return [n for n in nodes if n.parent is not None and n.parent.name == parent_name]


# match pattern -> (its last name, the names above it from the nearest up); patterns are a fixed set
_MATCH_STEPS: dict[str, tuple[str, tuple[str, ...]]] = {}


def matching(doc: UblDocument, pattern: str) -> list[Node]:
    """Nodes matching the relative match pattern ``a/b/c`` wherever they occur (document order)."""
    split = _MATCH_STEPS.get(pattern)
    if split is None:
        steps = pattern.split("/")
        split = _MATCH_STEPS[pattern] = (steps[-1], tuple(reversed(steps[:-1])))
    last, above = split
    found = []
    for node in doc.by_name.get(last, ()):
        current: Node | None = node
        for step in above:
            current = current.parent if current is not None else None
            if current is None or current.name != step:
                break
        else:
            found.append(node)
    return found


def decimals(doc: UblDocument, nodes: Sequence[Node]) -> list[Decimal]:
    """``nodes/xs:decimal(.)``, skipping texts that are not decimals (recorded on ``doc``)."""
    out = []
    for node in nodes:
        value = doc.decimal(node)
        if value is not None:
            out.append(value)
    return out


def decimal_of(doc: UblDocument, parent: Node | None, name: str) -> Decimal | None:
    """``xs:decimal(name)`` of the first ``name`` child of ``parent`` (None when absent/invalid)."""
    if parent is None:
        return None
    node = parent.first(name)
    return None if node is None else doc.decimal(node)


def as_double(text: str) -> float | None:
    """Untyped text compared with a number in XPath 2.0 is cast to xs:double (None if not castable)."""
    if text.isascii() and text.replace(".", "", 1).isdigit():  # the usual "21", "12.50": float() as below
        return float(text)
    value = text.strip(" \t\r\n")
    if value in ("INF", "+INF"):
        return float("inf")
    if value == "-INF":
        return float("-inf")
    if value == "NaN":
        return float("nan")
    if not value or value.lower().lstrip("+-") in ("inf", "infinity", "nan") or "_" in value:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def numeric_compare(nodes: Iterable[Node], op: str, limit: float) -> bool:
    """``(nodes) op limit`` with general-comparison semantics: true when some node satisfies it."""
    for node in nodes:
        value = as_double(node.text)
        if value is None:
            continue
        if (
            (op == ">" and value > limit)
            or (op == ">=" and value >= limit)
            or (op == "<=" and value <= limit)
        ):
            return True
    return False


def tax_within_one(tax: Decimal, taxable: Decimal, rate: Decimal) -> bool:
    """``abs(tax) - 1 < round2(abs(taxable) * (rate / 100)) < abs(tax) + 1`` (BR-x-09, BR-CO-17)."""
    if _LIMIT_NEG < tax < _LIMIT and _LIMIT_NEG < taxable < _LIMIT and _RATE_LIMIT_NEG < rate < _RATE_LIMIT:
        # round2(v) is within 0.005 of v = abs(taxable) * rate / 100, and the steps' rounding at 28
        # digits adds < 1e-12 at these sizes, so a gap under 0.99 keeps the rounded value inside
        # the ±1 window: one product, no division (copy_abs: abs without the context's rounding).
        gap = taxable.copy_abs() * rate - tax.copy_abs() * _HUNDRED
        if _NEAR_NEG < gap < _NEAR:
            return True
    expected = round2(abs(taxable) * (rate / 100))
    return abs(tax) - 1 < expected < abs(tax) + 1


def within_one(doc: UblDocument, amount: Node, total: Decimal) -> bool:
    """``xs:decimal(amount - 1) < total < xs:decimal(amount + 1)``, the amount cast to xs:double."""
    taxable = doc.decimal(amount)  # (cached: the rules read it as well)
    if taxable is not None and _LIMIT_NEG < taxable < _LIMIT and _HALF_NEG < total - taxable < _HALF:
        # the double is within 2**-13 of the decimal (and so is the double minus/plus 1): a total
        # within 0.5 of the decimal is inside the window without converting a float to Decimal
        return True
    # ../xs:decimal(cbc:TaxableAmount - 1): untyped minus integer is xs:double arithmetic.
    # (Saxon stops on xs:decimal(NaN/INF); we report the rule as broken instead.)
    double = as_double(amount.text)
    return double is not None and math.isfinite(double) and Decimal(double - 1) < total < Decimal(double + 1)
