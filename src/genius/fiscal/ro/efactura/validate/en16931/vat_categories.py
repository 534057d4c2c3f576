"""VAT category presence rules: BR-<cat>-01..04 and 11..14 for S, Z, E, AE, K, G, O, L, M, and BR-B-01/02.

Each category's rules differ in small ways in ANAF's copy (which VAT-id counts, whether the
TaxScheme is checked); the variants below follow that copy rule by rule, not CEN's newer text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument
from genius.fiscal.ro.efactura.validate.en16931.selectors import code, has_raw_code, is_vat
from genius.fiscal.ro.efactura.validate.en16931.vat_facts import (
    BY_PREFIX,
    CategoryRules,
    VatCategory,
    VatFacts,
    vat_facts,
)
from genius.fiscal.ro.efactura.validate.en16931.vat_parties import (
    INTRA,
    NONE,
    REVERSE,
    SELLER_ANY,
    SELLER_VAT,
    Parties,
)
from genius.fiscal.ro.efactura.validate.en16931.vat_plain import PlainVat, plain_vat
from genius.fiscal.ro.efactura.validate.registry import Rule, RuleSet

RULES = RuleSet("en16931.vat_categories")
_BY_CATEGORY = CategoryRules(RULES)

# -- BR-x-01: the category used on a line/allowance/charge appears in the VAT breakdown -----------


def _exactly_one(cat: VatCategory) -> Callable[[UblDocument], Iterator[Node]]:
    # AE, E, G, K, O, Z: used anywhere (VAT scheme) => exactly one breakdown cbc:ID with that code.
    def check(doc: UblDocument) -> Iterator[Node]:
        if not doc.is_ubl:
            return
        f = vat_facts(doc)
        if cat.code in f.vat_id_codes and f.breakdown_vat_id_count.get(cat.code, 0) != 1:
            yield doc.root

    return check


def _at_least_one(cat: VatCategory) -> Callable[[UblDocument], Iterator[Node]]:
    # S (no VAT-scheme filter at all), L and M (filter; the "present" count compares cbc:ID raw).
    def check(doc: UblDocument) -> Iterator[Node]:
        if not doc.is_ubl:
            return
        f = vat_facts(doc)
        vat = cat.code != "S"
        used = len(f.coded("charge_categories", cat.code, vat)) + len(f.coded("classified", cat.code, vat))
        if cat.code == "S":
            present = len(f.coded("breakdown", "S", vat=False))
            absent_ok = present == 0
        else:
            present = sum(
                1 for c in f.breakdown if has_raw_code(c, cat.code) and (cat.code == "L" or is_vat(c))
            )
            absent_ok = len(f.coded("breakdown", cat.code)) == 0
        if not ((used > 0 and present > 0) or (used == 0 and absent_ok)):
            yield doc.root

    return check


# -- BR-x-02/03/04: who must (or must not) be identified when the category is used ----------------


# (a, b) node lists of "(exists(a) and parties) or not(exists(b))" for one category code.
_Pick = Callable[[VatFacts, str], tuple[list[Node], list[Node]]]


def _same(attr: str) -> _Pick:
    return lambda f, c: (f.coded(attr, c), f.coded(attr, c))


def _pick(attr: str, a_vat: bool, b_vat: bool) -> _Pick:
    # BR-S-02: "(exists(a[S][VAT]) and ...) or not(exists(b[S]))" (b has no VAT-scheme filter);
    # BR-G-03/04: "(exists(a[G]) and ...) or not(exists(b[G][VAT]))" (a has none).
    return lambda f, c: (f.coded(attr, c, a_vat), f.coded(attr, c, b_vat))


def _pick_b_raw(attr: str) -> _Pick:
    # BR-IG-04: "or not(exists(...[cbc:ID='L'][VAT]))" compares cbc:ID without normalize-space.
    return lambda f, c: (
        f.coded(attr, c),
        [n for n in getattr(f, attr) if has_raw_code(n, c) and is_vat(n)],
    )


@dataclass(frozen=True, slots=True)
class _Where:
    number: str
    ro: str
    en: str


_LINE = _Where(
    "02",
    "O linie de factură (BG-25) cu categoria de TVA {cat} (BT-151)",
    "An invoice line (BG-25) with VAT category {cat} (BT-151)",
)
_ALLOWANCE = _Where(
    "03",
    "O deducere la nivel de document (BG-20) cu categoria de TVA {cat} (BT-95)",
    "A document level allowance (BG-20) with VAT category {cat} (BT-95)",
)
_CHARGE = _Where(
    "04",
    "O taxă suplimentară la nivel de document (BG-21) cu categoria de TVA {cat} (BT-102)",
    "A document level charge (BG-21) with VAT category {cat} (BT-102)",
)

# (family, where, trigger selection, parties) exactly as ANAF's copy states them.
_PARTY_RULES: tuple[tuple[str, _Where, _Pick, Parties], ...] = (
    ("BR-S", _LINE, _pick("classified", a_vat=True, b_vat=False), SELLER_ANY),
    ("BR-S", _ALLOWANCE, _same("allowance_tc"), SELLER_ANY),
    ("BR-S", _CHARGE, _same("charge_tc"), SELLER_ANY),
    ("BR-Z", _LINE, _same("classified"), SELLER_ANY),
    ("BR-Z", _ALLOWANCE, _same("allowance_tc"), SELLER_ANY),
    ("BR-Z", _CHARGE, _same("charge_tc"), SELLER_ANY),
    ("BR-E", _LINE, _same("classified"), SELLER_ANY),
    ("BR-E", _ALLOWANCE, _same("allowance_tc"), SELLER_ANY),
    ("BR-E", _CHARGE, _same("charge_tc"), SELLER_ANY),
    ("BR-AE", _LINE, _same("classified"), REVERSE),
    ("BR-AE", _ALLOWANCE, _same("allowance_tc"), REVERSE),
    ("BR-AE", _CHARGE, _same("charge_tc"), REVERSE),
    ("BR-IC", _LINE, _same("classified"), INTRA),
    ("BR-IC", _ALLOWANCE, _same("allowance_tc"), INTRA),
    ("BR-IC", _CHARGE, _same("charge_tc"), INTRA),
    ("BR-G", _LINE, _same("classified"), SELLER_VAT),
    ("BR-G", _ALLOWANCE, _pick("allowance_tc", a_vat=False, b_vat=True), SELLER_VAT),
    ("BR-G", _CHARGE, _pick("charge_tc", a_vat=False, b_vat=True), SELLER_VAT),
    ("BR-O", _LINE, _same("classified"), NONE),
    ("BR-O", _ALLOWANCE, _same("root_allowance_tc"), NONE),
    ("BR-O", _CHARGE, _same("root_charge_tc"), NONE),
    ("BR-IG", _LINE, _same("classified"), SELLER_ANY),
    ("BR-IG", _ALLOWANCE, _same("allowance_tc"), SELLER_ANY),
    ("BR-IG", _CHARGE, _pick_b_raw("charge_tc"), SELLER_ANY),
    ("BR-IP", _LINE, _same("classified"), SELLER_ANY),
    ("BR-IP", _ALLOWANCE, _same("allowance_tc"), SELLER_ANY),
    ("BR-IP", _CHARGE, _same("charge_tc"), SELLER_ANY),
)


def _party_check(cat: VatCategory, pick: _Pick, parties: Parties) -> Callable[[UblDocument], Iterator[Node]]:
    # "(exists(a) and parties) or not(exists(b))": broken when b exists and not (a exists and parties).
    def check(doc: UblDocument) -> Iterator[Node]:
        if not doc.is_ubl:
            return
        f = vat_facts(doc)
        a, b = pick(f, cat.code)
        if b and not (a and parties.test(f.parties)):
            yield b[0]

    return check


# -- registration ---------------------------------------------------------------------------------


def _register() -> None:
    for prefix, cat in BY_PREFIX.items():
        exactly = cat.code not in ("S", "L", "M")
        quantity_ro = "exact un grup" if exactly else "cel puțin un grup"
        quantity_en = "exactly one group" if exactly else "at least one group"
        _BY_CATEGORY.rule(
            f"{prefix}-01",
            cat.code,
            ro="Dacă o linie (BG-25), o deducere (BG-20) sau o taxă suplimentară (BG-21) are categoria de "
            f"TVA {cat.name_ro}, defalcarea TVA (BG-23) trebuie să conțină {quantity_ro} cu codul {cat.code} "
            "(BT-118)"
            + (
                "."
                if exactly
                else ", iar un astfel de grup cere cel puțin o linie, deducere sau taxă cu această categorie."
            ),
            en=f"When an invoice line (BG-25), document level allowance (BG-20) or charge (BG-21) has VAT "
            f"category {cat.name_en}, the VAT breakdown (BG-23) must contain {quantity_en} with code "
            f"{cat.code} (BT-118)"
            + (
                "."
                if exactly
                else ", and such a group needs at least one line, allowance or charge in that category."
            ),
        )(_exactly_one(cat) if exactly else _at_least_one(cat))
        for family, where, pick, parties in _PARTY_RULES:
            if family != prefix:
                continue
            _BY_CATEGORY.rule(
                f"{prefix}-{where.number}",
                cat.code,
                ro=where.ro.format(cat=cat.name_ro) + f" impune {parties.ro}.",
                en=where.en.format(cat=cat.name_en) + f" requires {parties.en}.",
            )(_party_check(cat, pick, parties))


# BR-x-02/03/04's parties by (category code, rule number)
_PARTIES_OF = {(BY_PREFIX[family].code, where.number): parties for family, where, _, parties in _PARTY_RULES}


def _plain_pass(doc: UblDocument, plain: PlainVat, code: str) -> bool:
    """Every BR-<code>-01..04 holds on a plain document (all its categories VAT, at the root)."""
    used = present = False
    for number, places in (("02", plain.lines), ("03", plain.allowances), ("04", plain.charges)):
        if code in places:
            used = True
            if not _PARTIES_OF[code, number].test(plain.parties):
                return False
    count = len(plain.breakdown.get(code, ()))
    present = count > 0
    if code in ("S", "L", "M"):
        return used == present  # used and present, or neither (the code is in the document)
    return count == 1  # the code is used, VAT scheme: exactly one breakdown group


_register()
_BY_CATEGORY.register(_plain_pass)


# -- BR-IC-11/12, BR-O-11..14: document-level consequences of a K or O breakdown -----------------

# These rules and BR-B-01/02, in order, run as one group that a plain document without a K or O
# breakdown skips (K, O and, with a B category, split payment are what they look for).
_DOCUMENT_RULES: list[tuple[Rule, Callable[[UblDocument], Iterator[Node]]]] = []


def _document_rule(
    rule_id: str, *, ro: str, en: str
) -> Callable[[Callable[[UblDocument], Iterator[Node]]], Callable[[UblDocument], Iterator[Node]]]:
    def add(check: Callable[[UblDocument], Iterator[Node]]) -> Callable[[UblDocument], Iterator[Node]]:
        _DOCUMENT_RULES.append((Rule(rule_id, "fatal", ro, en), check))
        return check

    return add


def _breakdown_has(doc: UblDocument, value: str) -> bool:
    """``cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory[VAT]/cbc:ID[normalize-space(.) = value]``."""
    # The keys of breakdown_vat_id_count are exactly those normalised codes (on a plain document,
    # those of plain.breakdown).
    plain = plain_vat(doc)
    if plain is not None:
        return value in plain.breakdown
    return value in vat_facts(doc).breakdown_vat_id_count


@_document_rule(
    "BR-IC-11",
    ro="O factură cu defalcare TVA „Livrare intracomunitară” (K) trebuie să aibă data livrării efective "
    "(BT-72) sau perioada de facturare (BG-14).",
    en='An invoice with an "Intra-community supply" (K) VAT breakdown must give the Actual delivery date '
    "(BT-72) or the Invoicing period (BG-14).",
)
def br_ic_11(doc: UblDocument) -> Iterator[Node]:
    if doc.is_ubl and _breakdown_has(doc, "K"):
        dates = doc.root.findall("cac:Delivery/cbc:ActualDeliveryDate")
        date_ok = bool(dates) and len(dates[0].string_value) > 1
        if not date_ok and not any(p.children for p in doc.root.kids("cac:InvoicePeriod")):
            yield doc.root


@_document_rule(
    "BR-IC-12",
    ro="O factură cu defalcare TVA „Livrare intracomunitară” (K) trebuie să aibă codul țării de livrare "
    "(BT-80).",
    en='An invoice with an "Intra-community supply" (K) VAT breakdown must give the Deliver to country code '
    "(BT-80).",
)
def br_ic_12(doc: UblDocument) -> Iterator[Node]:
    if doc.is_ubl and _breakdown_has(doc, "K"):
        codes = doc.root.findall(
            "cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode"
        )
        if not (codes and len(codes[0].string_value) > 1):
            yield doc.root


def _only_o(doc: UblDocument, attr: str) -> Iterator[Node]:
    if doc.is_ubl and _breakdown_has(doc, "O"):
        categories: list[Node] = getattr(vat_facts(doc), attr)
        others = [c for c in categories if code(c) != "O" and is_vat(c)]
        if others:
            yield others[0]


@_document_rule(
    "BR-O-11",
    ro="O factură cu un grup de TVA „În afara sferei TVA” (O) nu poate avea alte grupuri în defalcarea TVA "
    "(BG-23).",
    en='An invoice with a "Not subject to VAT" (O) VAT breakdown must not have other VAT breakdown groups '
    "(BG-23).",
)
def br_o_11(doc: UblDocument) -> Iterator[Node]:
    return _only_o(doc, "breakdown")


@_document_rule(
    "BR-O-12",
    ro="O factură cu un grup de TVA „În afara sferei TVA” (O) nu poate avea linii cu altă categorie de TVA "
    "(BT-151).",
    en='An invoice with a "Not subject to VAT" (O) VAT breakdown must not have lines with another VAT '
    "category (BT-151).",
)
def br_o_12(doc: UblDocument) -> Iterator[Node]:
    return _only_o(doc, "classified")


@_document_rule(
    "BR-O-13",
    ro="O factură cu un grup de TVA „În afara sferei TVA” (O) nu poate avea deduceri la nivel de document cu "
    "altă categorie de TVA (BT-95).",
    en='An invoice with a "Not subject to VAT" (O) VAT breakdown must not have document level allowances '
    "with another VAT category (BT-95).",
)
def br_o_13(doc: UblDocument) -> Iterator[Node]:
    return _only_o(doc, "allowance_tc")


@_document_rule(
    "BR-O-14",
    ro="O factură cu un grup de TVA „În afara sferei TVA” (O) nu poate avea taxe suplimentare la nivel de "
    "document cu altă categorie de TVA (BT-102).",
    en='An invoice with a "Not subject to VAT" (O) VAT breakdown must not have document level charges with '
    "another VAT category (BT-102).",
)
def br_o_14(doc: UblDocument) -> Iterator[Node]:
    return _only_o(doc, "charge_tc")


# -- BR-B-01/02: Italian split payment (B) ---------------------------------------------------------


def _split_payment(doc: UblDocument) -> Node | None:
    if plain_vat(doc) is not None:
        return None  # a plain document's category codes are the nine: no B
    f = vat_facts(doc)
    if "B" not in f.raw_id_codes:
        return None
    for c in (*f.tax_categories, *f.classified):
        if has_raw_code(c, "B"):
            return c
    return None


@_document_rule(
    "BR-B-01",
    ro="Categoria de TVA „Split payment” (B) se folosește doar în facturi interne italiene: toate codurile "
    "de țară trebuie să fie IT.",
    en='VAT category "Split payment" (B) is only for domestic Italian invoices: every country code must be '
    "IT.",
)
def br_b_01(doc: UblDocument) -> Iterator[Node]:
    if doc.is_ubl:
        b = _split_payment(doc)
        if b is not None and any(n.text != "IT" for n in doc.all("cbc:IdentificationCode")):
            yield b


@_document_rule(
    "BR-B-02",
    ro="O factură cu categoria de TVA „Split payment” (B) nu poate avea linii, deduceri sau taxe cu "
    "categoria „Cota standard” (S).",
    en='An invoice with VAT category "Split payment" (B) must not have lines, allowances or charges with '
    'category "Standard rated" (S).',
)
def br_b_02(doc: UblDocument) -> Iterator[Node]:
    if doc.is_ubl:
        b = _split_payment(doc)
        if b is not None:
            f = vat_facts(doc)
            if any(has_raw_code(c, "S") for c in (*f.tax_categories, *f.classified)):
                yield b


@RULES.group([rule for rule, _ in _DOCUMENT_RULES])
def _document_rules(doc: UblDocument) -> Iterator[tuple[str, Node]]:
    plain = plain_vat(doc)
    if plain is not None and "K" not in plain.breakdown and "O" not in plain.breakdown:
        return  # (a plain document has no B category either)
    for rule, check in _DOCUMENT_RULES:
        for violation in check(doc):
            yield rule.rule_id, violation
