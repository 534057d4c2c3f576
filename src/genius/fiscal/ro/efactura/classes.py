"""An invoice's amounts per class of line (item kind, product category) inside each VAT group (BG-23).

The ledger posts revenue and expenses by what was sold or bought (RO-ACCOUNTING.md §2: goods 707,
services 704; purchases 371 / 628 ...), but EN 16931 states VAT only per (category, rate). This
splits each VAT breakdown entry over the classes of its lines so that, per VAT group, the class
amounts add up exactly to the breakdown's taxable amount (BT-116) and VAT (BT-117):

* a class's net is the sum of its lines' net amounts (BT-131); document-level allowances and
  charges (BG-20/21) of the group are spread over its classes in proportion to those sums, since
  a discount on the invoice itself lowers the revenue of what it discounts (OMFP 1802/2014);
* the group's VAT is spread in proportion to the class nets;
* rounding differences go to the largest class, so nothing is lost or invented.

A line's class comes from a caller-given function; ``classification_class`` is the one a reader
of any UBL can use: the item classification (BT-158) as ``<list>:<code>`` (``STI:72000000-5`` a
CPV code, ``HS:84713000`` a Combined Nomenclature code) and the kind it implies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from genius.fiscal.ro.efactura.model import Invoice, InvoiceLine
from genius.kernel.money import round_money

ZERO = Decimal("0")
GOODS = "goods"
SERVICE = "service"
CPV_LIST = "STI"  # UNTDID 7143: Common Procurement Vocabulary
NC_LIST = "HS"  # UNTDID 7143: Harmonised System (the Combined Nomenclature extends it)


@dataclass(frozen=True)
class LineClass:
    """What a line is: its kind (goods, service, ...) and product category, each None when unknown."""

    item_kind: str | None = None
    product_category: str | None = None


@dataclass(frozen=True)
class ClassAmount:
    """Net and VAT (document currency) of one class of lines in one VAT group."""

    item_kind: str | None
    product_category: str | None
    vat_category: str
    vat_rate: Decimal | None
    net: Decimal
    vat: Decimal

    def as_strings(self) -> dict[str, str]:
        """The event form: decimal strings; unknown values are left out (the bus refuses null map values)."""
        values = {
            "item_kind": self.item_kind,
            "product_category": self.product_category,
            "vat_category": self.vat_category,
            "vat_rate": f"{self.vat_rate:f}" if self.vat_rate is not None else None,
            "net": f"{self.net:f}",
            "vat": f"{self.vat:f}",
        }
        return {key: value for key, value in values.items() if value is not None}


def _cpv_kind(code: str) -> str | None:
    # CPV main vocabulary: divisions 03-44 and 48 are supplies, 45 works, 50-98 services
    # (Regulation (EC) 213/2008, CPV guide, annex 1). Works are services for the ledger.
    digits = code[:2]
    if not digits.isdigit():
        return None
    division = int(digits)
    if division >= 50 or division == 45:
        return SERVICE
    return GOODS


def classification_class(line: InvoiceLine) -> LineClass:
    """The class a line's item classification (BT-158) gives: a NC code is goods, a CPV code by division."""
    for wanted in (NC_LIST, CPV_LIST):
        for found in line.item.classifications:
            list_id = (found.list_id or "").strip().upper()
            code = (found.code or "").strip()
            if list_id != wanted or not code:
                continue
            kind = GOODS if wanted == NC_LIST else _cpv_kind(code)
            return LineClass(kind, f"{wanted}:{code}"[:50])
    return LineClass()


def _spread(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``total`` in proportion to ``weights`` (rounded to bani), the remainder on the largest weight."""
    if not weights:
        return []
    base = sum(weights, ZERO)
    largest = max(range(len(weights)), key=lambda i: abs(weights[i]))
    if base == 0:
        return [total if i == largest else ZERO for i in range(len(weights))]
    shares = [round_money(total * w / base) for w in weights]
    shares[largest] += total - sum(shares, ZERO)
    return shares


def _group_key(category: str, rate: Decimal | None) -> tuple[str, Decimal | None]:
    return category, (rate.normalize() if rate is not None else None)


def amounts_by_class(invoice: Invoice, classify: Callable[[InvoiceLine], LineClass]) -> list[ClassAmount]:
    """Per VAT breakdown entry, the amounts of each class of its lines (exact sums; see the module doc).

    ``invoice`` is a computed or parsed invoice (line nets and the breakdown's amounts filled).
    A VAT group with no line (only a document charge) is one class with unknown kind.
    """
    lines: dict[tuple[str, Decimal | None], dict[LineClass, Decimal]] = {}
    for line in invoice.lines:
        key = _group_key(line.item.vat_category, line.item.vat_rate)
        classes = lines.setdefault(key, {})
        kind = classify(line)
        classes[kind] = classes.get(kind, ZERO) + (line.net_amount or ZERO)
    out: list[ClassAmount] = []
    for entry in invoice.vat_breakdown:
        taxable = entry.taxable_amount or ZERO
        tax = entry.tax_amount or ZERO
        classes = lines.get(_group_key(entry.category, entry.rate)) or {LineClass(): ZERO}
        kinds = list(classes)
        line_sums = [classes[k] for k in kinds]
        adjustments = _spread(taxable - sum(line_sums, ZERO), line_sums)
        nets = [s + a for s, a in zip(line_sums, adjustments, strict=True)]
        vats = _spread(tax, nets)
        out += [
            ClassAmount(k.item_kind, k.product_category, entry.category, entry.rate, net, vat)
            for k, net, vat in zip(kinds, nets, vats, strict=True)
        ]
    return out


__all__ = [
    "GOODS",
    "SERVICE",
    "ClassAmount",
    "LineClass",
    "amounts_by_class",
    "classification_class",
]
