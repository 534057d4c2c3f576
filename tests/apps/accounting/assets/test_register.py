"""The fixed-asset register: registering, the monthly depreciation run, disposal, refusals."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting import tables as at
from genius.apps.accounting.assets import queries
from genius.apps.accounting.assets import repository as repo
from genius.apps.accounting.assets.domain.model import AssetSpec
from genius.apps.accounting.assets.domain.schedule import linear_schedule
from genius.apps.accounting.assets.handlers.depreciation import run_depreciation
from genius.apps.accounting.assets.handlers.disposal import AssetDisposed, dispose
from genius.apps.accounting.assets.handlers.register import InventoryNumberTaken, register_asset
from genius.apps.accounting.commands import ChangePeriod
from genius.apps.accounting.domain.errors import PeriodClosed
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.handlers.periods import change_period
from genius.kernel.errors import ValidationError
from tests.apps.accounting.conftest import Ledger

LAPTOP = AssetSpec(
    inventory_no="MF-001",
    name="Laptop Dell Latitude",
    asset_account="214",
    acquisition_date=date(2026, 8, 5),
    acquisition_value=D("5400.00"),
    commissioning_date=date(2026, 8, 7),
    life_months=36,
    catalogue_code="2.2.9",
    supplier_name="Alfa IT SRL",
    supplier_cui="18547290",
    supplier_city="Cluj-Napoca",
    document_ref="AIT 1042",
    cost_centre="ADM",
)
CAR = replace(
    LAPTOP,
    inventory_no="MF-002",
    name="Autoturism Dacia Jogger",
    asset_account="2133",
    acquisition_value=D("100000.00"),
    life_months=60,
    catalogue_code="2.3.2.1.1.",
)


def entry_lines(books: Ledger, entry_id: str) -> list[tuple[str, D, D]]:
    with books.uow() as uow:
        entry = acc_repo.get_entry(uow.connection, entry_id)
    return sorted((line.account, line.debit, line.credit) for line in entry.lines)


def register(books: Ledger, spec: AssetSpec = LAPTOP, counter: str | None = "404") -> repo.AssetRow:
    with books.uow("u1") as uow:
        return register_asset(uow, spec, acquisition_account=counter, by="u1", trail=books.trail)


def test_registering_posts_the_acquisition_and_derives_the_depreciation_account(books: Ledger) -> None:
    asset = register(books)
    assert asset.spec.depreciation_account == "2814"
    assert asset.acquisition_entry_id is not None
    assert entry_lines(books, asset.acquisition_entry_id) == [
        ("214", D("5400.00"), D(0)),
        ("404", D(0), D("5400.00")),
    ]
    car = register(books, CAR, counter=None)
    assert (car.spec.depreciation_account, car.spec.catalogue_code, car.acquisition_entry_id) == (
        "2813",
        "2.3.2.1.1",
        None,
    )


def test_the_linear_schedule_starts_the_month_after_commissioning_and_adds_up_exactly() -> None:
    lines = linear_schedule(D("1000.00"), 7, date(2026, 8, 31))
    assert [str(x.month) for x in lines][:2] == ["2026-09", "2026-10"]
    assert str(lines[-1].month) == "2027-03"
    assert sum(x.amount for x in lines) == D("1000.00")
    assert {x.amount for x in lines} <= {D("142.85"), D("142.86"), D("142.87")}
    assert lines[-1].remaining == 0


def test_a_month_posts_6811_against_281x_once_per_asset(books: Ledger) -> None:
    laptop, car = register(books), register(books, CAR)
    with books.uow() as uow:
        august = run_depreciation(uow, Period(2026, 8))
    assert august.posted == []  # commissioned in August: nothing owed for August
    with books.uow("u1") as uow:
        september = run_depreciation(uow, Period(2026, 9), by="u1")
    assert sorted((p.inventory_no, p.amount) for p in september.posted) == [
        ("MF-001", D("150.00")),
        ("MF-002", D("1666.67")),
    ]
    by_asset = {p.asset_id: p.entry_id for p in september.posted}
    assert entry_lines(books, by_asset[laptop.id]) == [
        ("2814", D(0), D("150.00")),
        ("6811", D("150.00"), D(0)),
    ]
    assert entry_lines(books, by_asset[car.id]) == [
        ("2813", D(0), D("1666.67")),
        ("6811", D("1666.67"), D(0)),
    ]
    entries = books.count("acc_entries")
    with books.uow() as uow:
        again = run_depreciation(uow, Period(2026, 9))
    assert (again.posted, again.already, books.count("acc_entries")) == ([], 2, entries)
    with books.uow() as uow:
        row = repo.get(uow.connection, laptop.id)
    assert row.accumulated == D("150.00")
    schedule = queries.schedule_of(row)
    assert schedule[0]["entry_id"] == by_asset[laptop.id] and schedule[1]["entry_id"] is None


def test_a_closed_month_is_refused_and_nothing_is_written(books: Ledger) -> None:
    register(books)
    with books.uow("u1") as uow:
        change_period(uow, ChangePeriod(period=Period(2026, 9), action="close"))
    entries = books.count("acc_entries")
    with pytest.raises(PeriodClosed, match="2026-09"), books.uow() as uow:
        run_depreciation(uow, Period(2026, 9))
    assert books.count("acc_entries") == entries
    with books.engine.connect() as conn:
        assert repo.list_assets(conn)[0].posted == ()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"catalogue_code": None}, "catalogue_code", "needs its HG 2139/2004"),
        ({"catalogue_code": "9.9.9"}, "catalogue_code", "not a class"),
        ({"life_months": 60}, "life_months", "2-4 years"),
        ({"asset_account": "2111"}, "asset_account", "land"),
        ({"asset_account": "371"}, "asset_account", "not a depreciable"),
        ({"depreciation_account": "2813"}, "depreciation_account", "2814"),
        ({"method": "sum_of_digits"}, "method", "use linear, degressive, accelerated"),
        ({"acquisition_value": D("0")}, "acquisition_value", "more than 0"),
        ({"commissioning_date": date(2026, 8, 1)}, "commissioning_date", "before the acquisition"),
        ({"asset_account": "208", "catalogue_code": "2.2.9"}, "catalogue_code", "intangible"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    books: Ledger, changes: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught, books.uow() as uow:
        register_asset(uow, replace(LAPTOP, **changes))  # type: ignore[arg-type]
    assert field in [p.field for p in caught.value.problems]
    assert words in caught.value.message
    assert books.scalar(f"SELECT COUNT(*) FROM {_assets(books)}") == 0


def test_unknown_accounts_and_taken_inventory_numbers_are_refused(books: Ledger) -> None:
    with pytest.raises(ValidationError, match="acquisition_account"), books.uow() as uow:
        register_asset(uow, LAPTOP, acquisition_account="4049")
    with pytest.raises(ValidationError, match="acquisition_account"), books.uow() as uow:
        register_asset(uow, LAPTOP, acquisition_account="2814")
    register(books)
    with pytest.raises(InventoryNumberTaken), books.uow() as uow:
        register_asset(uow, LAPTOP)
    assert books.scalar(f"SELECT COUNT(*) FROM {_assets(books)}") == 1


def test_a_sale_reverses_the_depreciation_expenses_the_rest_and_books_the_proceeds(books: Ledger) -> None:
    asset = register(books)
    with pytest.raises(ValidationError, match="2026-09 is not posted"), books.uow() as uow:
        dispose(uow, asset.id, on=date(2026, 11, 3), kind="sale", proceeds=D("4000"))
    for month in (9, 10):
        with books.uow() as uow:
            run_depreciation(uow, Period(2026, month))
    with books.uow("u1") as uow:
        sold = dispose(uow, asset.id, on=date(2026, 11, 3), kind="sale", proceeds=D("4000"), by="u1")
    assert sold.status.value == "disposed" and sold.disposal_entry_id and sold.proceeds_entry_id
    assert entry_lines(books, sold.disposal_entry_id) == [
        ("214", D(0), D("5400.00")),
        ("2814", D("300.00"), D(0)),
        ("6583", D("5100.00"), D(0)),
    ]
    assert entry_lines(books, sold.proceeds_entry_id) == [
        ("461", D("4000.00"), D(0)),
        ("7583", D(0), D("4000.00")),
    ]
    with books.uow() as uow:
        november = run_depreciation(uow, Period(2026, 11))
    assert november.posted == []  # the disposal month is not depreciated
    with pytest.raises(AssetDisposed), books.uow() as uow:
        dispose(uow, asset.id, on=date(2026, 12, 1), kind="scrap")
    with books.engine.connect() as conn:
        balance = conn.execute(
            sa.select(sa.func.sum(at.lines.c.debit - at.lines.c.credit)).where(at.lines.c.account == "214")
        ).scalar()
    assert D(balance or 0) == 0


def test_scrapping_has_no_proceeds(books: Ledger) -> None:
    asset = register(books, replace(LAPTOP, commissioning_date=date(2026, 10, 20)))
    with pytest.raises(ValidationError, match="proceeds"), books.uow() as uow:
        dispose(uow, asset.id, on=date(2026, 10, 25), kind="scrap", proceeds=D("10"))
    with books.uow() as uow:
        scrapped = dispose(uow, asset.id, on=date(2026, 10, 25), kind="scrap")
    assert entry_lines(books, scrapped.disposal_entry_id or "") == [
        ("214", D(0), D("5400.00")),
        ("6583", D("5400.00"), D(0)),
    ]


def _assets(books: Ledger) -> str:
    return "assets.ast_assets" if books.engine.dialect.name == "postgresql" else "ast_assets"
