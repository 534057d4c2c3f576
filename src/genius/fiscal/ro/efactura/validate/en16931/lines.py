"""EN 16931 rules on invoice lines, invoicing periods and allowances/charges (document and line level).

BR-21..28 (BR-27 sits in ANAF's RO pattern), BR-29/30, BR-31..33, BR-36..38, BR-41..44,
BR-CO-04, BR-CO-19..24.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument
from genius.fiscal.ro.efactura.validate.en16931.fastpath import Folded
from genius.fiscal.ro.efactura.validate.en16931.lines_fast import line_fine, passes
from genius.fiscal.ro.efactura.validate.en16931.selectors import (
    LINE_NAMES,
    as_double,
    is_allowance,
    is_charge,
    is_vat,
    line_charges,
    numeric_compare,
    root_charges,
)
from genius.fiscal.ro.efactura.validate.registry import Rule, RuleSet

RULES = RuleSet("en16931.lines")
# One group check for the module (registered at the end): line_tests and BR-27 are skipped at once when
# lines_fast.passes decides once that neither fires; the others (covered=False) always run, those with
# the same ``needs`` behind one presence test.
_RULES = Folded(passes)

_XS_DATE = re.compile(r"(-?\d{4,})-(\d\d)-(\d\d)(Z|[+-]\d\d:\d\d)?")


def parse_xs_date(text: str) -> datetime | None:
    """``xs:date(text)`` as the instant it starts (no timezone: UTC, Saxon's implicit one here)."""
    match = _XS_DATE.fullmatch(text.strip(" \t\r\n"))
    if not match:
        return None
    year, month, day, zone = match.groups()
    offset = timedelta(0)
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        offset = sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    try:
        return datetime(int(year), int(month), int(day), tzinfo=timezone(offset))
    except ValueError:
        return None


def _lines(doc: UblDocument) -> list[Node]:
    """``cac:InvoiceLine | cac:CreditNoteLine`` wherever they occur."""
    return [*doc.all("cac:InvoiceLine"), *doc.all("cac:CreditNoteLine")]


_LINE_TESTS: list[tuple[Rule, Callable[[Node], bool]]] = []


def _line_rule(rule_id: str, ro: str, en: str) -> Callable[[Callable[[Node], bool]], Callable[[Node], bool]]:
    """Collect a per-line test (True = the line is fine); all run in one pass over the lines."""

    def register(ok: Callable[[Node], bool]) -> Callable[[Node], bool]:
        _LINE_TESTS.append((Rule(rule_id, "fatal", ro, en), ok))
        return ok

    return register


@_line_rule(
    "BR-21",
    "Fiecare linie de factură (BG-25) trebuie să aibă un identificator (BT-126, cbc:ID).",
    "Each Invoice line (BG-25) must have an Invoice line identifier (BT-126, cbc:ID).",
)
def _br_21(line: Node) -> bool:
    # (Per-line tests run for every line: plain loops, no generator per call.)
    for n in line.kids("cbc:ID"):  # noqa: SIM110
        if n.text != "":
            return True
    return False


@_line_rule(
    "BR-22",
    "Fiecare linie de factură (BG-25) trebuie să aibă cantitatea facturată (BT-129).",
    "Each Invoice line (BG-25) must have an Invoiced quantity (BT-129).",
)
def _br_22(line: Node) -> bool:
    return bool(line.kids("cbc:InvoicedQuantity") or line.kids("cbc:CreditedQuantity"))


@_line_rule(
    "BR-23",
    "Cantitatea facturată a fiecărei linii trebuie să aibă unitatea de măsură (BT-130, atributul unitCode).",
    "Each Invoice line's quantity must have a unit of measure code (BT-130, unitCode).",
)
def _br_23(line: Node) -> bool:
    for name in ("cbc:InvoicedQuantity", "cbc:CreditedQuantity"):
        for q in line.kids(name):
            if q.el.get("unitCode") is not None:
                return True
    return False


@_line_rule(
    "BR-24",
    "Fiecare linie de factură (BG-25) trebuie să aibă valoarea netă (BT-131, cbc:LineExtensionAmount).",
    "Each Invoice line (BG-25) must have an Invoice line net amount (BT-131, cbc:LineExtensionAmount).",
)
def _br_24(line: Node) -> bool:
    return bool(line.kids("cbc:LineExtensionAmount"))


@_line_rule(
    "BR-25",
    "Fiecare linie de factură (BG-25) trebuie să aibă denumirea articolului (BT-153, cac:Item/cbc:Name).",
    "Each Invoice line (BG-25) must have an Item name (BT-153, cac:Item/cbc:Name).",
)
def _br_25(line: Node) -> bool:
    for item in line.kids("cac:Item"):
        for n in item.kids("cbc:Name"):
            if n.text != "":
                return True
    return False


@_line_rule(
    "BR-26",
    "Fiecare linie de factură (BG-25) trebuie să aibă prețul net al articolului (BT-146, "
    "cac:Price/cbc:PriceAmount).",
    "Each Invoice line (BG-25) must have an Item net price (BT-146, cac:Price/cbc:PriceAmount).",
)
def _br_26(line: Node) -> bool:
    for price in line.kids("cac:Price"):  # noqa: SIM110
        if price.kids("cbc:PriceAmount"):
            return True
    return False


@_line_rule(
    "BR-28",
    "Prețul brut al articolului (BT-148, cac:Price/cac:AllowanceCharge/cbc:BaseAmount) nu poate fi negativ.",
    "The Item gross price (BT-148, cac:Price/cac:AllowanceCharge/cbc:BaseAmount) must not be negative.",
)
def _br_28(line: Node) -> bool:
    for price in line.kids("cac:Price"):  # a loop: no generator per line
        if price.kids("cac:AllowanceCharge"):
            break
    else:
        return True
    bases = line.findall("cac:Price/cac:AllowanceCharge/cbc:BaseAmount")
    return not bases or numeric_compare(bases, ">=", 0)


@_line_rule(
    "BR-CO-04",
    "Fiecare linie de factură (BG-25) trebuie să aibă categoria de TVA a articolului (BT-151, "
    "cac:Item/cac:ClassifiedTaxCategory/cbc:ID cu schema VAT).",
    "Each Invoice line (BG-25) must be categorized with an Invoiced item VAT category code (BT-151, "
    "cac:Item/cac:ClassifiedTaxCategory/cbc:ID with scheme VAT).",
)
def _br_co_04(line: Node) -> bool:
    for item in line.kids("cac:Item"):
        for c in item.kids("cac:ClassifiedTaxCategory"):
            if c.kids("cbc:ID") and is_vat(c):
                return True
    return False


@_RULES.group([rule for rule, _ in _LINE_TESTS])
def line_tests(doc: UblDocument) -> Iterator[tuple[str, Node]]:
    tests = [(rule.rule_id, ok) for rule, ok in _LINE_TESTS]
    for line in _lines(doc):
        if line_fine(line):
            continue
        for rule_id, ok in tests:
            if not ok(line):
                yield rule_id, line


@_RULES.rule(
    "BR-27",
    "fatal",
    ro="Prețul net al articolului (BT-146, cbc:PriceAmount) nu poate fi negativ.",
    en="The Item net price (BT-146, cbc:PriceAmount) must not be negative.",
    needs=("cbc:PriceAmount",),
)
def br_27(doc: UblDocument) -> Iterator[Node]:
    for price in doc.all("cbc:PriceAmount"):
        value = as_double(price.text)
        if value is not None and not value >= 0:
            yield price


# -- invoicing periods -------------------------------------------------------------------------------


def _periods(doc: UblDocument, on_lines: bool) -> list[Node]:
    return [
        p
        for p in doc.all("cac:InvoicePeriod")
        if (p.parent is not None and p.parent.name in LINE_NAMES) == on_lines
    ]


def _dates_in_order(period: Node) -> bool:
    starts, ends = period.kids("cbc:StartDate"), period.kids("cbc:EndDate")
    if not starts or not ends:
        return True
    start, end = parse_xs_date(starts[0].text), parse_xs_date(ends[0].text)
    return start is None or end is None or end >= start


@_RULES.rule(
    "BR-29",
    "fatal",
    ro="Data de sfârșit a perioadei de facturare (BT-74) trebuie să fie egală sau ulterioară datei de "
    "început (BT-73).",
    en="The Invoicing period end date (BT-74) must be later or equal to the start date (BT-73).",
    needs=("cac:InvoicePeriod",),
    covered=False,
)
def br_29(doc: UblDocument) -> Iterator[Node]:
    return (p for p in _periods(doc, on_lines=False) if not _dates_in_order(p))


@_RULES.rule(
    "BR-30",
    "fatal",
    ro="Data de sfârșit a perioadei liniei (BT-135) trebuie să fie egală sau ulterioară datei de început "
    "(BT-134).",
    en="The Invoice line period end date (BT-135) must be later or equal to the start date (BT-134).",
    needs=("cac:InvoicePeriod",),
    covered=False,
)
def br_30(doc: UblDocument) -> Iterator[Node]:
    return (p for p in _periods(doc, on_lines=True) if not _dates_in_order(p))


@_RULES.rule(
    "BR-CO-19",
    "fatal",
    ro="Perioada de facturare (BG-14), dacă este dată, trebuie să aibă data de început (BT-73), data de "
    "sfârșit (BT-74) sau codul datei exigibilității TVA (BT-8).",
    en="An Invoicing period (BG-14), when used, must have a start date (BT-73), an end date (BT-74) or a "
    "Value added tax point date code (BT-8).",
    needs=("cac:InvoicePeriod",),
    covered=False,
)
def br_co_19(doc: UblDocument) -> Iterator[Node]:
    for period in _periods(doc, on_lines=False):
        if not (
            period.kids("cbc:StartDate") or period.kids("cbc:EndDate") or period.kids("cbc:DescriptionCode")
        ):
            yield period


@_RULES.rule(
    "BR-CO-20",
    "fatal",
    ro="Perioada liniei (BG-26), dacă este dată, trebuie să aibă data de început (BT-134) sau de sfârșit "
    "(BT-135).",
    en="An Invoice line period (BG-26), when used, must have a start date (BT-134) or an end date (BT-135).",
    needs=("cac:InvoicePeriod",),
    covered=False,
)
def br_co_20(doc: UblDocument) -> Iterator[Node]:
    for period in _periods(doc, on_lines=True):
        if not (period.kids("cbc:StartDate") or period.kids("cbc:EndDate")):
            yield period


# -- allowances and charges ----------------------------------------------------------------------------

_DOC_ALLOWANCE = ("o deducere la nivel de document (BG-20)", "a Document level allowance (BG-20)")
_DOC_CHARGE = ("o taxă suplimentară la nivel de document (BG-21)", "a Document level charge (BG-21)")
_LINE_ALLOWANCE = ("o deducere la nivel de linie (BG-27)", "an Invoice line allowance (BG-27)")
_LINE_CHARGE = ("o taxă suplimentară la nivel de linie (BG-28)", "an Invoice line charge (BG-28)")


def _split(doc: UblDocument, key: str, nodes: list[Node] | tuple[Node, ...], charge: bool) -> list[Node]:
    """Allowances (charge False) or charges among ``nodes``, computed once per document."""
    memo_key = f"lines.{key}.{charge}"
    found = doc.memo.get(memo_key)
    if found is None:
        found = doc.memo[memo_key] = [ac for ac in nodes if (is_charge(ac) if charge else is_allowance(ac))]
    return found  # type: ignore[return-value]


def _doc_allowances(doc: UblDocument) -> list[Node]:
    return _split(doc, "doc", root_charges(doc), charge=False) if doc.is_ubl else []


def _doc_charges(doc: UblDocument) -> list[Node]:
    return _split(doc, "doc", root_charges(doc), charge=True) if doc.is_ubl else []


def _line_allowances(doc: UblDocument) -> list[Node]:
    return _split(doc, "line", line_charges(doc), charge=False)


def _line_charges(doc: UblDocument) -> list[Node]:
    return _split(doc, "line", line_charges(doc), charge=True)


def _has_amount(ac: Node) -> bool:
    return bool(ac.kids("cbc:Amount"))


def _has_reason(ac: Node) -> bool:
    return bool(ac.kids("cbc:AllowanceChargeReason") or ac.kids("cbc:AllowanceChargeReasonCode"))


def _has_vat_category(ac: Node) -> bool:
    return any(c.kids("cbc:ID") and is_vat(c) for c in ac.kids("cac:TaxCategory"))


_AMOUNT = ("trebuie să aibă valoarea ({bt}, cbc:Amount)", "must have an amount ({bt}, cbc:Amount)")
_CATEGORY = (
    "trebuie să aibă codul categoriei de TVA ({bt}, cac:TaxCategory/cbc:ID)",
    "must have a VAT category code ({bt}, cac:TaxCategory/cbc:ID)",
)
_REASON = (
    "trebuie să aibă motivul ({bt}) sau codul motivului ({bt2})",
    "must have a reason ({bt}) or a reason code ({bt2})",
)

# rule id, nodes, test, (what it is), (what it must have), BT numbers
_AC_RULES: tuple[
    tuple[
        str,
        Callable[[UblDocument], list[Node]],
        Callable[[Node], bool],
        tuple[str, str],
        tuple[str, str],
        dict[str, str],
    ],
    ...,
] = (
    ("BR-31", _doc_allowances, _has_amount, _DOC_ALLOWANCE, _AMOUNT, {"bt": "BT-92"}),
    ("BR-32", _doc_allowances, _has_vat_category, _DOC_ALLOWANCE, _CATEGORY, {"bt": "BT-95"}),
    ("BR-33", _doc_allowances, _has_reason, _DOC_ALLOWANCE, _REASON, {"bt": "BT-97", "bt2": "BT-98"}),
    ("BR-CO-21", _doc_allowances, _has_reason, _DOC_ALLOWANCE, _REASON, {"bt": "BT-97", "bt2": "BT-98"}),
    ("BR-36", _doc_charges, _has_amount, _DOC_CHARGE, _AMOUNT, {"bt": "BT-99"}),
    ("BR-37", _doc_charges, _has_vat_category, _DOC_CHARGE, _CATEGORY, {"bt": "BT-102"}),
    ("BR-38", _doc_charges, _has_reason, _DOC_CHARGE, _REASON, {"bt": "BT-104", "bt2": "BT-105"}),
    ("BR-CO-22", _doc_charges, _has_reason, _DOC_CHARGE, _REASON, {"bt": "BT-104", "bt2": "BT-105"}),
    ("BR-41", _line_allowances, _has_amount, _LINE_ALLOWANCE, _AMOUNT, {"bt": "BT-136"}),
    ("BR-42", _line_allowances, _has_reason, _LINE_ALLOWANCE, _REASON, {"bt": "BT-139", "bt2": "BT-140"}),
    ("BR-CO-23", _line_allowances, _has_reason, _LINE_ALLOWANCE, _REASON, {"bt": "BT-139", "bt2": "BT-140"}),
    ("BR-43", _line_charges, _has_amount, _LINE_CHARGE, _AMOUNT, {"bt": "BT-141"}),
    ("BR-44", _line_charges, _has_reason, _LINE_CHARGE, _REASON, {"bt": "BT-144", "bt2": "BT-145"}),
    ("BR-CO-24", _line_charges, _has_reason, _LINE_CHARGE, _REASON, {"bt": "BT-144", "bt2": "BT-145"}),
)


def _ac_check(
    nodes: Callable[[UblDocument], list[Node]], ok: Callable[[Node], bool]
) -> Callable[[UblDocument], Iterator[Node]]:
    def check(doc: UblDocument) -> Iterator[Node]:
        return (ac for ac in nodes(doc) if not ok(ac))

    return check


for _rule_id, _nodes, _ok, _what, _must, _bts in _AC_RULES:
    _RULES.rule(
        _rule_id,
        "fatal",
        ro="Fiecare " + _what[0].removeprefix("o ") + " " + _must[0].format(**_bts) + ".",
        en="Each " + _what[1].removeprefix("a ").removeprefix("an ") + " " + _must[1].format(**_bts) + ".",
        needs=("cac:AllowanceCharge",),
        covered=False,
    )(_ac_check(_nodes, _ok))

_RULES.register(RULES)
