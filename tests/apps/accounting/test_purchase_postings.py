"""Supplier invoices (documented procurement schema), settlements, FX differences, refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from genius.apps.accounting import subscriptions
from genius.apps.accounting.commands import ChangePeriod
from genius.apps.accounting.domain.entries import SourceDocument
from genius.apps.accounting.domain.errors import AlreadyPosted
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.domain.postings import Settlement
from genius.apps.accounting.handlers.periods import change_period
from genius.apps.accounting.handlers.postings import partner_account, post_fx_revaluation, post_settlement
from genius.apps.procurement.events import SupplierInvoiceReceived
from genius.platform.bus.consumer import Unprocessable
from tests.apps.accounting.conftest import Ledger

NO_DELIVERY = SimpleNamespace(envelope=None)


def supplier_invoice(
    number: str = "F-100", on: date = date(2026, 4, 3), **overrides: object
) -> SimpleNamespace:
    values: dict[str, object] = {
        "supplier_invoice_id": f"si-{number}",
        "number": number,
        "invoice_date": on,
        "due_date": date(2026, 5, 3),
        "supplier_id": "sup-1",
        "supplier_name": "Furnizor Exemplu SRL",
        "supplier_cui": "14399840",
        "document_kind": "invoice",
        "payable_amount": D("171.00"),
        "anaf_download_id": None,
        "currency": "EUR",
        "exchange_rate": D("4.9750"),
        "parts": [
            {"net": "100.00", "vat": "21.00", "vat_category": "S", "vat_rate": "21", "item_kind": "service"},
            {
                "net": "50.00",
                "vat": "10.50",
                "vat_category": "AE",
                "vat_rate": "21",
                "item_kind": "goods",
                "treatment": "intra_eu_goods",
            },
        ],
    }
    values.update(overrides)
    return SupplierInvoiceReceived(**values)


def test_a_supplier_invoice_posts_expenses_vat_and_the_supplier_analytic(ledger: Ledger) -> None:
    with ledger.uow() as uow:
        subscriptions.on_supplier_invoice_received(uow, supplier_invoice(), NO_DELIVERY)  # type: ignore[arg-type]
        subscriptions.on_supplier_invoice_received(uow, supplier_invoice(), NO_DELIVERY)  # type: ignore[arg-type]
    assert ledger.count("acc_entries") == 1  # the same document twice posts once
    rows = [
        (r[0], r[1], r[2], r[3])
        for r in ledger.engine.connect().exec_driver_sql(
            "SELECT account, debit, credit, currency_amount FROM acc_lines ORDER BY line_no"
        )
    ]
    assert rows == [
        ("628", 49750, 0, 10000),
        ("4426", 10448, 0, 2100),  # 21.00 EUR x 4.9750 = 104.475 -> 104.48 lei
        ("371", 24875, 0, 5000),
        ("4426", 5224, 0, 1050),
        ("4427", 0, 5224, 1050),  # reverse charge: self-assessed, collected too
        ("401.00001", 0, 85073, 17100),  # 100 + 21 + 50 EUR owed to the supplier
    ]


def test_receipt_with_exchange_difference_and_revaluation(ledger: Ledger) -> None:
    with ledger.uow() as uow:
        account = partner_account(uow, "cust-1", "customer", "Client UE GmbH")
        entry = post_settlement(
            uow,
            Settlement(
                "receipt",
                SourceDocument("bank_line", "bl-1", "EXT-7"),
                date(2026, 4, 20),
                "cust-1",
                account,
                "5124",
                D("4980.00"),
                "EUR",
                D("1000.00"),
                D("4.98"),
                booked_amount=D("4975.00"),
            ),
        )
        revaluation = post_fx_revaluation(
            uow,
            account="5124",
            partner_id=None,
            booked_value=D("4980.00"),
            revalued_value=D("4970.00"),
            on=date(2026, 4, 30),
            source=SourceDocument("fx_revaluation", "2026-04:5124", "2026-04"),
        )
    assert entry.journal == "BA" and [(x.account, x.credit) for x in entry.lines][1:] == [
        (account, D("4975.00")),
        ("7651", D("5.00")),
    ]
    assert revaluation is not None
    assert [(x.account, x.debit, x.credit) for x in revaluation.lines] == [
        ("5124", D("0"), D("10.00")),
        ("6651", D("10.00"), D("0")),
    ]
    with pytest.raises(AlreadyPosted), ledger.uow() as uow:
        post_settlement(
            uow,
            Settlement(
                "receipt",
                SourceDocument("bank_line", "bl-1", "EXT-7"),
                date(2026, 4, 20),
                "cust-1",
                account,
                "5124",
                D("4980.00"),
            ),
        )


def test_documents_that_cannot_post_are_unprocessable_not_retried(ledger: Ledger) -> None:
    with ledger.uow("u1") as uow:
        change_period(uow, ChangePeriod(Period(2026, 4), "close"))
    before = ledger.count("acc_entries"), ledger.count("acc_accounts")
    with pytest.raises(Unprocessable, match="period 2026-04 is closed"), ledger.uow() as uow:
        subscriptions.on_supplier_invoice_received(uow, supplier_invoice(), NO_DELIVERY)  # type: ignore[arg-type]
    bad = supplier_invoice("F-2", date(2026, 5, 2), parts=[{"net": "1", "vat": "0", "treatment": "barter"}])
    with pytest.raises(Unprocessable, match="'barter' is not one of"), ledger.uow() as uow:
        subscriptions.on_supplier_invoice_received(uow, bad, NO_DELIVERY)  # type: ignore[arg-type]
    assert (ledger.count("acc_entries"), ledger.count("acc_accounts")) == before  # nothing half-posted


def test_a_supplier_credit_note_posts_in_red(ledger: Ledger) -> None:
    credit = supplier_invoice(
        "CN-7",
        document_kind="credit_note",
        currency="RON",
        exchange_rate=None,
        parts=[
            {"net": "-100.00", "vat": "-21.00", "vat_category": "S", "vat_rate": "21", "treatment": "taxable"}
        ],
    )
    with ledger.uow() as uow:
        subscriptions.on_supplier_invoice_received(uow, credit, NO_DELIVERY)  # type: ignore[arg-type]
    rows = list(
        ledger.engine.connect().exec_driver_sql(
            "SELECT account, debit, credit FROM acc_lines ORDER BY line_no"
        )
    )
    assert [tuple(r) for r in rows] == [("628", -10000, 0), ("4426", -2100, 0), ("401.00001", 0, -12100)]
    assert ledger.scalar("SELECT storno FROM acc_entries") in (1, True)
    assert ledger.scalar("SELECT source_type FROM acc_entries") == "supplier_credit_note"


def test_sales_revenue_classes_of_a_v2_event_go_to_704_707_7015(ledger: Ledger) -> None:
    event = SimpleNamespace(
        invoice_id="inv-9",
        number="GEN-9",
        issue_date=date(2026, 4, 8),
        due_date=None,
        currency="RON",
        exchange_rate=None,
        partner_id="c-9",
        buyer_name="Client SRL",
        buyer_kind="company",
        vat_total_ron=D("63.00"),
        vat_breakdown=[],
        revenue=[
            {"net": "100.00", "vat": "21.00", "vat_category": "S", "vat_rate": "21", "item_kind": "service"},
            {"net": "200.00", "vat": "42.00", "vat_category": "S", "vat_rate": "21", "item_kind": "goods"},
            {"net": "50.00", "vat": "0", "vat_category": "K", "vat_rate": "0", "item_kind": "own_product"},
        ],
    )
    with ledger.uow() as uow:
        subscriptions.on_invoice_issued(uow, event, NO_DELIVERY)  # type: ignore[arg-type]
    rows = list(
        ledger.engine.connect().exec_driver_sql(
            "SELECT account, debit, credit FROM acc_lines ORDER BY line_no"
        )
    )
    assert [tuple(r) for r in rows] == [
        ("4111.00001", 41300, 0),
        ("704", 0, 10000),
        ("4427", 0, 2100),
        ("707", 0, 20000),
        ("4427", 0, 4200),
        ("7015", 0, 5000),
    ]
