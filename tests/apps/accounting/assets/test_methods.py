"""Degressive and accelerated depreciation (Codul fiscal art. 28 alin. (5), (7), (8); HG 1/2016 pct. 25).

Worked examples with exact lei amounts month by month, the monthly postings (6811 = 281x once per
month, refused in a closed month) and the refusals naming the rule.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from genius.apps.accounting.assets import queries
from genius.apps.accounting.assets import repository as repo
from genius.apps.accounting.assets.domain.model import AssetSpec
from genius.apps.accounting.assets.domain.schedule import (
    ACCELERATED,
    DEGRESSIVE,
    degressive_coefficient,
    monthly_amounts,
    schedule,
)
from genius.apps.accounting.assets.handlers.depreciation import run_depreciation
from genius.apps.accounting.assets.handlers.register import register_asset
from genius.apps.accounting.commands import ChangePeriod
from genius.apps.accounting.domain.errors import PeriodClosed
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.handlers.periods import change_period
from genius.kernel.errors import ValidationError
from tests.apps.accounting.assets.test_register import LAPTOP, entry_lines
from tests.apps.accounting.conftest import Ledger


def yearly(amounts: list[D]) -> list[D]:
    return [sum(amounts[i : i + 12], D("0")) for i in range(0, len(amounts), 12)]


def test_the_coefficients_follow_the_years_of_life() -> None:
    assert [degressive_coefficient(y) for y in (2, 5, 6, 10, 11, 40)] == [
        D("1.5"), D("1.5"), D("2.0"), D("2.0"), D("2.5"), D("2.5")
    ]  # fmt: skip
    with pytest.raises(ValueError, match="from 2 years"):
        degressive_coefficient(1)


def test_degressive_reproduces_the_norms_example_year_by_year() -> None:
    """HG 1/2016, Norms title II pct. 25: 350,000 lei over 10 years, 10 % x 2.0 = 20 %, linear from year 6."""
    amounts = monthly_amounts(DEGRESSIVE, D("350000.00"), 120)
    assert yearly(amounts) == [
        D("70000.00"), D("56000.00"), D("44800.00"), D("35840.00"), D("28672.00"),
        D("22937.60"), D("22937.60"), D("22937.60"), D("22937.60"), D("22937.60"),
    ]  # fmt: skip
    assert sum(amounts) == D("350000.00")
    # Each year's amount over its 12 months, a ban apart at most: 70,000 / 12 = 5,833.33(3).
    assert amounts[:3] == [D("5833.33"), D("5833.34"), D("5833.33")]
    assert amounts[60:63] == [D("1911.47"), D("1911.46"), D("1911.47")]  # 114,688 over 60 months


def test_degressive_month_by_month_for_a_computer_of_four_years() -> None:
    """10,000 lei, 4 years: 25 % x 1.5 = 37.5 %; year 1 3,750, year 2 2,343.75, then 3,906.25 / 2 years."""
    lines = schedule(DEGRESSIVE, D("10000.00"), 48, date(2026, 8, 7))
    assert (lines[0].month, lines[-1].month) == (Period(2026, 9), Period(2030, 8))
    amounts = [line.amount for line in lines]
    assert amounts[:12] == [D("312.50")] * 12
    # 2,343.75 / 12 = 195.3125: the running total rounded to the ban, month by month.
    assert amounts[12:24] == [D("195.31"), D("195.32"), D("195.31"), D("195.31")] * 3
    # 3,906.25 over 24 months = 162.7604...: 1,953.125 after 12 months rounds up in the 12th.
    assert amounts[24:36] == [D("162.76")] * 11 + [D("162.77")]
    assert amounts[36:48] == [D("162.76")] * 12
    assert yearly(amounts) == [D("3750.00"), D("2343.75"), D("1953.13"), D("1953.12")]
    assert (lines[-1].accumulated, lines[-1].remaining) == (D("10000.00"), D("0.00"))


def test_degressive_in_two_years_switches_in_the_second() -> None:
    """9,000 lei over 2 years: 50 % x 1.5 = 75 % in year 1 (6,750), the 2,250 left in year 2."""
    assert monthly_amounts(DEGRESSIVE, D("9000.00"), 24) == [D("562.50")] * 12 + [D("187.50")] * 12


def test_accelerated_takes_half_in_the_first_year_then_the_rest_evenly() -> None:
    """9,000 lei over 3 years: 4,500 in the first 12 months, 4,500 over the 24 left."""
    lines = schedule(ACCELERATED, D("9000.00"), 36, date(2026, 8, 7))
    assert [line.amount for line in lines] == [D("375.00")] * 12 + [D("187.50")] * 24
    assert (lines[11].accumulated, lines[11].remaining) == (D("4500.00"), D("4500.00"))
    # A machine of 8 years (class 2.1.28), 100,000.01 lei: 50,000.01 (rounded half) then 84 months.
    amounts = monthly_amounts(ACCELERATED, D("100000.01"), 96)
    assert amounts[:2] == [D("4166.67"), D("4166.67")] and sum(amounts[:12]) == D("50000.01")
    assert amounts[12:15] == [D("595.24"), D("595.24"), D("595.23")] and sum(amounts) == D("100000.01")


PRINTER = replace(
    LAPTOP, inventory_no="MF-010", name="Multifunctional", acquisition_value=D("10000.00"), life_months=48
)
MACHINE = replace(
    LAPTOP,
    inventory_no="MF-011",
    name="Strung CNC",
    asset_account="2131",
    acquisition_value=D("9000.00"),
    life_months=96,
    catalogue_code="2.1.28",
)


def register(books: Ledger, spec: AssetSpec) -> repo.AssetRow:
    with books.uow("u1") as uow:
        return register_asset(uow, spec, acquisition_account="404", by="u1")


def test_the_monthly_run_posts_each_method_once_a_month(books: Ledger) -> None:
    degressive = register(books, replace(PRINTER, method="degressive"))
    accelerated = register(books, replace(MACHINE, method="accelerated"))
    posted: dict[str, list[D]] = {"MF-010": [], "MF-011": []}
    for month in [Period(2026, m) for m in range(9, 13)] + [Period(2027, m) for m in range(1, 10)]:
        with books.uow() as uow:
            run = run_depreciation(uow, month)
        for p in run.posted:
            posted[p.inventory_no].append(p.amount)
    assert posted["MF-010"] == [D("312.50")] * 12 + [D("195.31")]
    assert posted["MF-011"] == [D("375.00")] * 12 + [D("53.57")]  # 4,500 over 84 months from month 13
    with books.uow() as uow:
        row = repo.get(uow.connection, accelerated.id)
        again = run_depreciation(uow, Period(2027, 9))
    assert (again.posted, again.already) == ([], 2)
    assert row.accumulated == D("4553.57")
    entry_id = queries.schedule_of(row)[0]["entry_id"]
    assert isinstance(entry_id, str)
    assert entry_lines(books, entry_id) == [("2813", D(0), D("375.00")), ("6811", D("375.00"), D(0))]
    with books.uow() as uow:  # the register's schedule view follows the asset's method
        view = queries.schedule_of(repo.get(uow.connection, degressive.id))
    assert [v["amount"] for v in view[:14]] == ["312.50"] * 12 + ["195.31", "195.32"]
    assert view[12]["entry_id"] is not None and view[13]["entry_id"] is None
    assert (len(view), view[-1]["book_value"]) == (48, "0.00")


def test_a_closed_month_refuses_the_degressive_run_too(books: Ledger) -> None:
    register(books, replace(PRINTER, method="degressive"))
    with books.uow("u1") as uow:
        change_period(uow, ChangePeriod(period=Period(2026, 9), action="close"))
    entries = books.count("acc_entries")
    with pytest.raises(PeriodClosed, match="2026-09"), books.uow() as uow:
        run_depreciation(uow, Period(2026, 9))
    assert books.count("acc_entries") == entries


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"method": "degressive", "life_months": 30}, "whole years from 2"),
        ({"method": "degressive", "asset_account": "212", "catalogue_code": "2.2.9"}, "construction"),
        ({"method": "degressive", "asset_account": "203", "catalogue_code": None}, "software (208)"),
        ({"method": "accelerated", "asset_account": "2133", "catalogue_code": "2.3.2.1.1", "life_months": 60},
         "technological equipment"),
        ({"method": "accelerated", "asset_account": "208", "catalogue_code": None}, "is neither"),
    ],
)  # fmt: skip
def test_a_method_the_law_does_not_allow_is_refused_naming_the_rule(
    books: Ledger, changes: dict[str, object], words: str
) -> None:
    with pytest.raises(ValidationError) as caught, books.uow() as uow:
        register_asset(uow, replace(LAPTOP, **changes))  # type: ignore[arg-type]
    assert "method" in [p.field for p in caught.value.problems]
    assert words in caught.value.message
