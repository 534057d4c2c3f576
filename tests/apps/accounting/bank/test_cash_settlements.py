"""One open amount for bank and cash: an invoice settled in cash is not (or only partly) left to the bank.

The invoice is posted to the ledger (accounting's consumer) and recorded in the bank part's read
model (its own consumer); a cash receipt lowers the read model's open amount in the same
transaction as its posting and publishes ``accounting.cash_settlement.recorded``.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from genius.apps.accounting import subscriptions as postings
from genius.apps.accounting.bank import queries
from genius.apps.accounting.bank.handlers.imports import import_statement_file
from genius.apps.accounting.bank.handlers.matching import run_match
from genius.apps.accounting.bank.handlers.reconcile import StaleMatch, confirm
from genius.apps.accounting.cash.handlers import CashInput, record
from genius.kernel.errors import Conflict
from genius.kernel.ids import new_id
from tests.apps.accounting.bank.conftest import Books, invoice_event, sample

NO_DELIVERY = SimpleNamespace(envelope=None)
PAID_ON = date(2026, 1, 7)  # before the BCR statement's lines (January 2026)


def alfa_invoice(books: Books, amount: str, *, to_bank: bool = True) -> tuple[str, object]:
    """GEN-000042 of Alfa Construct (the payer of BCR's 2380.00 line), posted to the ledger."""
    alfa = books.partner("Alfa Construct SRL", "14399840")
    event = invoice_event(new_id(), "GEN-000042", amount, alfa, "Alfa Construct SRL", date(2026, 1, 5))
    with books.uow() as uow:
        postings.on_invoice_issued(uow, event, NO_DELIVERY)  # type: ignore[arg-type]
    if to_bank:
        books.deliver(event)
    return event.invoice_id, event


def receipt(books: Books, invoice_id: str, amount: str):  # type: ignore[no-untyped-def]
    with books.uow("u-casier") as uow:
        return record(uow, CashInput("receipt", PAID_ON, Decimal(amount), invoice_id=invoice_id))


def open_item(books: Books, invoice_id: str) -> tuple[str, str]:
    (row,) = books.rows("bank_open_items", id=invoice_id)
    return row.status, row.open_amount


def import_bcr(books: Books) -> None:
    with books.uow() as uow:
        import_statement_file(uow, sample("bcr.sta"))


def test_an_invoice_paid_in_cash_is_not_proposed_to_a_bank_line(books: Books) -> None:
    invoice_id, _ = alfa_invoice(books, "2380.00")
    receipt(books, invoice_id, "2380.00")
    assert open_item(books, invoice_id) == ("settled", "0.00")
    import_bcr(books)
    run_match(books.platform.databases, books.ctx)
    line = next(r for r in books.rows("bank_lines") if r.amount == "2380.00")
    assert line.status in ("proposed", "unmatched")
    with books.uow(write=False) as uow:
        found = queries.candidates(uow.connection, line.id)
    assert all(a.item_id != invoice_id for c in found for a in c.allocations)
    assert books.rows("bank_reconciliations", item_id=invoice_id) == []
    # A person naming the invoice anyway is told it is no longer open.
    with pytest.raises(StaleMatch, match=r"GEN-000042 has 0\.00 RON open"), books.uow() as uow:
        confirm(uow, line.id, items=[(invoice_id, Decimal("2380.00"))])


def test_a_partial_cash_payment_leaves_the_bank_the_remaining_amount(books: Books) -> None:
    invoice_id, _ = alfa_invoice(books, "2380.00")
    done = receipt(books, invoice_id, "1000.00")
    assert open_item(books, invoice_id) == ("open", "1380.00")
    (row,) = [r for r in books.rows("bus_outbox") if r.type == "accounting.cash_settlement.recorded"]
    data = json.loads(row.body)["data"]
    assert (data["document_id"], data["amount"], data["open_amount"], data["kind"]) == (
        invoice_id, "1000.00", "1380.00", "receipt"
    )  # fmt: skip
    assert (data["operation_id"], data["entry_id"], data["register"]) == (done.id, done.entry_id, "5311")
    import_bcr(books)
    run_match(books.platform.databases, books.ctx)
    line = next(r for r in books.rows("bank_lines") if r.amount == "2380.00")
    assert line.status != "reconciled"  # 2380.00 no longer equals what is open
    with books.uow(write=False) as uow:
        found = queries.candidates(uow.connection, line.id)
    offered = [a.amount for c in found for a in c.allocations if a.item_id == invoice_id]
    assert offered and max(offered) <= Decimal("1380.00")
    with books.uow() as uow:  # the person confirms the invoice: it takes what is open, no more
        applied = confirm(uow, line.id, items=[(invoice_id, None)])
    assert applied.amount == Decimal("1380.00")
    assert open_item(books, invoice_id) == ("settled", "0.00")


def test_cash_cannot_settle_what_the_bank_already_did(books: Books) -> None:
    invoice_id, _ = alfa_invoice(books, "3000.00")
    import_bcr(books)
    run_match(books.platform.databases, books.ctx, threshold=1.0)
    line = next(r for r in books.rows("bank_lines") if r.amount == "2380.00")
    with books.uow() as uow:
        confirm(uow, line.id, items=[(invoice_id, None)])
    assert open_item(books, invoice_id) == ("open", "620.00")
    left = r"GEN-000042: 620\.00 lei left .* 2380\.00 through the bank"
    with pytest.raises(Conflict, match=left) as refused:
        receipt(books, invoice_id, "620.01")
    assert refused.value.code == "overpaid"
    receipt(books, invoice_id, "620.00")
    assert open_item(books, invoice_id) == ("settled", "0.00")


def test_cash_recorded_before_the_invoice_reaches_the_bank_part_is_applied_when_it_does(books: Books) -> None:
    invoice_id, event = alfa_invoice(books, "2380.00", to_bank=False)
    receipt(books, invoice_id, "380.00")
    (row,) = [r for r in books.rows("bus_outbox") if r.type == "accounting.cash_settlement.recorded"]
    assert json.loads(row.body)["data"]["open_amount"] is None
    books.deliver(event)
    assert open_item(books, invoice_id) == ("open", "2000.00")
    books.deliver(event)  # a redelivery changes nothing (inbox), nor does the pending row apply twice
    assert open_item(books, invoice_id) == ("open", "2000.00")
