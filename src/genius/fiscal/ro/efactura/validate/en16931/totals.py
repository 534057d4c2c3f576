"""EN 16931 document totals and VAT breakdown rules: BR-12..15, BR-45..48, BR-CO-10..14, 16, 17."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument, round2, xpath_round
from genius.fiscal.ro.efactura.validate.en16931.fastpath import Folded
from genius.fiscal.ro.efactura.validate.en16931.selectors import (
    LINE_NAMES,
    code,
    decimal_of,
    decimals,
    is_allowance,
    is_charge,
    is_vat,
    matching,
)
from genius.fiscal.ro.efactura.validate.en16931.totals_fast import passes, payable_matches
from genius.fiscal.ro.efactura.validate.registry import Hit, RuleSet

RULES = RuleSet("en16931.totals")
# Every rule here runs on every document: one group check (registered at the end) that skips them all
# when passes() decides once that none fires (totals_fast.py), else runs them in order as written.
_RULES = Folded(passes)


def _totals(doc: UblDocument) -> list[Node] | tuple[Node, ...]:
    return doc.all("cac:LegalMonetaryTotal")


def _missing(doc: UblDocument, name: str) -> Iterator[Node]:
    return (t for t in _totals(doc) if not t.kids(name))


@_RULES.rule(
    "BR-12",
    "fatal",
    ro="Factura trebuie să aibă suma valorilor nete ale liniilor (BT-106, cbc:LineExtensionAmount).",
    en="The invoice must have the Sum of Invoice line net amount (BT-106, cbc:LineExtensionAmount).",
)
def br_12(doc: UblDocument) -> Iterator[Node]:
    return _missing(doc, "cbc:LineExtensionAmount")


@_RULES.rule(
    "BR-13",
    "fatal",
    ro="Factura trebuie să aibă totalul fără TVA (BT-109, cbc:TaxExclusiveAmount).",
    en="The invoice must have the Invoice total amount without VAT (BT-109, cbc:TaxExclusiveAmount).",
)
def br_13(doc: UblDocument) -> Iterator[Node]:
    return _missing(doc, "cbc:TaxExclusiveAmount")


@_RULES.rule(
    "BR-14",
    "fatal",
    ro="Factura trebuie să aibă totalul cu TVA (BT-112, cbc:TaxInclusiveAmount).",
    en="The invoice must have the Invoice total amount with VAT (BT-112, cbc:TaxInclusiveAmount).",
)
def br_14(doc: UblDocument) -> Iterator[Node]:
    return _missing(doc, "cbc:TaxInclusiveAmount")


@_RULES.rule(
    "BR-15",
    "fatal",
    ro="Factura trebuie să aibă suma de plată (BT-115, cbc:PayableAmount).",
    en="The invoice must have the Amount due for payment (BT-115, cbc:PayableAmount).",
)
def br_15(doc: UblDocument) -> Iterator[Node]:
    return _missing(doc, "cbc:PayableAmount")


@_RULES.rule(
    "BR-CO-10",
    "fatal",
    ro="Suma valorilor nete ale liniilor (BT-106) trebuie să fie egală cu suma valorilor nete ale tuturor "
    "liniilor (BT-131): găsit {found}, calculat {expected}.",
    en="Sum of Invoice line net amount (BT-106) must equal the sum of all Invoice line net amounts (BT-131): "
    "found {found}, computed {expected}.",
)
def br_co_10(doc: UblDocument) -> Iterator[Hit]:
    lines = [a for name in LINE_NAMES for line in doc.all(name) for a in line.kids("cbc:LineExtensionAmount")]
    expected = round2(sum(decimals(doc, lines), Decimal(0)))
    for total in _totals(doc):
        if decimal_of(doc, total, "cbc:LineExtensionAmount") != expected:
            node = total.first("cbc:LineExtensionAmount")
            yield Hit(node or total, {"found": node.text if node else "-", "expected": expected})


def _charges_sum(doc: UblDocument, total: Node, charge: bool) -> tuple[Decimal, bool]:
    """round(sum(../cac:AllowanceCharge[ChargeIndicator=charge]/xs:decimal(cbc:Amount))), and any such."""
    parent = total.parent
    chosen = [
        ac
        for ac in (parent.kids("cac:AllowanceCharge") if parent else ())
        if (is_charge(ac) if charge else is_allowance(ac))
    ]
    amounts = decimals(doc, [a for ac in chosen for a in ac.kids("cbc:Amount")])
    return round2(sum(amounts, Decimal(0))), bool(chosen)


def _sum_check(doc: UblDocument, name: str, charge: bool) -> Iterator[Hit]:
    for total in _totals(doc):
        expected, any_present = _charges_sum(doc, total, charge)
        given = total.first(name)
        if given is None:
            if any_present:
                yield Hit(total, {"found": "-", "expected": expected})
        elif doc.decimal(given) != expected:
            yield Hit(given, {"found": given.text, "expected": expected})


@_RULES.rule(
    "BR-CO-11",
    "fatal",
    ro="Totalul deducerilor la nivel de document (BT-107) trebuie să fie egal cu suma deducerilor (BT-92): "
    "găsit {found}, calculat {expected}.",
    en="Sum of allowances on document level (BT-107) must equal the sum of Document level allowance amounts "
    "(BT-92): found {found}, computed {expected}.",
)
def br_co_11(doc: UblDocument) -> Iterator[Hit]:
    return _sum_check(doc, "cbc:AllowanceTotalAmount", charge=False)


@_RULES.rule(
    "BR-CO-12",
    "fatal",
    ro="Totalul taxelor suplimentare la nivel de document (BT-108) trebuie să fie egal cu suma taxelor "
    "(BT-99): găsit {found}, calculat {expected}.",
    en="Sum of charges on document level (BT-108) must equal the sum of Document level charge amounts "
    "(BT-99): found {found}, computed {expected}.",
)
def br_co_12(doc: UblDocument) -> Iterator[Hit]:
    return _sum_check(doc, "cbc:ChargeTotalAmount", charge=True)


@_RULES.rule(
    "BR-CO-13",
    "fatal",
    ro="Totalul fără TVA (BT-109) trebuie să fie egal cu suma valorilor nete ale liniilor (BT-106) minus "
    "deducerile (BT-107) plus taxele suplimentare (BT-108): găsit {found}, calculat {expected}.",
    en="Invoice total amount without VAT (BT-109) must equal the Sum of Invoice line net amount (BT-106) "
    "minus allowances (BT-107) plus charges (BT-108): found {found}, computed {expected}.",
)
def br_co_13(doc: UblDocument) -> Iterator[Hit]:
    for total in _totals(doc):
        lines = decimal_of(doc, total, "cbc:LineExtensionAmount")
        exclusive = decimal_of(doc, total, "cbc:TaxExclusiveAmount")
        expected: Decimal | None = lines
        if lines is not None and (
            total.kids("cbc:ChargeTotalAmount") or total.kids("cbc:AllowanceTotalAmount")
        ):
            charges = (
                decimal_of(doc, total, "cbc:ChargeTotalAmount") if total.kids("cbc:ChargeTotalAmount") else 0
            )
            allowances = (
                decimal_of(doc, total, "cbc:AllowanceTotalAmount")
                if total.kids("cbc:AllowanceTotalAmount")
                else 0
            )
            expected = None if charges is None or allowances is None else round2(lines + charges - allowances)
        if expected is None or exclusive is None or exclusive != expected:
            node = total.first("cbc:TaxExclusiveAmount")
            yield Hit(node or total, {"found": node.text if node else "-", "expected": expected or "-"})


@_RULES.rule(
    "BR-CO-14",
    "fatal",
    ro="TVA totală (BT-110) trebuie să fie egală cu suma valorilor TVA din defalcare (BT-117): găsit "
    "{found}, calculat {expected}.",
    en="Invoice total VAT amount (BT-110) must equal the sum of VAT category tax amounts (BT-117): found "
    "{found}, computed {expected}.",
)
def br_co_14(doc: UblDocument) -> Iterator[Hit]:
    if not doc.is_ubl:
        return
    for tax_total in doc.root.kids("cac:TaxTotal"):
        subtotals = tax_total.kids("cac:TaxSubtotal")
        if not subtotals:
            continue
        expected = round2(
            sum(decimals(doc, [a for s in subtotals for a in s.kids("cbc:TaxAmount")]), Decimal(0))
        )
        given = tax_total.first("cbc:TaxAmount")
        if given is None or doc.decimal(given) != expected:
            yield Hit(given or tax_total, {"found": given.text if given else "-", "expected": expected})


@_RULES.rule(
    "BR-CO-16",
    "fatal",
    ro="Suma de plată (BT-115) trebuie să fie egală cu totalul cu TVA (BT-112) minus suma plătită (BT-113) "
    "plus rotunjirea (BT-114): găsit {found}.",
    en="Amount due for payment (BT-115) must equal the Invoice total amount with VAT (BT-112) minus the Paid "
    "amount (BT-113) plus the Rounding amount (BT-114): found {found}.",
)
def br_co_16(doc: UblDocument) -> Iterator[Hit]:
    for total in _totals(doc):
        payable = decimal_of(doc, total, "cbc:PayableAmount")
        inclusive = decimal_of(doc, total, "cbc:TaxInclusiveAmount")
        has_prepaid = bool(total.kids("cbc:PrepaidAmount"))
        has_rounding = bool(total.kids("cbc:PayableRoundingAmount"))
        prepaid = decimal_of(doc, total, "cbc:PrepaidAmount") if has_prepaid else Decimal(0)
        rounding = decimal_of(doc, total, "cbc:PayableRoundingAmount") if has_rounding else Decimal(0)
        ok = False
        if None not in (payable, inclusive, prepaid, rounding):
            assert (
                payable is not None and inclusive is not None and prepaid is not None and rounding is not None
            )
            ok = payable_matches(payable, inclusive, prepaid, rounding, has_prepaid, has_rounding)
        if not ok:
            node = total.first("cbc:PayableAmount")
            yield Hit(node or total, {"found": node.text if node else "-"})


def _subtotals(doc: UblDocument) -> list[Node]:
    """``cac:TaxTotal/cac:TaxSubtotal`` wherever it occurs (five rules ask: found once)."""
    found = doc.memo.get("totals.subtotals")
    if found is None:
        found = doc.memo["totals.subtotals"] = matching(doc, "cac:TaxTotal/cac:TaxSubtotal")
    return found  # type: ignore[return-value]


def _vat_categories(subtotal: Node) -> list[Node]:
    return [c for c in subtotal.kids("cac:TaxCategory") if is_vat(c)]


@_RULES.rule(
    "BR-CO-17",
    "fatal",
    ro="Valoarea TVA a grupului (BT-117) trebuie să fie egală cu baza impozabilă (BT-116) înmulțită cu cota "
    "(BT-119), rotunjită la 2 zecimale (toleranță ±1); pentru cota 0 sau fără cotă, TVA trebuie să fie 0.",
    en="The VAT category tax amount (BT-117) must equal the taxable amount (BT-116) times the rate (BT-119), "
    "rounded to 2 decimals (±1 tolerated); with rate 0 or no rate the VAT must be 0.",
)
def br_co_17(doc: UblDocument) -> Iterator[Node]:
    for subtotal in _subtotals(doc):
        rates = decimals(doc, [p for c in _vat_categories(subtotal) for p in c.kids("cbc:Percent")])
        tax = decimal_of(doc, subtotal, "cbc:TaxAmount")
        taxable = decimal_of(doc, subtotal, "cbc:TaxableAmount")
        ok = False
        if tax is not None:
            if not rates or xpath_round(rates[0]) == 0:
                ok = xpath_round(tax) == 0
            elif taxable is not None:
                expected = round2(abs(taxable) * (rates[0] / 100))
                ok = abs(tax) - 1 < expected < abs(tax) + 1
        if not ok:
            yield subtotal.first("cbc:TaxAmount") or subtotal


@_RULES.rule(
    "BR-45",
    "fatal",
    ro="Fiecare grup de defalcare a TVA (BG-23) trebuie să aibă baza impozabilă (BT-116, cbc:TaxableAmount).",
    en="Each VAT breakdown (BG-23) must have a VAT category taxable amount (BT-116, cbc:TaxableAmount).",
)
def br_45(doc: UblDocument) -> Iterator[Node]:
    return (s for s in _subtotals(doc) if not s.kids("cbc:TaxableAmount"))


@_RULES.rule(
    "BR-46",
    "fatal",
    ro="Fiecare grup de defalcare a TVA (BG-23) trebuie să aibă valoarea TVA (BT-117, cbc:TaxAmount).",
    en="Each VAT breakdown (BG-23) must have a VAT category tax amount (BT-117, cbc:TaxAmount).",
)
def br_46(doc: UblDocument) -> Iterator[Node]:
    return (s for s in _subtotals(doc) if not s.kids("cbc:TaxAmount"))


@_RULES.rule(
    "BR-47",
    "fatal",
    ro="Fiecare grup de defalcare a TVA (BG-23) trebuie să aibă codul categoriei de TVA (BT-118, "
    "cac:TaxCategory/cbc:ID cu schema VAT).",
    en="Each VAT breakdown (BG-23) must be defined by a VAT category code (BT-118, cac:TaxCategory/cbc:ID "
    "with scheme VAT).",
)
def br_47(doc: UblDocument) -> Iterator[Node]:
    for subtotal in _subtotals(doc):
        for category in _vat_categories(subtotal):  # a loop: no generator closed early
            if category.kids("cbc:ID"):
                break
        else:
            yield subtotal


@_RULES.rule(
    "BR-48",
    "fatal",
    ro="Fiecare grup de defalcare a TVA (BG-23) trebuie să aibă cota TVA (BT-119, cbc:Percent), cu excepția "
    "categoriei „În afara sferei TVA” (O).",
    en='Each VAT breakdown (BG-23) must have a VAT category rate (BT-119, cbc:Percent), except category "Not '
    'subject to VAT" (O).',
)
def br_48(doc: UblDocument) -> Iterator[Node]:
    for subtotal in _subtotals(doc):
        categories = _vat_categories(subtotal)
        for c in categories:  # loops: no generator closed early
            if c.kids("cbc:Percent"):
                break
        else:
            for c in categories:
                if code(c) == "O":
                    break
            else:
                yield subtotal


_RULES.register(RULES)
