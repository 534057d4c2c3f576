"""compute(): EN 16931 amounts filled in when left out, refused (naming field and rule) when wrong."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from genius.fiscal.ro.efactura import (
    CalculationMismatch,
    DocumentAllowanceCharge,
    Invoice,
    InvoiceLine,
    Item,
    LineAllowanceCharge,
    Price,
    VatBreakdown,
    compute,
)
from tests.fiscal.ro.efactura.scenarios import load_scenario

D = Decimal


def line(
    line_id: str, qty: str, price: str, rate: str | None = "21", category: str = "S", **extra: object
) -> InvoiceLine:
    price_obj = extra.pop("price_obj", None) or Price(net_price=D(price))
    return InvoiceLine(
        id=line_id,
        quantity=D(qty),
        unit_code="H87",
        price=price_obj,  # type: ignore[arg-type]
        item=Item(name=f"item {line_id}", vat_category=category, vat_rate=None if rate is None else D(rate)),
        **extra,  # type: ignore[arg-type]
    )


def invoice_with(*lines: InvoiceLine, **changes: object) -> Invoice:
    base = load_scenario("domestic-21-11")
    base.lines = list(lines)
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def problems_of(exc: pytest.ExceptionInfo[CalculationMismatch]) -> dict[str, str]:
    return {p.field: p.code for p in exc.value.problems}


def test_domestic_scenario_totals_are_filled() -> None:
    result = compute(load_scenario("domestic-21-11"))
    totals = result.totals
    assert [x.net_amount for x in result.lines] == [D("1255.00"), D("149.97"), D("450.00")]
    assert totals.line_net_total == D("1854.97")
    assert totals.tax_exclusive_amount == D("1854.97")
    assert [(v.category, v.rate, v.taxable_amount, v.tax_amount) for v in result.vat_breakdown] == [
        ("S", D("21"), D("1705.00"), D("358.05")),
        ("S", D("11"), D("149.97"), D("16.50")),
    ]
    assert totals.vat_total == D("374.55")
    assert totals.tax_inclusive_amount == D("2229.52")
    assert totals.payable_amount == D("2229.52")
    assert totals.allowance_total is None and totals.charge_total is None  # nothing to sum: left out


def test_compute_never_mutates_its_input() -> None:
    original = load_scenario("allowances-charges")
    snapshot = copy.deepcopy(original)
    compute(original)
    assert original == snapshot


def test_compute_is_idempotent() -> None:
    once = compute(load_scenario("allowances-charges"))
    assert compute(once) == once


def test_line_net_rounds_half_up_to_cents() -> None:
    # 3 x 0.125 = 0.375 -> 0.38 (half up; banker's rounding would give 0.38 too, so also 0.125 x 1
    # -> 0.13 where banker's gives 0.12); 7 x 0.3333 = 2.3331 -> 2.33
    result = compute(invoice_with(line("1", "3", "0.125"), line("2", "1", "0.125"), line("3", "7", "0.3333")))
    assert [x.net_amount for x in result.lines] == [D("0.38"), D("0.13"), D("2.33")]


def test_price_base_quantity_divides_the_price() -> None:
    # BT-149: 30.00 per 2 pieces, 5 pieces -> 75.00
    price = Price(net_price=D("30.00"), base_quantity=D("2"), base_quantity_unit="H87")
    result = compute(invoice_with(line("1", "5", "0", price_obj=price)))
    assert result.lines[0].net_amount == D("75.00")


def test_vat_is_rounded_per_breakdown_not_per_line() -> None:
    # BR-CO-17: VAT = round(taxable x rate / 100) per (category, rate). Three lines of 0.12 at 21 %:
    # rounding each line (0.0252 -> 0.03) would give 0.09; the group 0.36 x 21 % = 0.0756 gives 0.08.
    result = compute(invoice_with(line("1", "1", "0.12"), line("2", "1", "0.12"), line("3", "1", "0.12")))
    assert result.vat_breakdown[0].tax_amount == D("0.08")
    assert result.totals.vat_total == D("0.08")


def test_allowances_and_charges_from_base_and_percentage() -> None:
    result = compute(load_scenario("allowances-charges"))
    first = result.lines[0]
    assert first.allowances[0].amount == D("45.00")  # 5 % of 900.00
    assert first.net_amount == D("870.00")  # 20 x 45.00 + 15.00 - 45.00
    assert result.lines[1].net_amount == D("75.00")
    assert result.allowances[0].amount == D("17.10")  # 2 % of 855.00
    totals = result.totals
    assert (totals.line_net_total, totals.allowance_total, totals.charge_total) == (
        D("945.00"),
        D("17.10"),
        D("50.00"),
    )
    assert totals.tax_exclusive_amount == D("977.90")
    by_rate = {v.rate: (v.taxable_amount, v.tax_amount) for v in result.vat_breakdown}
    assert by_rate == {D("21"): (D("902.90"), D("189.61")), D("11"): (D("75.00"), D("8.25"))}
    assert totals.vat_total == D("197.86")
    assert totals.payable_amount == D("1175.76")


def test_mismatched_tax_exclusive_amount_is_refused_naming_field_and_rule() -> None:
    invoice = invoice_with(line("1", "10", "121.00"))
    invoice.totals.tax_exclusive_amount = D("1200.00")
    with pytest.raises(CalculationMismatch) as exc:
        compute(invoice)
    assert "totals.tax_exclusive_amount: BR-CO-13 expects 1210.00, got 1200.00" in str(exc.value)
    assert problems_of(exc)["totals.tax_exclusive_amount"] == "BR-CO-13"


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("line_net_total", "1.00", "BR-CO-10"),
        ("vat_total", "254.00", "BR-CO-14"),
        ("tax_inclusive_amount", "1464.00", "BR-CO-15"),
        ("payable_amount", "1464.00", "BR-CO-16"),
    ],
)
def test_each_given_total_is_checked(field: str, value: str, rule: str) -> None:
    invoice = invoice_with(line("1", "10", "121.00"))
    setattr(invoice.totals, field, D(value))
    with pytest.raises(CalculationMismatch) as exc:
        compute(invoice)
    assert problems_of(exc)[f"totals.{field}"] == rule


def test_correct_given_totals_are_accepted() -> None:
    invoice = invoice_with(line("1", "10", "121.00"))
    invoice.totals.tax_exclusive_amount = D("1210.00")
    invoice.totals.vat_total = D("254.10")
    invoice.totals.payable_amount = D("1464.10")
    assert compute(invoice).totals.tax_inclusive_amount == D("1464.10")


def test_prepaid_and_rounding_enter_the_amount_due() -> None:
    invoice = invoice_with(line("1", "1", "99.99"))
    invoice.totals.prepaid_amount = D("20.00")
    invoice.totals.rounding_amount = D("0.01")
    totals = compute(invoice).totals
    assert totals.tax_inclusive_amount == D("120.99")  # 99.99 + 21.00
    assert totals.payable_amount == D("101.00")  # BR-CO-16: 120.99 - 20.00 + 0.01


def test_given_line_net_that_disagrees_is_refused() -> None:
    with pytest.raises(CalculationMismatch) as exc:
        compute(invoice_with(line("1", "2", "10.00", net_amount=D("21.00"))))
    assert problems_of(exc) == {"lines[0].net_amount": "BT-131 (EN 16931-1 6.4)"}
    assert "expects 20.00, got 21.00" in str(exc.value)


def test_more_than_two_decimals_in_a_given_amount_is_refused() -> None:
    with pytest.raises(CalculationMismatch) as exc:
        compute(invoice_with(line("1", "2", "10.00", net_amount=D("20.001"))))
    assert ("lines[0].net_amount", "BR-DEC-23") in {(p.field, p.code) for p in exc.value.problems}


def test_given_vat_breakdown_amount_is_checked_with_br_co_17() -> None:
    invoice = invoice_with(line("1", "1", "100.00"))
    invoice.vat_breakdown = [VatBreakdown(category="S", rate=D("21"), tax_amount=D("21.01"))]
    with pytest.raises(CalculationMismatch) as exc:
        compute(invoice)
    assert problems_of(exc)["vat_breakdown[0].tax_amount"] == "BR-CO-17"


def test_breakdown_for_a_category_no_line_uses_is_refused() -> None:
    invoice = invoice_with(line("1", "1", "100.00"))
    invoice.vat_breakdown = [VatBreakdown(category="E", rate=D("0"), exemption_reason="x")]
    with pytest.raises(CalculationMismatch) as exc:
        compute(invoice)
    assert problems_of(exc)["vat_breakdown[0]"] == "BR-E-08"


@pytest.mark.parametrize(
    ("category", "rate", "rule"),
    [("S", "0", "BR-S-05"), ("S", None, "BR-S-05"), ("E", "9", "BR-E-05"), ("O", "0", "BR-O-05"),
     ("K", "21", "BR-IC-05"), ("X", "21", "BR-CL-18")],
)  # fmt: skip
def test_line_vat_rate_must_fit_its_category(category: str, rate: str | None, rule: str) -> None:
    with pytest.raises(CalculationMismatch) as exc:
        compute(invoice_with(line("1", "1", "100.00", rate=rate, category=category)))
    assert rule in problems_of(exc).values()


def test_allowance_without_amount_or_percentage_is_refused() -> None:
    invoice = invoice_with(line("1", "1", "100.00", allowances=[LineAllowanceCharge(reason="discount")]))
    invoice.charges = [DocumentAllowanceCharge(vat_category="S", vat_rate=D("21"))]
    with pytest.raises(CalculationMismatch) as exc:
        compute(invoice)
    assert problems_of(exc) == {"lines[0].allowances[0].amount": "BR-41", "charges[0].amount": "BR-36"}


def test_allowance_amount_must_match_base_times_percentage() -> None:
    allowance = LineAllowanceCharge(amount=D("10.00"), base_amount=D("100.00"), percentage=D("5"))
    with pytest.raises(CalculationMismatch) as exc:
        compute(invoice_with(line("1", "1", "100.00", allowances=[allowance])))
    assert problems_of(exc)["lines[0].allowances[0].amount"] == "PEPPOL-EN16931-R040"


def test_net_price_must_equal_gross_minus_discount() -> None:
    price = Price(net_price=D("9.00"), gross_price=D("10.00"), discount=D("2.00"))
    with pytest.raises(CalculationMismatch) as exc:
        compute(invoice_with(line("1", "1", "0", price_obj=price)))
    assert problems_of(exc)["lines[0].price.net_price"] == "BT-146 = BT-148 - BT-147"


def test_vat_total_in_ron_from_the_exchange_rate() -> None:
    result = compute(load_scenario("eur-with-ron-vat"))
    assert result.currency == "EUR" and result.vat_accounting_currency == "RON"
    assert result.totals.vat_total == D("361.20")
    assert result.totals.vat_total_accounting == D("1797.44")  # 361.20 x 4.9763 = 1797.43956


def test_ron_accounting_currency_is_filled_for_foreign_currency_invoices() -> None:
    # BR-RO-030: BT-6 must be RON when BT-5 is not; the intra-EU scenario leaves it out.
    result = compute(load_scenario("intra-eu-k"))
    assert result.vat_accounting_currency == "RON"
    assert result.totals.vat_total_accounting == D("0.00")


def test_foreign_currency_without_rate_or_ron_total_is_refused() -> None:
    invoice = load_scenario("eur-with-ron-vat")
    invoice.vat_exchange_rate = None
    with pytest.raises(CalculationMismatch) as exc:
        compute(invoice)
    assert problems_of(exc) == {"vat_exchange_rate": "BR-53"}


def test_given_ron_vat_total_without_rate_is_kept() -> None:
    invoice = load_scenario("eur-with-ron-vat")
    invoice.vat_exchange_rate = None
    invoice.totals.vat_total_accounting = D("1797.50")
    assert compute(invoice).totals.vat_total_accounting == D("1797.50")


def test_given_ron_vat_total_must_match_the_rate() -> None:
    invoice = load_scenario("eur-with-ron-vat")
    invoice.totals.vat_total_accounting = D("1797.50")
    with pytest.raises(CalculationMismatch) as exc:
        compute(invoice)
    assert problems_of(exc) == {"totals.vat_total_accounting": "BT-111 = BT-110 x vat_exchange_rate"}


def test_exempt_categories_get_zero_vat_and_default_vatex_codes() -> None:
    result = compute(load_scenario("intra-eu-k"))
    (entry,) = result.vat_breakdown
    assert (entry.category, entry.tax_amount, entry.exemption_reason_code) == ("K", D("0.00"), "VATEX-EU-IC")
    exempt = compute(load_scenario("exempt"))
    by_category = {v.category: v for v in exempt.vat_breakdown}
    assert by_category["E"].exemption_reason_code == "VATEX-EU-132-1C"  # given, kept
    assert by_category["E"].taxable_amount == D("1400.00") and by_category["E"].tax_amount == D("0.00")
    assert by_category["S"].tax_amount == D("16.80")


def test_all_problems_are_reported_together() -> None:
    invoice = invoice_with(line("1", "1", "10.00", net_amount=D("11.00")), line("2", "1", "5.00", rate="-1"))
    invoice.totals.payable_amount = D("1.00")
    with pytest.raises(CalculationMismatch) as exc:
        compute(invoice)
    fields = problems_of(exc)
    assert {"lines[0].net_amount", "lines[1].item.vat_rate", "totals.payable_amount"} <= set(fields)
    assert "(and " in str(exc.value)


def test_an_invoice_needs_a_line() -> None:
    with pytest.raises(CalculationMismatch) as exc:
        compute(invoice_with())
    assert problems_of(exc)["lines"] == "BR-16"
