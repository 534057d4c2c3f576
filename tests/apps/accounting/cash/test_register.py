"""Cash register: receipts and payments against invoices, other operations, Law 70/2015, no negative cash."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.cash.domain import CashLimitExceeded, NegativeCashBalance
from genius.apps.accounting.cash.handlers import CashInput, record
from genius.apps.accounting.cash.queries import daily_register
from genius.apps.accounting.exports import to_csv
from genius.kernel.errors import Conflict, ValidationError
from tests.apps.accounting.cash.conftest import (
    opening_cash,
    partner,
    sales_invoice,
    supplier_invoice,
)
from tests.apps.accounting.conftest import Ledger

D = Decimal
DAY = date(2026, 10, 5)


def cash(books: Ledger, kind: str, amount: str, on: date = DAY, **values: object):  # type: ignore[no-untyped-def]
    with books.uow("u-casier") as uow:
        return record(uow, CashInput(kind, on, D(amount), **values))  # type: ignore[arg-type]


def lines_of(books: Ledger, entry_id: str) -> list[tuple[str, Decimal, Decimal]]:
    with books.engine.connect() as conn:
        entry = acc_repo.get_entry(conn, entry_id)
    assert entry.journal == "CS"
    return [(line.account, line.debit, line.credit) for line in entry.lines]


def test_a_receipt_posts_5311_against_the_customers_account_and_numbers_the_register(books: Ledger) -> None:
    partner(books, "c-1", "Client SRL")
    total = sales_invoice(books, "inv-1", "c-1", "1000.00", DAY)
    done = cash(books, "receipt", "500.00", invoice_id="inv-1")
    assert done.number == "2026-000001" and done.document_number == "GEN-inv-1"
    assert lines_of(books, done.entry_id) == [
        ("5311", D("500.00"), D("0")),
        ("4111.00001", D("0"), D("500.00")),
    ]
    rest = cash(books, "receipt", str(total - D("500.00")), invoice_id="inv-1")
    assert rest.number == "2026-000002"
    with pytest.raises(Conflict, match=r"GEN-inv-1: 0\.00 lei left to settle") as refused:
        cash(books, "receipt", "0.01", invoice_id="inv-1")
    assert refused.value.code == "overpaid"


def test_receipts_from_a_business_stop_at_5000_lei_a_day_an_individual_at_10000(books: Ledger) -> None:
    partner(books, "c-1", "Client SRL")
    partner(books, "p-1", "Ion Popescu", kind="individual")
    sales_invoice(books, "inv-a", "c-1", "3000.00", DAY)
    sales_invoice(books, "inv-b", "c-1", "3000.00", DAY)
    sales_invoice(books, "inv-c", "p-1", "8000.00", DAY, buyer="Ion Popescu")
    cash(books, "receipt", "3000.00", invoice_id="inv-a")
    with pytest.raises(CashLimitExceeded, match=r"Legea 70/2015 art\. 3\(1\)\(a\).*Client SRL on 2026-10-05"):
        cash(books, "receipt", "2000.01", invoice_id="inv-b")
    cash(books, "receipt", "2000.00", invoice_id="inv-b")  # exactly the limit
    cash(books, "receipt", "1000.00", on=date(2026, 10, 6), invoice_id="inv-b")  # a new day
    cash(books, "receipt", "9680.00", invoice_id="inv-c")  # an individual: up to 10,000 a day
    with books.engine.connect() as conn:
        received = daily_register(conn, "5311", DAY, DAY).facts["receipts"]
    assert received == D("14680.00")


def test_an_invoice_above_5000_lei_is_not_collected_in_cash_in_fragments(books: Ledger) -> None:
    partner(books, "c-1", "Client SRL")
    sales_invoice(books, "inv-big", "c-1", "6000.00", DAY)
    cash(books, "receipt", "4000.00", invoice_id="inv-big")
    with pytest.raises(CashLimitExceeded, match=r"art\. 3\(2\)-\(3\).*4000\.00 lei already in cash"):
        cash(books, "receipt", "1500.00", on=date(2026, 10, 9), invoice_id="inv-big")


def test_a_payment_never_takes_the_register_below_zero_naming_the_day(books: Ledger) -> None:
    partner(books, "s-1", "Furnizor SRL")
    supplier_invoice(books, "sup-1", "s-1", "800.00", DAY)
    with pytest.raises(NegativeCashBalance, match=r"5311 would go below zero on 2026-10-05: balance 0\.00"):
        cash(books, "payment", "300.00", invoice_id="sup-1")
    opening_cash(books, "500.00", date(2026, 10, 1))
    paid = cash(books, "payment", "300.00", invoice_id="sup-1")
    assert lines_of(books, paid.entry_id) == [
        ("401.00001", D("300.00"), D("0")),
        ("5311", D("0"), D("300.00")),
    ]
    # Later, 150 lei leave for the bank; a back-dated payment of 100 lei would leave -50 on the 7th.
    cash(books, "cash_out", "150.00", on=date(2026, 10, 7), counter_account="581")
    with pytest.raises(
        NegativeCashBalance, match=r"2026-10-07 \(later than 2026-10-03\).*leaves -50\.00 lei"
    ):
        cash(books, "payment", "100.00", on=date(2026, 10, 3), invoice_id="sup-1")
    cash(books, "payment", "50.00", on=date(2026, 10, 3), invoice_id="sup-1")  # leaves exactly zero


def test_cash_payments_to_businesses_stop_at_10000_lei_a_day_in_all(books: Ledger) -> None:
    opening_cash(books, "20000.00", date(2026, 10, 1))
    for n in range(3):
        partner(books, f"s-{n}", f"Furnizor {n} SRL")
        supplier_invoice(books, f"sup-{n}", f"s-{n}", "4000.00", DAY)
    cash(books, "payment", "4000.00", invoice_id="sup-0")
    cash(books, "payment", "4000.00", invoice_id="sup-1")
    with pytest.raises(CashLimitExceeded, match=r"10,000 lei a day of cash payments.*reach 12000\.00 lei"):
        cash(books, "payment", "4000.00", invoice_id="sup-2")


def test_plain_operations_and_refusals_name_the_field(books: Ledger) -> None:
    done = cash(books, "cash_in", "1000.00", counter_account="581", description="Ridicare numerar din bancă")
    assert lines_of(books, done.entry_id) == [("5311", D("1000.00"), D("0")), ("581", D("0"), D("1000.00"))]
    for kind, values, field in [
        ("cash_out", {"counter_account": "401"}, "counter_account"),
        ("cash_out", {"counter_account": "9999"}, "counter_account"),
        ("cash_in", {"counter_account": "581", "register": "5121"}, "account"),
        ("receipt", {}, "invoice_id"),
        ("refund", {}, "kind"),
    ]:
        with pytest.raises(ValidationError) as refused:
            cash(books, kind, "10.00", **values)
        assert refused.value.problems[0].field == field
    with pytest.raises(ValidationError, match="amount"):
        cash(books, "cash_in", "10.001", counter_account="581")
    assert books.count("acc_entries") == 1  # nothing half-posted


def test_the_daily_register_shows_opening_movements_and_closing_per_day(books: Ledger) -> None:
    partner(books, "c-1", "Client SRL")
    sales_invoice(books, "inv-1", "c-1", "1000.00", DAY)
    opening_cash(books, "200.00", date(2026, 10, 1))
    cash(books, "receipt", "1210.00", invoice_id="inv-1")
    cash(books, "cash_out", "1000.00", counter_account="581", description="Depunere la bancă")
    cash(books, "cash_out", "10.00", on=date(2026, 10, 6), counter_account="6588", description="Diverse")
    with books.engine.connect() as conn:
        report = daily_register(conn, "5311", date(2026, 10, 2), date(2026, 10, 31))
    facts = report.facts
    assert (facts["opening"], facts["receipts"], facts["payments"], facts["closing"], facts["days"]) == (
        D("200.00"),
        D("1210.00"),
        D("1010.00"),
        D("400.00"),
        2,
    )
    descriptions = [row[3] for row in report.rows]
    assert descriptions[0].startswith("Sold inițial") and report.rows[0][7] == D("200.00")
    day_end = [row for row in report.rows if row[3] == "Total zi / Sold final"]
    assert [(row[0], row[7]) for row in day_end] == [(DAY, D("410.00")), (date(2026, 10, 6), D("400.00"))]
    assert report.rows[2][:3] == [DAY, "2026-000002", "Plată"]  # the second cash document of the day
    text = to_csv(report).content.decode("utf-8-sig")
    assert "Registrul" not in text.splitlines()[0] and "Sold" in text.splitlines()[0]
    assert "2026-000001;Chitanță;" in text and "1210.00" in text and "Depunere la bancă" in text
