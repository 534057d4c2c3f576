"""VAT categories as Romania uses them: category/rate combinations and VATEX codes, rules named."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from genius.fiscal.ro.vat import (
    RULE_CATEGORY,
    RULE_NO_ZERO_RATE,
    RULE_RATE_IN_FORCE,
    RULE_VATEX,
    VatRuleError,
    categories,
    category,
    category_rate_problems,
    vatex_problem,
)

AFTER = date(2025, 9, 15)
BEFORE = date(2025, 7, 15)


def codes(
    category_code: str, rate: str | None, day: date = AFTER, suffix: str = "05"
) -> list[tuple[str, str]]:
    value = Decimal(rate) if rate is not None else None
    return [
        (p.field, p.code) for p in category_rate_problems(category_code, value, day, "lines[0].item", suffix)
    ]


@pytest.mark.parametrize(
    ("cat", "rate", "day"),
    [
        ("S", "21", AFTER),
        ("S", "11", AFTER),
        ("S", "9", AFTER),  # transitional housing
        ("S", "19", BEFORE),
        ("S", "5", BEFORE),
        ("E", "0", AFTER),
        ("AE", "0", AFTER),
        ("K", "0", AFTER),
        ("G", "0", AFTER),
        ("O", None, AFTER),
    ],
)
def test_valid_combinations(cat: str, rate: str | None, day: date) -> None:
    assert codes(cat, rate, day) == []


def test_old_standard_rate_after_the_change_is_refused_naming_the_rule_and_the_rates_in_force() -> None:
    problems = category_rate_problems("S", Decimal("19"), AFTER, "lines[2].item")
    assert [(p.field, p.code) for p in problems] == [("lines[2].item.vat_rate", RULE_RATE_IN_FORCE)]
    assert "21, 11, 9" in problems[0].message and "2025-09-15" in problems[0].message


def test_new_rate_before_the_change_is_refused() -> None:
    assert codes("S", "21", BEFORE) == [("lines[0].item.vat_rate", RULE_RATE_IN_FORCE)]
    assert codes("S", "5", AFTER) == [("lines[0].item.vat_rate", RULE_RATE_IN_FORCE)]


@pytest.mark.parametrize(
    ("cat", "rate", "expected"),
    [
        ("S", None, "BR-S-05"),
        ("E", "5", "BR-E-05"),
        ("AE", "21", "BR-AE-05"),
        ("K", None, "BR-IC-05"),
        ("G", "11", "BR-G-05"),
        ("O", "0", "BR-O-05"),
    ],
)
def test_en16931_rate_rules_per_category(cat: str, rate: str | None, expected: str) -> None:
    assert codes(cat, rate) == [("lines[0].item.vat_rate", expected)]


def test_allowances_and_charges_name_their_own_rule_family() -> None:
    assert codes("E", "5", suffix="06") == [("lines[0].item.vat_rate", "BR-E-06")]
    assert codes("O", "21", suffix="07") == [("lines[0].item.vat_rate", "BR-O-07")]


def test_zero_rate_category_is_refused_in_romania() -> None:
    assert codes("Z", "0") == [("lines[0].item.vat_category", RULE_NO_ZERO_RATE)]
    with pytest.raises(VatRuleError):
        category("Z")


@pytest.mark.parametrize("cat", ["L", "M", "X", ""])
def test_categories_romania_does_not_use_are_refused(cat: str) -> None:
    assert codes(cat, "0") == [("lines[0].item.vat_category", RULE_CATEGORY)]


def test_default_vatex_codes_and_what_needs_a_reason() -> None:
    table = categories()
    assert {c: i.default_vatex for c, i in table.items() if i.default_vatex} == {
        "AE": "VATEX-EU-AE",
        "K": "VATEX-EU-IC",
        "G": "VATEX-EU-G",
        "O": "VATEX-EU-O",
    }
    assert {c for c, i in table.items() if i.needs_exemption_reason} == {"E", "AE", "K", "G", "O"}


def test_vatex_codes_belong_to_their_category() -> None:
    assert vatex_problem("K", "VATEX-EU-IC") is None
    assert vatex_problem("E", "VATEX-EU-132-1C") is None
    wrong = vatex_problem("E", "VATEX-EU-IC")
    assert wrong is not None and wrong.code == RULE_VATEX and "goes with category K" in wrong.message
    assert vatex_problem("G", "VATEX-EU-132") is not None
    assert vatex_problem("E", "EXEMPT") is not None
