"""The ledger's generic reverse refuses cash entries: the cash cancel alone reverses them (and still does)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.cash.handlers import CancelInput, CashInput, cancel, record
from genius.apps.accounting.cash.handlers.record import PLAIN_SOURCE, SOURCE_TYPES
from genius.apps.accounting.commands import ReverseEntry
from genius.apps.accounting.domain.entries import EntryDraft, Line, SourceDocument
from genius.apps.accounting.handlers import entries as entry_handlers
from genius.kernel.errors import Conflict
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import Tenant, TenantContext
from tests.apps.accounting.cash.conftest import partner, sales_invoice, supplier_invoice
from tests.apps.accounting.cash.test_cancel import open_item, operation
from tests.apps.accounting.conftest import Ledger
from tests.apps.accounting.test_api import login
from tests.platform.audit.http import Api

D = Decimal
DAY = date(2026, 10, 5)
LATER = date(2026, 10, 7)


def cash(books: Ledger, kind: str, amount: str, on: date = DAY, **values: Any):  # type: ignore[no-untyped-def]
    with books.uow("u-casier") as uow:
        return record(uow, CashInput(kind, on, D(amount), **values))


def ledger_reverse(books: Ledger, entry_id: str, on: date = LATER):  # type: ignore[no-untyped-def]
    with books.uow("u-contabil") as uow:
        return entry_handlers.reverse(uow, ReverseEntry(entry_id, on, None), books.trail)


def test_every_cash_source_type_is_owned_by_the_cash_cancel() -> None:
    assert {*SOURCE_TYPES.values(), PLAIN_SOURCE} <= set(entry_handlers.OWNED_SOURCES)


@pytest.mark.parametrize(
    ("kind", "values", "source_type"),
    [
        ("receipt", {"invoice_id": "inv-1"}, "cash_receipt"),
        ("payment", {"invoice_id": "sup-1"}, "cash_payment"),
        ("cash_in", {"counter_account": "581"}, "cash_operation"),
    ],
)
def test_a_cash_entry_is_not_reversed_in_the_ledger_but_by_the_cash_cancel(
    books: Ledger, kind: str, values: dict[str, str], source_type: str
) -> None:
    partner(books, "c-1", "Client SRL")
    sales_invoice(books, "inv-1", "c-1", "1000.00", DAY, to_bank=True)
    supplier_invoice(books, "sup-1", "c-1", "300.00", DAY)
    cash(books, "cash_in", "500.00", date(2026, 10, 1), counter_account="1012")  # money for a payment
    done = cash(books, kind, "121.00", **values)
    entries_before = books.count("acc_entries")
    with pytest.raises(Conflict) as refused:
        ledger_reverse(books, done.entry_id)
    error = refused.value
    route = f"POST /api/v1/accounting/cash/operations/{done.id}/cancel"
    assert error.code == "use_cash_cancel"
    assert f"{source_type.replace('_', ' ')} {done.number} (id {done.id})" in error.message
    assert route in error.message
    assert error.details == {
        "entry_id": done.entry_id,
        "source_type": source_type,
        "source_id": done.id,
        "source_number": done.number,
        "route": route,
    }
    assert books.count("acc_entries") == entries_before  # nothing posted
    with books.engine.connect() as conn:
        assert acc_repo.get_entry(conn, done.entry_id).reversed_by is None
    assert operation(books, done.id).status == "active"
    # The cash cancel still reverses it through the ledger's reversal machinery.
    with books.uow("u-contabil") as uow:
        cancelled = cancel(uow, CancelInput(done.id, LATER, "greșeală"), by="u-contabil")
    with books.engine.connect() as conn:
        original = acc_repo.get_entry(conn, done.entry_id)
        storno = acc_repo.get_entry(conn, cancelled.reversal_entry_id)
    assert original.reversed_by == storno.id and storno.reverses == original.id and storno.storno
    assert operation(books, done.id).status == "cancelled"
    if kind == "receipt":
        assert open_item(books, "inv-1") == ("open", "1210.00")
    # The storno is the cash cancel's too: reversing it would undo the cancellation behind its back.
    with pytest.raises(Conflict, match=r"storno of the cancelled .* a cancellation is final") as again:
        ledger_reverse(books, storno.id, on=date(2026, 10, 8))
    assert again.value.code == "use_cash_cancel"


def test_reversing_a_non_cash_entry_still_works(books: Ledger) -> None:
    partner(books, "c-1", "Client SRL")
    sales_invoice(books, "inv-1", "c-1", "1000.00", DAY)
    with books.engine.connect() as conn:
        invoice_entry = acc_repo.find_by_source(conn, SourceDocument("sales_invoice", "inv-1", ""))
    assert invoice_entry is not None
    reversal = ledger_reverse(books, invoice_entry)
    assert reversal.storno and reversal.reverses == invoice_entry
    with books.uow("u-contabil") as uow:
        manual = entry_handlers.post(
            uow,
            EntryDraft("NC", DAY, "Aport", (Line("5121", debit=D("10")), Line("1012", credit=D("10")))),
        )
    assert ledger_reverse(books, manual.id).reverses == manual.id


def test_the_entries_route_refuses_a_cash_entry_with_409_naming_the_cancel_route(
    api: Api, acme: Tenant
) -> None:
    ctx = TenantContext(acme.id, acme.slug, system=True)
    books = SimpleNamespace(uow=lambda: UnitOfWork(api.platform.databases, tenant=ctx))
    partner(books, "c-1", "Client SRL")  # type: ignore[arg-type]
    sales_invoice(books, "inv-1", "c-1", "100.00", DAY)  # type: ignore[arg-type]
    alice = login(api, acme, "alice", "accountant")
    receipt = api.client.post(
        "/api/v1/accounting/cash/receipts",
        json={"on": "2026-10-05", "amount": "121.00", "invoice_id": "inv-1"},
        headers=alice.headers,
    ).json()
    refused = api.client.post(
        f"/api/v1/accounting/entries/{receipt['entry_id']}/reverse",
        json={"on": "2026-10-06"},
        headers=alice.headers,
    )
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["code"] == "use_cash_cancel"
    assert f"/api/v1/accounting/cash/operations/{receipt['id']}/cancel" in body["message"]
    assert body["details"]["source_number"] == receipt["number"]
    cancelled = api.client.post(
        f"/api/v1/accounting/cash/operations/{receipt['id']}/cancel",
        json={"on": "2026-10-06", "reason": "greșeală"},
        headers=alice.headers,
    )
    assert cancelled.status_code == 200, cancelled.text
    shown = api.client.get(f"/api/v1/accounting/entries/{receipt['entry_id']}", headers=alice.headers)
    assert shown.json()["reversed_by"] == cancelled.json()["cancellation"]["entry_id"]
