"""amounts_by_class(): each VAT group split over its classes of lines, adding up exactly."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from genius.fiscal.ro.efactura import (
    DocumentAllowanceCharge,
    InvoiceLine,
    ItemClassification,
    compute,
)
from genius.fiscal.ro.efactura.classes import LineClass, amounts_by_class, classification_class
from tests.fiscal.ro.efactura.test_compute import invoice_with, line

D = Decimal


def by_seller_id(kinds: dict[str, str]):  # type: ignore[no-untyped-def]
    def classify(item_line: InvoiceLine) -> LineClass:
        return LineClass(kinds.get(item_line.id))

    return classify


def test_classes_add_up_to_the_breakdown_with_a_document_allowance_spread_in_proportion() -> None:
    invoice = compute(
        invoice_with(
            line("1", "1", "100.00"),  # service
            line("2", "1", "200.00"),  # goods
            line("3", "1", "33.33"),  # goods
            line("4", "1", "50.00", rate="11"),  # goods at 11 %
            allowances=[DocumentAllowanceCharge(amount=D("10.00"), vat_category="S", vat_rate=D("21"))],
        )
    )
    parts = amounts_by_class(
        invoice, by_seller_id({"1": "service", "2": "goods", "3": "goods", "4": "goods"})
    )
    found = {(p.item_kind, p.vat_rate): (p.net, p.vat) for p in parts}
    # 21 %: lines 333.33, allowance 10.00 -> taxable 323.33, VAT 67.90
    # service 100.00 - 10 x 100/333.33 (3.00) = 97.00; goods the rest 226.33
    assert found[("service", D("21"))] == (D("97.00"), D("20.37"))
    assert found[("goods", D("21"))] == (D("226.33"), D("47.53"))
    assert found[("goods", D("11"))] == (D("50.00"), D("5.50"))
    totals: dict[Decimal | None, list[Decimal]] = defaultdict(lambda: [D(0), D(0)])
    for p in parts:
        totals[p.vat_rate][0] += p.net
        totals[p.vat_rate][1] += p.vat
    for entry in invoice.vat_breakdown:
        assert totals[entry.rate] == [entry.taxable_amount, entry.tax_amount]


def test_a_group_with_only_a_document_charge_is_one_unknown_class() -> None:
    invoice = compute(
        invoice_with(
            line("1", "1", "100.00"),
            charges=[DocumentAllowanceCharge(amount=D("20.00"), vat_category="S", vat_rate=D("11"))],
        )
    )
    parts = amounts_by_class(invoice, classification_class)
    assert {(p.item_kind, p.vat_rate, p.net, p.vat) for p in parts} == {
        (None, D("21"), D("100.00"), D("21.00")),
        (None, D("11"), D("20.00"), D("2.20")),
    }


def test_the_classification_gives_category_and_kind() -> None:
    def classified(list_id: str, code: str) -> InvoiceLine:
        item_line = line("1", "1", "1.00")
        item_line.item.classifications = [ItemClassification(code=code, list_id=list_id)]
        return item_line

    assert classification_class(classified("STI", "72260000-5")) == LineClass("service", "STI:72260000-5")
    assert classification_class(classified("STI", "45210000-2")) == LineClass("service", "STI:45210000-2")
    assert classification_class(classified("STI", "30213100-6")) == LineClass("goods", "STI:30213100-6")
    assert classification_class(classified("HS", "84713000")) == LineClass("goods", "HS:84713000")
    assert classification_class(classified("ZZZ", "1")) == LineClass()
    assert classification_class(line("1", "1", "1.00")) == LineClass()
