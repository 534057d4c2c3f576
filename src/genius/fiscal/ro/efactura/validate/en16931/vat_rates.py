"""VAT category rate and breakdown rules: BR-<cat>-05..10 for S, Z, E, AE, K, G, O, L, M.

05/06/07: the rate on a line / document allowance / document charge of the category;
08: the breakdown's taxable amount (BT-116) against lines, charges and allowances;
09: the breakdown's VAT amount (BT-117); 10: the exemption reason (BT-120/121).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument, parse_xs_decimal
from genius.fiscal.ro.efactura.validate.en16931.selectors import (
    as_double,
    decimal_of,
    numeric_compare,
    tax_within_one,
    within_one,
)
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
    expected = "-"
    for name in line_names:
        # BR-S-08 asks for a line or charge at this rate; BR-IG/IP-08 only for any line at all.
        present = any_with_rate(doc, name, cat.code, rate) if prefix == "BR-S" else bool(doc.all(name))
        if not present:
            continue
        total = basis(doc, name, cat.code, rate).total
        expected = str(total)
        if amount is not None and within_one(doc, amount, total):
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
        return tax_within_one(tax, taxable, rate)
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
    for text in place.rates:
        ok = _RATE_OK.get((prefix, text))
        if ok is None:
            ok = _rate_text_ok(prefix, text)
            if len(_RATE_OK) < 4096:  # (a few rates recur in every document)
                _RATE_OK[prefix, text] = ok
        if not ok:
            return False
    return True


# (prefix, cbc:Percent text or None) -> whether that rate passes 05/06/07: the text decides it
_RATE_OK: dict[tuple[str, str | None], bool] = {}


def _rate_text_ok(prefix: str, text: str | None) -> bool:
    if prefix in _ZERO_RATED:
        return text is not None and parse_xs_decimal(text) == 0
    if prefix == "BR-O":
        return text is None
    value = None if text is None else as_double(text)
    return value is not None and (value > 0 if prefix == "BR-S" else value >= 0)


def _rate_total(
    prefix: str, rate: Decimal, places: tuple[Place | None, Place | None, Place | None]
) -> Decimal | None:
    """08's sum (lines + charges - allowances) at this rate as _taxable_ok computes it on a plain
    document (no lines of the other kind, so one sum), None when that sum does not pass."""
    lines, charges, allowances = places
    # BR-S-08 asks for a line, allowance or charge at this rate (IG/IP: lines, which plain has);
    # without one the other kind of line is tried, and has no sum: broken.
    present = prefix != "BR-S"
    line_sum = charge_sum = allowance_sum = _ZERO
    if lines is not None and rate in lines.by_rate:
        line_sum = lines.by_rate[rate]
        present = True
    if charges is not None and rate in charges.by_rate:
        charge_sum = charges.by_rate[rate]
        present = True
    if allowances is not None and rate in allowances.by_rate:
        allowance_sum = allowances.by_rate[rate]
        present = True
    if not present or line_sum is None or charge_sum is None or allowance_sum is None:
        return None
    return line_sum + charge_sum - allowance_sum


def _plain_total(places: tuple[Place | None, Place | None, Place | None]) -> Decimal | None:
    """08's sum for a category without rates (Z, E, AE, K, G, O), None when it cannot be told."""
    lines, charges, allowances = places
    line_sum = _ZERO if lines is None else lines.total
    charge_sum = _ZERO if charges is None else charges.total
    allowance_sum = _ZERO if allowances is None else allowances.total
    if line_sum is None or charge_sum is None or allowance_sum is None:
        return None
    return line_sum + charge_sum - allowance_sum


def _plain_pass(doc: UblDocument, plain: PlainVat, code: str) -> bool:
    """Every BR-<code>-05..10 holds on a plain document: 05/06/07 on the distinct rates, 08/09/10
    per breakdown group, each value read once (as _taxable_ok, _tax_ok and _has_reason decide)."""
    prefix = BY_CODE[code].prefix
    places = (plain.lines.get(code), plain.charges.get(code), plain.allowances.get(code))
    if not (_rates_ok(prefix, places[0]) and _rates_ok(prefix, places[2]) and _rates_ok(prefix, places[1])):
        return False
    breakdown = plain.breakdown.get(code)
    if not breakdown:
        return True
    required = prefix in _WITH_REASON
    decimal = doc.decimal
    if prefix not in ("BR-S", "BR-IG", "BR-IP"):
        total = _plain_total(places)
        if total is None:
            return False
        for category in breakdown:
            kids = category._kids
            subtotal = category.parent
            assert subtotal is not None
            taxable = decimal(subtotal.first("cbc:TaxableAmount"))
            if (
                taxable is None
                or taxable != total
                or decimal(subtotal.first("cbc:TaxAmount")) != 0
                or ("cbc:TaxExemptionReason" in kids or "cbc:TaxExemptionReasonCode" in kids) != required
            ):
                return False
        return True
    for category in breakdown:
        kids = category._kids
        subtotal = category.parent
        assert subtotal is not None
        amount = subtotal.first("cbc:TaxableAmount")
        percents = kids.get("cbc:Percent")
        rate = None if percents is None else decimal(percents[0])
        if rate is not None:  # 08 (without a rate it holds)
            total = _rate_total(prefix, rate, places)
            if total is None or amount is None or not within_one(doc, amount, total):
                return False
        tax = decimal(subtotal.first("cbc:TaxAmount"))
        taxable = decimal(amount)
        if (
            tax is None
            or taxable is None
            or rate is None
            or not tax_within_one(tax, taxable, rate)  # 09
            or ("cbc:TaxExemptionReason" in kids or "cbc:TaxExemptionReasonCode" in kids) != required  # 10
        ):
            return False
    return True


_register()
_BY_CATEGORY.register(_plain_pass)
