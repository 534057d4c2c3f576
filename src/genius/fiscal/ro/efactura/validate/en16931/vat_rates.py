"""VAT category rate and breakdown rules: BR-<cat>-05..10 for S, Z, E, AE, K, G, O, L, M.

05/06/07: the rate on a line / document allowance / document charge of the category;
08: the breakdown's taxable amount (BT-116) against lines, charges and allowances;
09: the breakdown's VAT amount (BT-117); 10: the exemption reason (BT-120/121).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from decimal import Decimal

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument, round2
from genius.fiscal.ro.efactura.validate.en16931.selectors import as_double, decimal_of, numeric_compare
from genius.fiscal.ro.efactura.validate.en16931.vat_facts import (
    BY_CODE,
    BY_PREFIX,
    CategoryRules,
    VatCategory,
    any_with_rate,
    basis,
    vat_facts,
)
from genius.fiscal.ro.efactura.validate.en16931.vat_plain import Place, PlainVat
from genius.fiscal.ro.efactura.validate.registry import Hit, RuleSet

RULES = RuleSet("en16931.vat_rates")
_BY_CATEGORY = CategoryRules(RULES)

_ZERO_RATED = ("BR-AE", "BR-E", "BR-G", "BR-IC", "BR-Z")  # rate must be 0
_WITH_REASON = ("BR-AE", "BR-E", "BR-G", "BR-IC", "BR-O")  # exemption reason required (10)
_ZERO = Decimal(0)


# -- 05/06/07: the rate ---------------------------------------------------------------------------


def _rate_ok(prefix: str, category: Node, doc: UblDocument) -> bool:
    rates = category.kids("cbc:Percent")
    if prefix in _ZERO_RATED:  # xs:decimal(cbc:Percent) = 0
        return bool(rates) and doc.decimal(rates[0]) == 0
    if prefix == "BR-O":  # not(cbc:Percent)
        return not rates
    if prefix == "BR-S":  # (cbc:Percent) > 0
        return numeric_compare(rates, ">", 0)
    return numeric_compare(rates, ">=", 0)  # BR-IG, BR-IP: (cbc:Percent) >= 0


def _standard_rate_ok(category: Node) -> bool:
    """``_rate_ok("BR-S", ...)`` without the dispatch: (cbc:Percent) > 0, one rate per line usually."""
    for rate in category._kids.get("cbc:Percent", ()):
        value = as_double(rate.text)
        if value is not None and value > 0:
            return True
    return False


def _rate_check(prefix: str, cat: VatCategory, attr: str) -> Callable[[UblDocument], Iterator[Node]]:
    if prefix == "BR-S":

        def standard(doc: UblDocument) -> Iterator[Node]:
            for category in vat_facts(doc).coded(attr, cat.code):
                if not _standard_rate_ok(category):
                    yield category.first("cbc:Percent") or category

        return standard

    def check(doc: UblDocument) -> Iterator[Node]:
        for category in vat_facts(doc).coded(attr, cat.code):
            if not _rate_ok(prefix, category, doc):
                yield category.first("cbc:Percent") or category

    return check


def _rate_text(prefix: str) -> tuple[str, str]:
    if prefix in _ZERO_RATED:
        return "trebuie să fie 0", "must be 0"
    if prefix == "BR-O":
        return "nu trebuie să existe", "must not be given"
    if prefix == "BR-S":
        return "trebuie să fie mai mare decât zero", "must be greater than zero"
    return "trebuie să fie zero sau pozitivă", "must be zero or positive"


_RATE_PLACES = (
    (
        "05",
        "line_classified",
        "Pe o linie de factură (BG-25) cu categoria de TVA {cat} (BT-151), cota TVA (BT-152)",
        "On an invoice line (BG-25) with VAT category {cat} (BT-151) the VAT rate (BT-152)",
    ),
    (
        "06",
        "allowance_tc",
        "La o deducere la nivel de document (BG-20) cu categoria de TVA {cat} (BT-95), cota TVA (BT-96)",
        "On a document level allowance (BG-20) with VAT category {cat} (BT-95) the VAT rate (BT-96)",
    ),
    (
        "07",
        "charge_tc",
        "La o taxă suplimentară la nivel de document (BG-21) cu categoria de TVA {cat} (BT-102), "
        "cota TVA (BT-103)",
        "On a document level charge (BG-21) with VAT category {cat} (BT-102) the VAT rate (BT-103)",
    ),
)


# -- 08: taxable amount of the breakdown group ------------------------------------------------------


def _taxable_check(prefix: str, cat: VatCategory) -> Callable[[UblDocument], Iterator[Hit]]:
    def check(doc: UblDocument) -> Iterator[Hit]:
        for category in vat_facts(doc).coded("breakdown", cat.code):
            subtotal = category.parent
            assert subtotal is not None
            ok, expected = _taxable_ok(prefix, cat, doc, category, subtotal)
            if not ok:
                taxable = subtotal.first("cbc:TaxableAmount")
                yield Hit(
                    taxable or subtotal,
                    {"found": taxable.text if taxable is not None else "-", "expected": expected},
                )

    return check


def _taxable_ok(
    prefix: str, cat: VatCategory, doc: UblDocument, category: Node, subtotal: Node
) -> tuple[bool, str]:
    line_names = (
        ("cac:CreditNoteLine", "cac:InvoiceLine")
        if doc.is_credit_note
        else ("cac:InvoiceLine", "cac:CreditNoteLine")
    )
    if prefix not in ("BR-S", "BR-IG", "BR-IP"):
        # (exists(//cac:InvoiceLine) and xs:decimal(../cbc:TaxableAmount) = sum(...)) or (... CreditNoteLine)
        taxable = decimal_of(doc, subtotal, "cbc:TaxableAmount")
        totals = [basis(doc, name, cat.code, None).total for name in line_names if doc.all(name)]
        ok = taxable is not None and any(taxable == t for t in totals)
        return ok, str(totals[0]) if totals else "-"
    # every $rate in xs:decimal(cbc:Percent) satisfies ... ±1 around the sums at that rate.
    rates = category.kids("cbc:Percent")
    if not rates:
        return True, "-"
    rate = doc.decimal(rates[0])
    if rate is None:
        return True, "-"
    amount = subtotal.first("cbc:TaxableAmount")
    double = as_double(amount.text) if amount is not None else None
    expected = "-"
    for name in line_names:
        # BR-S-08 asks for a line or charge at this rate; BR-IG/IP-08 only for any line at all.
        present = any_with_rate(doc, name, cat.code, rate) if prefix == "BR-S" else bool(doc.all(name))
        if not present:
            continue
        total = basis(doc, name, cat.code, rate).total
        expected = str(total)
        # ../xs:decimal(cbc:TaxableAmount - 1): untyped minus integer is xs:double arithmetic.
        # (Saxon stops on xs:decimal(NaN/INF); we report the rule as broken instead.)
        if double is not None and math.isfinite(double) and Decimal(double - 1) < total < Decimal(double + 1):
            return True, expected
    return False, expected


# -- 09: VAT amount of the breakdown group ---------------------------------------------------------


def _tax_ok(prefix: str, doc: UblDocument, category: Node, subtotal: Node) -> bool:
    tax = decimal_of(doc, subtotal, "cbc:TaxAmount")
    if prefix not in ("BR-S", "BR-IG", "BR-IP"):
        return tax == 0  # xs:decimal(../cbc:TaxAmount) = 0
    taxable = decimal_of(doc, subtotal, "cbc:TaxableAmount")
    rate = decimal_of(doc, category, "cbc:Percent")
    if tax is not None and taxable is not None and rate is not None:
        expected = round2(abs(taxable) * (rate / 100))
        return abs(tax) - 1 < expected < abs(tax) + 1
    return False


def _tax_check(prefix: str, cat: VatCategory) -> Callable[[UblDocument], Iterator[Node]]:
    def check(doc: UblDocument) -> Iterator[Node]:
        for category in vat_facts(doc).coded("breakdown", cat.code):
            subtotal = category.parent
            assert subtotal is not None
            if not _tax_ok(prefix, doc, category, subtotal):
                yield subtotal.first("cbc:TaxAmount") or subtotal

    return check


# -- 10: exemption reason ---------------------------------------------------------------------------


def _reason_check(prefix: str, cat: VatCategory) -> Callable[[UblDocument], Iterator[Node]]:
    required = prefix in _WITH_REASON

    def check(doc: UblDocument) -> Iterator[Node]:
        for category in vat_facts(doc).coded("breakdown", cat.code):
            if _has_reason(category) != required:
                yield category

    return check


def _has_reason(category: Node) -> bool:
    return bool(category.kids("cbc:TaxExemptionReason") or category.kids("cbc:TaxExemptionReasonCode"))


def _register() -> None:
    for prefix, cat in BY_PREFIX.items():
        must_ro, must_en = _rate_text(prefix)
        for number, attr, where_ro, where_en in _RATE_PLACES:
            _BY_CATEGORY.rule(
                f"{prefix}-{number}",
                cat.code,
                ro=where_ro.format(cat=cat.name_ro) + f" {must_ro}.",
                en=where_en.format(cat=cat.name_en) + f" {must_en}.",
            )(_rate_check(prefix, cat, attr))
        by_rate = prefix in ("BR-S", "BR-IG", "BR-IP")
        _BY_CATEGORY.rule(
            f"{prefix}-08",
            cat.code,
            ro=f"Baza impozabilă (BT-116) a grupului de TVA {cat.name_ro}"
            + (" pentru fiecare cotă (BT-119)" if by_rate else "")
            + " trebuie să fie egală cu suma valorilor nete ale liniilor (BT-131) plus "
            "taxele suplimentare (BT-99) minus deducerile (BT-92) la nivel de document din această categorie"
            + (" și cu această cotă (toleranță ±1)" if by_rate else "")
            + ": găsit {found}, calculat {expected}.",
            en=f"The VAT category taxable amount (BT-116) of the {cat.name_en} VAT breakdown"
            + (" for each rate (BT-119)" if by_rate else "")
            + " must equal the sum of invoice line net amounts "
            "(BT-131) plus document level charges (BT-99) minus document level allowances (BT-92) in that "
            "category"
            + (" and rate (±1 tolerated)" if by_rate else "")
            + ": found {found}, computed {expected}.",
        )(_taxable_check(prefix, cat))
        _BY_CATEGORY.rule(
            f"{prefix}-09",
            cat.code,
            ro=f"Valoarea TVA (BT-117) a grupului de TVA {cat.name_ro} "
            + (
                "trebuie să fie egală cu baza impozabilă (BT-116) înmulțită cu cota (BT-119), rotunjită la 2 "
                "zecimale (toleranță ±1)."
                if by_rate
                else "trebuie să fie 0."
            ),
            en=f"The VAT category tax amount (BT-117) of the {cat.name_en} VAT breakdown "
            + (
                "must equal the taxable amount (BT-116) times the rate (BT-119), rounded to 2 decimals (±1 "
                "tolerated)."
                if by_rate
                else "must be 0."
            ),
        )(_tax_check(prefix, cat))
        required = prefix in _WITH_REASON
        _BY_CATEGORY.rule(
            f"{prefix}-10",
            cat.code,
            ro=f"Grupul de TVA {cat.name_ro} "
            + ("trebuie să aibă" if required else "nu trebuie să aibă")
            + " motivul scutirii (BT-120) sau codul motivului scutirii (BT-121).",
            en=f"The {cat.name_en} VAT breakdown "
            + ("must have" if required else "must not have")
            + " a VAT exemption reason text (BT-120) or code (BT-121).",
        )(_reason_check(prefix, cat))


# -- the fast path: a plain document's category decided on its flat facts ---------------------------


def _rates_ok(prefix: str, place: Place | None) -> bool:
    """05/06/07 for every distinct rate of the category's lines, allowances or charges (_rate_ok)."""
    if place is None:
        return True
    for text, rate in place.rates.items():
        if prefix in _ZERO_RATED:
            ok = rate == 0  # (None: no cbc:Percent)
        elif prefix == "BR-O":
            ok = text is None
        else:
            value = None if text is None else as_double(text)
            ok = value is not None and (value > 0 if prefix == "BR-S" else value >= 0)
        if not ok:
            return False
    return True


