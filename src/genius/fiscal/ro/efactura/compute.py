"""EN 16931 calculations: fill in the amounts an invoice leaves out and check the ones it gives.

:func:`compute` returns a completed copy (the input is never mutated). Every given amount is
compared with the value EN 16931 derives; a disagreement is refused with a
:class:`~genius.fiscal.ro.efactura.errors.CalculationMismatch` naming the field path and the rule,
e.g. ``totals.tax_exclusive_amount: BR-CO-13 expects 1210.00, got 1200.00``.

The calculation, in EN 16931-1's order:

1. allowance/charge amounts = round(base × percentage / 100, 2) when not given (BT-92, BT-99,
   BT-136, BT-141); BT-146 net price = BT-148 gross price − BT-147 discount;
2. line net BT-131 = round(quantity × net price / base quantity, 2) + line charges − line
   allowances (EN 16931-1 §6.4; Peppol rule R120);
3. BT-106 = Σ BT-131 (BR-CO-10), BT-107 = Σ BT-92 (BR-CO-11), BT-108 = Σ BT-99 (BR-CO-12),
   BT-109 = BT-106 − BT-107 + BT-108 (BR-CO-13);
4. VAT breakdown per (category, rate): taxable BT-116 = lines + charges − allowances of that
   group (BR-S-08, BR-Z-08, ...), VAT BT-117 = round(BT-116 × rate / 100, 2) (BR-CO-17) or 0 for
   Z, E, AE, K, G, O (BR-Z-09, BR-E-09, ...); BT-110 = Σ BT-117 (BR-CO-14);
5. BT-111 (VAT in the accounting currency, RON under CIUS-RO BR-RO-030) = round(BT-110 ×
   exchange rate, 2) when the invoice currency is not RON;
6. BT-112 = BT-109 + BT-110 (BR-CO-15), BT-115 = BT-112 − BT-113 + BT-114 (BR-CO-16).

Every monetary amount carries at most 2 decimals (BR-DEC-01..28); given amounts with more are
refused rather than silently rounded.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from genius.fiscal.ro.efactura.errors import CalculationMismatch
from genius.fiscal.ro.efactura.model import (
    DocumentAllowanceCharge,
    DocumentTotals,
    Invoice,
    InvoiceLine,
    LineAllowanceCharge,
    VatBreakdown,
    VatCategory,
)
from genius.fiscal.ro.vat.categories import EN_RULE_PREFIX
from genius.kernel.errors import FieldProblem
from genius.kernel.money import CENT, round_money

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
RON = "RON"

# Categories whose VAT amount is always zero (BR-Z-09, BR-E-09, BR-AE-09, BR-IC-09, BR-G-09, BR-O-09).
ZERO_VAT_CATEGORIES = frozenset({"Z", "E", "AE", "K", "G", "O"})
# Categories whose rate must be 0 (BR-Z-05, BR-E-05, BR-AE-05, BR-IC-05, BR-G-05 and -06/-07).
ZERO_RATE_CATEGORIES = frozenset({"Z", "E", "AE", "K", "G"})
# Exemption reason codes filled in when the input gives none (BR-AE-10, BR-IC-10, BR-G-10,
# BR-O-10 require a reason text or code); "E" has many VATEX codes, so it must be given.
DEFAULT_EXEMPTION_CODES = {"AE": "VATEX-EU-AE", "K": "VATEX-EU-IC", "G": "VATEX-EU-G", "O": "VATEX-EU-O"}


@dataclass
class _Problems:
    """Collects every mismatch so the caller sees all of them at once."""

    items: list[FieldProblem] = field(default_factory=list)

    def add(self, path: str, rule: str, message: str) -> None:
        self.items.append(FieldProblem(path, rule, f"{rule} {message}"))

    def mismatch(self, path: str, rule: str, expected: Decimal, given: Decimal) -> None:
        self.add(path, rule, f"expects {_fmt(expected)}, got {_fmt(given)}")


def _fmt(value: Decimal) -> str:
    return format(value, "f")


def _money(value: Decimal) -> Decimal:
    return round_money(value, CENT)


def _check_cents(problems: _Problems, value: Decimal | None, path: str, rule: str) -> None:
    """BR-DEC-*: a monetary amount has at most 2 decimals (refused, never rounded silently)."""
    if value is not None and value != value.quantize(CENT):
        problems.add(path, rule, f"allows at most 2 decimals, got {_fmt(value)}")


def _settle(problems: _Problems, given: Decimal | None, expected: Decimal, path: str, rule: str) -> Decimal:
    """Return the value to keep: the computed one, after checking a given one agrees with it."""
    if given is not None and given != expected:
        problems.mismatch(path, rule, expected, given)
        return given
    return _money(expected) if given is None else given


def _settle_total(
    problems: _Problems, totals: DocumentTotals, name: str, expected: Decimal, rule: str
) -> None:
    """``_settle`` for one of the document totals (BG-22), kept on ``totals`` in place."""
    setattr(totals, name, _settle(problems, getattr(totals, name), expected, f"totals.{name}", rule))


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


def _allowance_charge_amount(
    problems: _Problems,
    item: LineAllowanceCharge | DocumentAllowanceCharge,
    path: str,
    amount_rule: str,
    dec_rules: tuple[str, str],
) -> None:
    """Fill ``amount`` from base × percentage / 100, or check it agrees (Peppol R040)."""
    _check_cents(problems, item.amount, f"{path}.amount", dec_rules[0])
    _check_cents(problems, item.base_amount, f"{path}.base_amount", dec_rules[1])
    if item.percentage is not None and item.base_amount is None:
        # A percentage without the base it applies to cannot be checked (as Peppol R041).
        problems.add(
            f"{path}.base_amount", "PEPPOL-EN16931-R041", "needs the base amount when a percentage is given"
        )
    if item.base_amount is not None and item.percentage is not None:
        expected = _money(item.base_amount * item.percentage / HUNDRED)
        item.amount = _settle(problems, item.amount, expected, f"{path}.amount", "PEPPOL-EN16931-R040")
    elif item.amount is None:
        problems.add(f"{path}.amount", amount_rule, "needs the amount, or base_amount and percentage")


def _check_category_rate(
    problems: _Problems, category: str, rate: Decimal | None, path: str, suffix: str
) -> None:
    """Rate rules per VAT category (BR-S-05/06/07, BR-Z-05, ..., BR-O-05): ``suffix`` is 05, 06 or 07."""
    cat_path, rate_path = f"{path}.vat_category", f"{path}.vat_rate"
    if category not in VatCategory.ALL:
        problems.add(
            cat_path,
            "BR-CL-18",
            f"{category!r} is not a VAT category of EN 16931 ({', '.join(sorted(VatCategory.ALL))})",
        )
        return
    rule = f"{EN_RULE_PREFIX[category]}-{suffix}"
    if category == "O":
        if rate is not None:
            problems.add(rate_path, rule, "category O (not subject to VAT) takes no VAT rate")
    elif rate is None:
        problems.add(rate_path, rule, f"category {category} needs a VAT rate")
    elif category == "S" and rate <= 0:
        problems.add(rate_path, rule, f"category S needs a rate above 0, got {_fmt(rate)}")
    elif category in ZERO_RATE_CATEGORIES and rate != 0:
        problems.add(rate_path, rule, f"category {category} needs rate 0, got {_fmt(rate)}")
    elif rate < 0:
        problems.add(rate_path, rule, f"the VAT rate cannot be negative, got {_fmt(rate)}")


def _compute_line(problems: _Problems, line: InvoiceLine, path: str) -> None:
    price = line.price
    if price.gross_price is not None and price.gross_price < 0:
        problems.add(f"{path}.price.gross_price", "BR-28", "the item gross price cannot be negative")
    if price.discount is not None and price.gross_price is not None:
        expected_net = price.gross_price - price.discount
        if price.net_price != expected_net:
            problems.mismatch(
                f"{path}.price.net_price", "BT-146 = BT-148 - BT-147", expected_net, price.net_price
            )
    if price.net_price < 0:
        problems.add(f"{path}.price.net_price", "BR-27", "the item net price cannot be negative")
    base_quantity = price.base_quantity if price.base_quantity is not None else Decimal(1)
    if base_quantity <= 0:
        problems.add(f"{path}.price.base_quantity", "BT-149", "the price base quantity must be above 0")
        base_quantity = Decimal(1)
    for index, allowance in enumerate(line.allowances):
        _allowance_charge_amount(
            problems, allowance, f"{path}.allowances[{index}]", "BR-41", ("BR-DEC-24", "BR-DEC-25")
        )
    for index, charge in enumerate(line.charges):
        _allowance_charge_amount(
            problems, charge, f"{path}.charges[{index}]", "BR-43", ("BR-DEC-27", "BR-DEC-28")
        )
    _check_category_rate(problems, line.item.vat_category, line.item.vat_rate, f"{path}.item", "05")
    _check_cents(problems, line.net_amount, f"{path}.net_amount", "BR-DEC-23")
    expected = (
        _money(line.quantity * price.net_price / base_quantity)
        + _sum(c.amount for c in line.charges)
        - _sum(a.amount for a in line.allowances)
    )
    line.net_amount = _settle(
        problems, line.net_amount, expected, f"{path}.net_amount", "BT-131 (EN 16931-1 6.4)"
    )


@dataclass
class _Group:
    """One VAT breakdown group being summed: (category, rate) -> taxable amount."""

    category: str
    rate: Decimal | None
    taxable: Decimal = ZERO


def _vat_groups(invoice: Invoice) -> dict[tuple[str, Decimal | None], _Group]:
    groups: dict[tuple[str, Decimal | None], _Group] = {}

    def group(category: str, rate: Decimal | None) -> _Group:
        key = (category, rate)
        if key not in groups:
            groups[key] = _Group(category, rate)
        return groups[key]

    for line in invoice.lines:
        group(line.item.vat_category, line.item.vat_rate).taxable += line.net_amount or ZERO
    for charge in invoice.charges:
        group(charge.vat_category, charge.vat_rate).taxable += charge.amount or ZERO
    for allowance in invoice.allowances:
        group(allowance.vat_category, allowance.vat_rate).taxable -= allowance.amount or ZERO
    return groups


def _compute_vat_breakdown(problems: _Problems, invoice: Invoice) -> None:
    groups = _vat_groups(invoice)
    given_by_key: dict[tuple[str, Decimal | None], tuple[int, VatBreakdown]] = {}
    for index, entry in enumerate(invoice.vat_breakdown):
        path = f"vat_breakdown[{index}]"
        key = (entry.category, entry.rate)
        _check_cents(problems, entry.taxable_amount, f"{path}.taxable_amount", "BR-DEC-19")
        _check_cents(problems, entry.tax_amount, f"{path}.tax_amount", "BR-DEC-20")
        if key in given_by_key:
            problems.add(
                path,
                "BR-CO-18",
                f"repeats VAT category {entry.category} rate {entry.rate}; "
                "give one breakdown per category and rate",
            )
            continue
        given_by_key[key] = (index, entry)
        if key not in groups:
            rule = f"{EN_RULE_PREFIX.get(entry.category, 'BR-CO')}-08"
            problems.add(
                path,
                rule,
                f"no line, allowance or charge has VAT category {entry.category} and rate {entry.rate}",
            )

    result: list[VatBreakdown] = []
    for key, group in groups.items():
        index, given = given_by_key.get(key, (None, None))
        path = (
            f"vat_breakdown[{index}]"
            if index is not None
            else f"vat_breakdown[{group.category} {group.rate}]"
        )
        entry = given if given is not None else VatBreakdown(category=group.category, rate=group.rate)
        prefix = EN_RULE_PREFIX.get(group.category, "BR-CO")
        entry.taxable_amount = _settle(
            problems, entry.taxable_amount, group.taxable, f"{path}.taxable_amount", f"{prefix}-08"
        )
        if group.category in ZERO_VAT_CATEGORIES:
            expected_tax, tax_rule = ZERO, f"{prefix}-09"
        else:
            rate = group.rate if group.rate is not None else ZERO
            expected_tax, tax_rule = _money(group.taxable * rate / HUNDRED), "BR-CO-17"
        entry.tax_amount = _settle(problems, entry.tax_amount, expected_tax, f"{path}.tax_amount", tax_rule)
        if entry.exemption_reason is None and entry.exemption_reason_code is None:
            entry.exemption_reason_code = DEFAULT_EXEMPTION_CODES.get(group.category)
        result.append(entry)
    invoice.vat_breakdown = result


def _compute_accounting_vat(problems: _Problems, invoice: Invoice) -> None:
    """BT-6/BT-111: CIUS-RO BR-RO-030 wants the VAT total in RON when the invoice is not in RON."""
    totals = invoice.totals
    _check_cents(problems, totals.vat_total_accounting, "totals.vat_total_accounting", "BR-DEC-15")
    if invoice.vat_exchange_rate is not None and invoice.vat_exchange_rate <= 0:
        problems.add("vat_exchange_rate", "BT-111", "the exchange rate must be above 0")
        return
    if invoice.vat_accounting_currency is None and invoice.currency != RON:
        invoice.vat_accounting_currency = RON  # BR-RO-030: BT-6 must be RON when BT-5 is not RON
    if invoice.vat_accounting_currency is None:
        if totals.vat_total_accounting is not None:
            problems.add(
                "totals.vat_total_accounting", "BR-53", "is given without vat_accounting_currency (BT-6)"
            )
        return
    vat_total = totals.vat_total if totals.vat_total is not None else ZERO
    if invoice.vat_accounting_currency == invoice.currency:
        totals.vat_total_accounting = _settle(
            problems, totals.vat_total_accounting, vat_total, "totals.vat_total_accounting", "BR-53"
        )
        return
    if invoice.vat_exchange_rate is None:
        if totals.vat_total_accounting is None:
            problems.add(
                "vat_exchange_rate",
                "BR-53",
                f"is needed to compute the VAT total in {invoice.vat_accounting_currency} (BT-111) "
                "when it is not given",
            )
        return
    expected = _money(vat_total * invoice.vat_exchange_rate)
    totals.vat_total_accounting = _settle(
        problems,
        totals.vat_total_accounting,
        expected,
        "totals.vat_total_accounting",
        "BT-111 = BT-110 x vat_exchange_rate",
    )


def compute(invoice: Invoice) -> Invoice:
    """Return a copy of ``invoice`` with every derivable amount filled in and every given one checked.

    Raises :class:`CalculationMismatch` listing all disagreements (field path + rule id).
    """
    result = copy.deepcopy(invoice)
    problems = _Problems()
    if not result.lines:
        problems.add("lines", "BR-16", "an invoice needs at least one line")
    for index, line in enumerate(result.lines):
        _compute_line(problems, line, f"lines[{index}]")
    for index, allowance in enumerate(result.allowances):
        path = f"allowances[{index}]"
        _allowance_charge_amount(problems, allowance, path, "BR-31", ("BR-DEC-01", "BR-DEC-02"))
        _check_category_rate(problems, allowance.vat_category, allowance.vat_rate, path, "06")
    for index, charge in enumerate(result.charges):
        path = f"charges[{index}]"
        _allowance_charge_amount(problems, charge, path, "BR-36", ("BR-DEC-05", "BR-DEC-06"))
        _check_category_rate(problems, charge.vat_category, charge.vat_rate, path, "07")

    totals = result.totals
    for name, rule in (
        ("line_net_total", "BR-DEC-09"),
        ("allowance_total", "BR-DEC-10"),
        ("charge_total", "BR-DEC-11"),
        ("tax_exclusive_amount", "BR-DEC-12"),
        ("vat_total", "BR-DEC-13"),
        ("tax_inclusive_amount", "BR-DEC-14"),
        ("prepaid_amount", "BR-DEC-16"),
        ("rounding_amount", "BR-DEC-17"),
        ("payable_amount", "BR-DEC-18"),
    ):
        _check_cents(problems, getattr(totals, name), f"totals.{name}", rule)

    _settle_total(problems, totals, "line_net_total", _sum(x.net_amount for x in result.lines), "BR-CO-10")
    if result.allowances or totals.allowance_total is not None:
        _settle_total(
            problems, totals, "allowance_total", _sum(a.amount for a in result.allowances), "BR-CO-11"
        )
    if result.charges or totals.charge_total is not None:
        _settle_total(problems, totals, "charge_total", _sum(c.amount for c in result.charges), "BR-CO-12")
    expected_exclusive = (
        totals.line_net_total - (totals.allowance_total or ZERO) + (totals.charge_total or ZERO)
    )
    _settle_total(problems, totals, "tax_exclusive_amount", expected_exclusive, "BR-CO-13")

    _compute_vat_breakdown(problems, result)
    _settle_total(problems, totals, "vat_total", _sum(v.tax_amount for v in result.vat_breakdown), "BR-CO-14")
    _compute_accounting_vat(problems, result)
    expected_inclusive = totals.tax_exclusive_amount + totals.vat_total
    _settle_total(problems, totals, "tax_inclusive_amount", expected_inclusive, "BR-CO-15")
    expected_payable = (
        totals.tax_inclusive_amount - (totals.prepaid_amount or ZERO) + (totals.rounding_amount or ZERO)
    )
    _settle_total(problems, totals, "payable_amount", expected_payable, "BR-CO-16")
    if problems.items:
        raise CalculationMismatch.from_problems("the invoice's amounts do not add up", problems.items)
    return result


__all__ = ["compute"]
