"""Cancelling a cash operation: a red-storno reversal on the cancellation day, the invoice open again."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.bank import tables as bank_tables
from genius.apps.accounting.cash import tables as cash_tables
from genius.apps.accounting.cash.domain import AlreadyCancelled, NegativeCashBalance
from genius.apps.accounting.cash.handlers import CancelInput, CashInput, cancel, record
from genius.apps.accounting.cash.queries import daily_register
from genius.apps.accounting.commands import ChangePeriod
from genius.apps.accounting.domain.errors import PeriodClosed
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.handlers.periods import change_period
from genius.kernel.errors import ValidationError
from genius.platform.bus.tables import outbox
from tests.apps.accounting.cash.conftest import opening_cash, partner, sales_invoice, supplier_invoice
from tests.apps.accounting.conftest import Ledger

D = Decimal
DAY = date(2026, 10, 5)
LATER = date(2026, 10, 7)


def cash(books: Ledger, kind: str, amount: str, on: date = DAY, **values: Any):  # type: ignore[no-untyped-def]
    with books.uow("u-casier") as uow:
        return record(uow, CashInput(kind, on, D(amount), **values))


def undo(books: Ledger, operation_id: str, on: date = LATER, reason: str = "înregistrată din greșeală"):  # type: ignore[no-untyped-def]
    with books.uow("u-contabil") as uow:
        return cancel(uow, CancelInput(operation_id, on, reason), by="u-contabil")


def entry_lines(books: Ledger, entry_id: str) -> tuple[date, bool, list[tuple[str, Decimal, Decimal]]]:
    with books.engine.connect() as conn:
        entry = acc_repo.get_entry(conn, entry_id)
    return entry.entry_date, entry.storno, [(line.account, line.debit, line.credit) for line in entry.lines]


def open_item(books: Ledger, item_id: str) -> tuple[str, str]:
    with books.engine.connect() as conn:
        row = conn.execute(
            sa.select(bank_tables.open_items).where(bank_tables.open_items.c.id == item_id)
        ).one()
    return row.status, row.open_amount


def operation(books: Ledger, operation_id: str) -> Any:
    with books.engine.connect() as conn:
        return conn.execute(
            sa.select(cash_tables.operations).where(cash_tables.operations.c.id == operation_id)
        ).one()


def events(books: Ledger, event_type: str) -> list[dict[str, Any]]:
    with books.engine.connect() as conn:
        bodies = conn.execute(sa.select(outbox.c.body).where(outbox.c.type == event_type)).scalars()
        return [json.loads(body)["data"] for body in bodies]


def test_a_receipt_is_cancelled_by_a_red_storno_and_the_invoice_is_open_again(books: Ledger) -> None:
    partner(books, "c-1", "Client SRL")
    total = sales_invoice(books, "inv-1", "c-1", "1000.00", DAY, to_bank=True)
    done = cash(books, "receipt", str(total), invoice_id="inv-1")
    assert open_item(books, "inv-1") == ("settled", "0.00")
    cancelled = undo(books, done.id)
    assert entry_lines(books, cancelled.reversal_entry_id) == (
        LATER,
        True,
        [("5311", D("-1210.00"), D("0")), ("4111.00001", D("0"), D("-1210.00"))],
    )
    with books.engine.connect() as conn:
        assert acc_repo.get_entry(conn, done.entry_id).reversed_by == cancelled.reversal_entry_id
    assert open_item(books, "inv-1") == ("open", "1210.00") and cancelled.open_amount == D("1210.00")
    row = operation(books, done.id)
    assert (row.status, row.cancel_date, row.cancelled_by, row.cancel_reason) == (
        "cancelled",
        LATER,
        "u-contabil",
        "înregistrată din greșeală",
    )
    (event,) = events(books, "accounting.cash_settlement.cancelled")
    assert (event["operation_id"], event["number"], event["kind"], event["on"], event["amount"]) == (
        done.id,
        "2026-000001",
        "receipt",
        "2026-10-07",
        "1210.00",
    )
    assert (event["document_id"], event["open_amount"], event["reversal_entry_id"]) == (
        "inv-1",
        "1210.00",
        cancelled.reversal_entry_id,
    )
    # The invoice can be collected again; the cancelled cash does not count towards Law 70/2015.
    again = cash(books, "receipt", str(total), on=LATER, invoice_id="inv-1")
    assert again.number == "2026-000002" and open_item(books, "inv-1") == ("settled", "0.00")


def test_the_daily_register_shows_the_storno_line_on_the_cancellation_day(books: Ledger) -> None:
    partner(books, "c-1", "Client SRL")
    sales_invoice(books, "inv-1", "c-1", "1000.00", DAY)
    opening_cash(books, "100.00", date(2026, 10, 1))
    done = cash(books, "receipt", "500.00", invoice_id="inv-1")
    undo(books, done.id)
    with books.engine.connect() as conn:
        report = daily_register(conn, "5311", DAY, LATER)
    moves = [row[:8] for row in report.rows if row[1] is not None]
    assert moves == [
        [DAY, "2026-000001", "Chitanță", moves[0][3], "4111.00001", D("500.00"), D("0.00"), D("600.00")],
        [
            LATER,
            "2026-000001",
            "Storno chitanță",
            moves[1][3],
            "4111.00001",
            D("-500.00"),
            D("0.00"),
            D("100.00"),
        ],
    ]
    assert moves[1][3].startswith("Stornare chitanța 2026-000001 din 2026-10-05")
    facts = report.facts
    assert (facts["opening"], facts["receipts"], facts["closing"], facts["days"]) == (
        D("100.00"),
        D("0.00"),
        D("100.00"),
        2,
    )


def test_a_second_cancellation_is_refused_naming_the_state(books: Ledger) -> None:
    done = cash(books, "cash_in", "300.00", counter_account="581")
    undo(books, done.id)
    with pytest.raises(
        AlreadyCancelled, match=r"2026-000001 is already cancelled: storno on 2026-10-07 by u-contabil"
    ):
        undo(books, done.id, on=date(2026, 10, 8))
    assert books.count("acc_entries") == 2  # the operation and one storno, no more


def test_a_cancellation_in_a_closed_or_locked_month_is_refused_naming_the_month(books: Ledger) -> None:
    opening_cash(books, "1000.00", date(2026, 9, 1))
    done = cash(books, "cash_out", "200.00", on=date(2026, 9, 10), counter_account="581")
    with books.uow("u-sef") as uow:
        change_period(uow, ChangePeriod(Period(2026, 9), "close"))
        change_period(uow, ChangePeriod(Period(2026, 9), "lock"))
    with pytest.raises(PeriodClosed, match=r"period 2026-09 is locked") as refused:
        undo(books, done.id, on=date(2026, 9, 30))
    assert refused.value.details["period"] == "2026-09"
    assert operation(books, done.id).status == "active"
    cancelled = undo(books, done.id, on=date(2026, 10, 1))  # in an open month: a storno dated there
    assert entry_lines(books, cancelled.reversal_entry_id)[0] == date(2026, 10, 1)


def test_refusals_name_the_field_or_the_balance(books: Ledger) -> None:
    done = cash(books, "cash_in", "300.00", counter_account="581")
    cash(books, "cash_out", "250.00", on=date(2026, 10, 6), counter_account="581")
    with pytest.raises(ValidationError) as early:
        undo(books, done.id, on=date(2026, 10, 4))
    assert early.value.problems[0].field == "on"
    with pytest.raises(ValidationError) as no_reason:
        undo(books, done.id, reason="  ")
    assert no_reason.value.problems[0].field == "reason"
    # Taking the 300 lei back out would leave -250.00 from the 7th: the money was spent meanwhile.
    with pytest.raises(NegativeCashBalance, match=r"cancelling cash_in 2026-000001 takes out 300\.00 lei"):
        undo(books, done.id)
    assert operation(books, done.id).status == "active"


def test_a_payment_cancelled_gives_the_cash_back_to_the_register(books: Ledger) -> None:
    partner(books, "s-1", "Furnizor SRL")
    supplier_invoice(books, "sup-1", "s-1", "800.00", DAY)
    opening_cash(books, "500.00", date(2026, 10, 1))
    paid = cash(books, "payment", "500.00", invoice_id="sup-1")
    cancelled = undo(books, paid.id, on=DAY)
    assert entry_lines(books, cancelled.reversal_entry_id)[2] == [
        ("401.00001", D("-500.00"), D("0")),
        ("5311", D("0"), D("-500.00")),
    ]
    (event,) = events(books, "accounting.cash_settlement.cancelled")
    assert event["kind"] == "payment" and event["open_amount"] is None  # not in the open items here
    cash(books, "payment", "500.00", invoice_id="sup-1")  # the cash is there again, the invoice open