def _taxable_plain(
    prefix: str, code: str, doc: UblDocument, plain: PlainVat, category: Node, subtotal: Node
) -> bool:
    """08 as _taxable_ok decides it, on a plain document (no lines of the other kind, so one sum)."""
    lines = plain.lines.get(code)
    charges = plain.charges.get(code)
    allowances = plain.allowances.get(code)
    places = (lines, charges, allowances)
    if prefix not in ("BR-S", "BR-IG", "BR-IP"):
        sums = [_ZERO if p is None else p.total for p in places]
        if None in sums:
            return False
        taxable = decimal_of(doc, subtotal, "cbc:TaxableAmount")
        return taxable is not None and taxable == sums[0] + sums[1] - sums[2]  # type: ignore[operator]
    rates = category._kids.get("cbc:Percent")
    if not rates:
        return True
    rate = doc.decimal(rates[0])
    if rate is None:
        return True
    # BR-S-08 asks for a line, allowance or charge at this rate (IG/IP: lines, which plain has).
    if prefix == "BR-S" and not any(p is not None and rate in p.by_rate for p in places):
        return False  # (then the other kind of line is tried, and has no sum: broken)
    sums = [_ZERO if p is None else p.by_rate.get(rate, _ZERO) for p in places]
    if None in sums:
        return False
    total = sums[0] + sums[1] - sums[2]  # type: ignore[operator]
    amount = subtotal.first("cbc:TaxableAmount")
    double = as_double(amount.text) if amount is not None else None
    # (a failure here could still pass on the other kind of line's sum: the rules decide that)
    return double is not None and math.isfinite(double) and Decimal(double - 1) < total < Decimal(double + 1)


def _plain_pass(doc: UblDocument, plain: PlainVat, code: str) -> bool:
    prefix = BY_CODE[code].prefix
    if not (
        _rates_ok(prefix, plain.lines.get(code))
        and _rates_ok(prefix, plain.allowances.get(code))
        and _rates_ok(prefix, plain.charges.get(code))
    ):
        return False
    required = prefix in _WITH_REASON
    for category in plain.breakdown.get(code, ()):
        subtotal = category.parent
        assert subtotal is not None
        if not (
            _taxable_plain(prefix, code, doc, plain, category, subtotal)
            and _tax_ok(prefix, doc, category, subtotal)
            and _has_reason(category) == required
        ):
            return False
    return True


_register()
_BY_CATEGORY.register(_plain_pass)
