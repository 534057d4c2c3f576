"""Exchange rates of settlements (domain/fx.py, handlers/fx_rates.py) and the currency settlement entry."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from genius.apps.accounting.domain.entries import SourceDocument
from genius.apps.accounting.domain.fx import BookedPart, FxRate, NoFxRate, booked_value, check_in_force, lei
from genius.apps.accounting.domain.postings import Settlement, settlement_entry
from genius.apps.accounting.domain.rules import PostingRules
from genius.apps.accounting.domain.treasury import bank_account, bank_analytic_code
from genius.apps.accounting.handlers.fx_rates import rate_on, store_bnr_document
from genius.integrations.bnr import parse_bnr_xml
from genius.integrations.bnr.double import render_bnr_xml, seed_rates
from genius.kernel.clock import utcnow
from genius.kernel.errors import ValidationError
from tests.apps.accounting.conftest import Ledger

FRIDAY = date(2026, 1, 16)


def test_the_rate_in_force_is_the_days_sheet_or_the_last_before_it() -> None:
    sheet = FxRate("EUR", FRIDAY, D("4.9800"))
    assert check_in_force("EUR", FRIDAY + timedelta(days=2), sheet) is sheet  # Sunday
    assert check_in_force("EUR", FRIDAY + timedelta(days=10), sheet) is sheet
    with pytest.raises(NoFxRate) as caught:
        check_in_force("EUR", FRIDAY + timedelta(days=11), sheet, "booking_date")
    assert caught.value.problems[0].field == "booking_date"
    assert "no BNR rate for EUR on 2026-01-27; the last one is of 2026-01-16" in caught.value.message
    with pytest.raises(NoFxRate, match="no BNR rate for USD on 2026-01-16 "):
        check_in_force("USD", FRIDAY, None)
    assert FxRate("HUF", FRIDAY, D("1.3000"), 100).per_unit == D("0.013")


def test_booked_value_takes_the_exact_remainder_when_a_document_is_cleared() -> None:
    part = BookedPart(amount=D("1000.00"), rate=D("4.97"), total=D("2380.00"), total_lei=D("11828.61"))
    assert booked_value(part) == D("4970.00")  # a part: at the document's rate
    last = BookedPart(
        amount=D("1380.00"),
        rate=D("4.97"),
        total=D("2380.00"),
        total_lei=D("11828.61"),
        cleared=D("1000.00"),
        cleared_lei=D("4970.00"),
    )
    assert booked_value(last) == D("6858.61")  # not 1380 x 4.97 = 6858.60
    assert booked_value(BookedPart(D("1380.00"), D("4.97"), D("2380.00"))) == D("6858.60")  # no entry
    assert lei(D("0.005"), D("1")) == D("0.01")  # half up, to bani


@pytest.mark.parametrize(
    ("kind", "paid_lei", "booked", "expected"),
    [
        ("receipt", "11852.40", "11828.60", ("7651", D(0), D("23.80"))),
        ("receipt", "11804.80", "11828.60", ("6651", D("23.80"), D(0))),
        ("payment", "5926.20", "5914.30", ("6651", D("11.90"), D(0))),
        ("payment", "5902.40", "5914.30", ("7651", D(0), D("11.90"))),
    ],
)
def test_currency_settlements_balance_with_the_difference_on_665_or_765(
    kind: str, paid_lei: str, booked: str, expected: tuple[str, D, D]
) -> None:
    draft = settlement_entry(
        Settlement(
            kind=kind,
            source=SourceDocument("bank_line", "l1", "REF"),
            on=date(2026, 1, 15),
            partner_id="p1",
            partner_account="4111.00001" if kind == "receipt" else "401.00001",
            treasury_account="5124.01",
            amount=D(paid_lei),
            currency="EUR",
            currency_amount=D("2380.00"),
            exchange_rate=D("4.98"),
            booked_amount=D(booked),
        ),
        PostingRules(),
    )
    assert sum(x.debit for x in draft.lines) == sum(x.credit for x in draft.lines)
    assert expected in [(x.account, x.debit, x.credit) for x in draft.lines]
    bank = next(x for x in draft.lines if x.account == "5124.01")
    assert (bank.currency, bank.currency_amount, bank.amount) == ("EUR", D("2380.00"), D(paid_lei))
    assert draft.journal == "BA"


def test_bank_account_codes() -> None:
    assert bank_analytic_code("5124", 3) == "5124.03"
    with pytest.raises(ValidationError, match=r"out of 1\.\.99"):
        bank_analytic_code("5121", 100)
    assert bank_account("RO74 RNCB 0082 0001 2345 0001", "eur", "5124.01").iban == "RO74RNCB0082000123450001"


def test_bnr_documents_fill_accountings_copy(ledger: Ledger) -> None:
    sheets = seed_rates(date(2026, 1, 5), date(2026, 1, 16), seed=7)
    document = parse_bnr_xml(render_bnr_xml(sheets))
    stored = store_bnr_document(ledger.engine, document, "test", utcnow())
    assert stored == len(document.rates()) and stored == ledger.count("acc_fx_rates")
    assert store_bnr_document(ledger.engine, document, "again", utcnow()) == stored  # no duplicates
    assert ledger.count("acc_fx_rates") == stored
    friday = document.sheet_on_or_before(FRIDAY)
    assert friday is not None
    eur = friday.get("EUR")
    assert eur is not None
    with ledger.engine.connect() as conn:
        saturday = rate_on(conn, "eur", FRIDAY + timedelta(days=1))
        with pytest.raises(NoFxRate, match="no BNR rate for EUR on 2026-01-04"):
            rate_on(conn, "EUR", date(2026, 1, 4))
    assert (saturday.day, saturday.per_unit) == (friday.day, eur.per_unit)
