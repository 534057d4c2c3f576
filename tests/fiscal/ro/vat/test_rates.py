"""Effective-dated VAT rates: each kind's rate on both sides of every change, and refusals."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest

from genius.fiscal.ro.vat import (
    RULE_KIND,
    RULE_NO_RATE,
    RateKind,
    VatRuleError,
    rate_for,
    rate_period_for,
    rate_periods,
    rates_in_force,
)

LAW_141_START = date(2025, 8, 1)


@pytest.mark.parametrize(
    ("kind", "day", "rate"),
    [
        ("standard", date(2015, 12, 31), "24"),
        ("standard", date(2016, 1, 1), "20"),
        ("standard", date(2016, 12, 31), "20"),
        ("standard", date(2017, 1, 1), "19"),
        ("standard", date(2025, 7, 31), "19"),
        ("standard", date(2025, 8, 1), "21"),
        ("standard", date(2030, 1, 1), "21"),
        ("reduced", date(2025, 7, 31), "9"),
        ("reduced", date(2025, 8, 1), "11"),
        ("reduced_low", date(2025, 7, 31), "5"),
        ("reduced_low", date(2025, 8, 1), "11"),  # the 5 % rate was abolished
        ("housing_transitional", date(2025, 8, 1), "9"),
        ("housing_transitional", date(2026, 7, 31), "9"),
    ],
)
def test_rate_of_each_kind_on_each_side_of_a_change(kind: str, day: date, rate: str) -> None:
    assert rate_for(kind, day) == Decimal(rate)
    assert rate_for(RateKind(kind), day) == Decimal(rate)


def test_transitional_housing_rate_ends_on_2026_07_31() -> None:
    with pytest.raises(VatRuleError) as caught:
        rate_for("housing_transitional", date(2026, 8, 1))
    problem = caught.value.problems[0]
    assert problem.code == RULE_NO_RATE
    assert "ended on 2026-07-31" in problem.message and "Law 141/2025" in problem.message


def test_transitional_housing_rate_did_not_exist_before_law_141() -> None:
    with pytest.raises(VatRuleError) as caught:
        rate_for("housing_transitional", LAW_141_START - timedelta(days=1))
    assert caught.value.problems[0].code == RULE_NO_RATE


def test_a_date_before_the_data_is_refused_not_guessed() -> None:
    with pytest.raises(VatRuleError) as caught:
        rate_for("standard", date(2010, 6, 30))
    assert "starts on 2010-07-01" in caught.value.problems[0].message


def test_unknown_kind_names_the_rule_and_the_known_kinds() -> None:
    with pytest.raises(VatRuleError) as caught:
        rate_for("super_reduced", date(2025, 9, 1))
    problem = caught.value.problems[0]
    assert problem.code == RULE_KIND and problem.field == "vat_rate_kind"
    assert "standard" in problem.message and "housing_transitional" in problem.message


def test_rates_in_force_around_the_change() -> None:
    assert rates_in_force(date(2025, 7, 31)) == {Decimal("19"), Decimal("9"), Decimal("5")}
    assert rates_in_force(date(2025, 8, 1)) == {Decimal("21"), Decimal("11"), Decimal("9")}
    assert rates_in_force(date(2026, 8, 1)) == {Decimal("21"), Decimal("11")}


def test_periods_of_a_kind_never_overlap_and_leave_no_gap_after_the_first() -> None:
    for kind in RateKind:
        periods = sorted((p for p in rate_periods() if p.kind == kind), key=lambda p: p.valid_from)
        assert periods, kind
        for earlier, later in itertools.pairwise(periods):
            assert earlier.valid_to is not None
            assert later.valid_from == earlier.valid_to + timedelta(days=1), kind


def test_every_period_names_its_legal_basis() -> None:
    assert all(p.legal_basis for p in rate_periods())
    assert "141/2025" in rate_period_for("standard", LAW_141_START).legal_basis
