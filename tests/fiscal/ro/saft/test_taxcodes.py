"""The shipped D406 tax codes: counts, rates, categories and validity around Law 141/2025."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from genius.fiscal.ro.saft.taxcodes import TaxCategory, find_tax_code, tax_code, tax_codes, tax_types


def test_counts_and_families() -> None:
    codes = tax_codes()
    # ANAF's 12.08.2025 workbook: 56 sales, 8 purchase sheets (112 + 7 x 111), 21 GL-only codes;
    # plus 310357-310359 (added to the nomenclature later) and 000000.
    assert len(codes) == 970
    by_family: dict[str, int] = {}
    for code in codes:
        by_family[code[:2]] = by_family.get(code[:2], 0) + 1
    assert by_family == {
        "00": 1, "30": 112, "31": 59, "32": 111, "33": 111, "34": 111, "35": 111, "36": 111, "37": 111,
        "38": 21, "39": 111,
    }
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert {c.tax_type for c in codes.values()} == {"000", "300"}
    assert set(tax_types()) == {"000", "300"}
    sales = [c for c in codes.values() if c.code.startswith("310")]
    assert all(
        c.category in (TaxCategory.SALE, TaxCategory.SALE_ON_COLLECTION, TaxCategory.SALE_NO_VAT)
        for c in sales
    )


@pytest.mark.parametrize(
    ("code", "rate", "category", "row"),
    [
        ("310344", "21", TaxCategory.SALE, "9"),
        ("310351", "11", TaxCategory.SALE, "10"),
        ("310357", "9", TaxCategory.SALE, "11"),
        ("310309", "19", TaxCategory.SALE, None),
        ("310301", "0", TaxCategory.SALE_NO_VAT, "1"),
        ("310313", "0", TaxCategory.SALE_NO_VAT, "14"),
        ("301104", "21", TaxCategory.PURCHASE, "24"),
        ("300704", "21", TaxCategory.PURCHASE_REVERSE_CHARGE, "7.1"),
        ("300906", "21", TaxCategory.PURCHASE_REVERSE_CHARGE, "12.1"),
        ("308302", "0", TaxCategory.PURCHASE_NO_VAT, "29"),
        ("351104", "21", TaxCategory.PURCHASE_NON_DEDUCTIBLE, None),
    ],
)
def test_known_codes(code: str, rate: str, category: TaxCategory, row: str | None) -> None:
    entry = tax_code(code)
    assert entry.rate == Decimal(rate)
    assert entry.category is category
    assert entry.d300_row == row


def test_non_deductible_codes_have_base_rate_zero() -> None:
    assert tax_code("351104").base_rate == Decimal("0")
    assert tax_code("301104").base_rate == Decimal("1")
    assert tax_code("341104").base_rate == Decimal("0.5")  # sheet "Achizitii ded 50%"
    assert tax_code("361104").base_rate is None  # pro-rata sheets: the taxpayer's share


def test_codes_of_the_2025_rates_in_every_purchase_sheet() -> None:
    for family in ("30", "32", "33", "34", "35", "36", "37", "39"):
        assert tax_code(f"{family}1104").rate == Decimal("21")
        assert tax_code(f"{family}1105").rate == Decimal("11")
        assert tax_code(f"{family}1104").valid_from == date(2025, 8, 1)
    assert tax_code("300204").category is TaxCategory.PURCHASE_REVERSE_CHARGE
    assert tax_code("300204").rate == Decimal("21") and tax_code("300205").rate == Decimal("11")
    assert tax_code("301304").category is TaxCategory.PURCHASE_NO_VAT
    assert tax_code("308302").category is TaxCategory.PURCHASE_NO_VAT
    assert tax_code("310345").category is TaxCategory.SALE and tax_code("310345").rate == Decimal("21")
    # 9 % stays a purchase rate after August 2025 (no replacement code in the purchase sheets).
    assert tax_code("301102").active_on(date(2026, 1, 5))


def test_every_row_names_its_source() -> None:
    evidence = {c.evidence for c in tax_codes().values()}
    assert evidence == {"anaf-2025-08-12", "implementations", "analysis", "rule"}
    assert tax_code("310344").evidence == "anaf-2025-08-12"
    assert tax_code("310357").evidence == "implementations"


def test_rate_change_of_august_2025() -> None:
    assert tax_code("310344").active_on(date(2025, 8, 1))
    assert not tax_code("310344").active_on(date(2025, 7, 31))
    assert tax_code("310309").active_on(date(2025, 7, 31))
    assert not tax_code("310309").active_on(date(2025, 8, 1))
    assert tax_code("310301").active_on(date(2019, 1, 1))


def test_gl_only_codes() -> None:
    assert tax_code("380200").category is TaxCategory.GL_CLOSING
    assert tax_code("380200").rate is None
    assert tax_code("380006").rate == Decimal("21")
    assert TaxCategory.GL_SELF_CHARGED.collected and not TaxCategory.GL_SELF_CHARGED.deductible
    assert TaxCategory.PURCHASE_REVERSE_CHARGE.collected and TaxCategory.PURCHASE_REVERSE_CHARGE.deductible


def test_unknown_code() -> None:
    assert find_tax_code("319999") is None
    with pytest.raises(KeyError, match="319999"):
        tax_code("319999")
