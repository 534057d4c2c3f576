"""The totals declared before the rows are checked against what was streamed (TotalsMismatch)."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal

import pytest
from lxml import etree

from genius.fiscal.ro.saft import TotalsMismatch, write_d406
from genius.fiscal.ro.saft.model import MovementTotals, SectionTotals
from tests.fiscal.ro.saft import sample

D = Decimal


def _write_expecting_mismatch(*args: object) -> tuple[TotalsMismatch, bytes]:
    out = io.BytesIO()
    with pytest.raises(TotalsMismatch) as error:
        write_d406(out, *args)  # type: ignore[arg-type]
    return error.value, out.getvalue()


def test_matching_totals_pass() -> None:
    summary = write_d406(io.BytesIO(), *sample.monthly())
    assert summary.transactions == 9
    assert summary.transaction_lines == 24
    assert (summary.sales_invoices, summary.purchase_invoices, summary.payments) == (2, 2, 2)
    assert summary.master_files["accounts"] == 12


def test_number_of_entries_mismatch_is_reported_after_the_whole_file() -> None:
    header, master, entries, documents = sample.monthly()
    wrong = replace(entries, totals=replace(entries.totals, number_of_entries=8))
    error, data = _write_expecting_mismatch(header, master, wrong, documents)
    assert [p.field for p in error.problems] == ["GeneralLedgerEntries.NumberOfEntries"]
    assert "8 declared, 9 transactions written" in error.problems[0].message
    assert "must be discarded" in error.message
    # The document was completed before the check: well-formed, every transaction in it.
    root = etree.fromstring(data)
    assert len(root.xpath("//*[local-name()='Transaction']")) == 9


def test_debit_and_credit_mismatches_are_all_listed() -> None:
    header, master, entries, documents = sample.monthly()
    totals = entries.totals
    wrong = replace(
        entries,
        totals=replace(
            totals, total_debit=totals.total_debit + D("0.01"), total_credit=totals.total_credit - 1
        ),
    )
    error, _ = _write_expecting_mismatch(header, master, wrong, documents)
    assert [p.field for p in error.problems] == [
        "GeneralLedgerEntries.TotalDebit",
        "GeneralLedgerEntries.TotalCredit",
    ]
    assert all(p.code == "totals_mismatch" for p in error.problems)


def test_invoice_and_payment_totals_are_checked() -> None:
    header, master, entries, documents = sample.monthly()
    sales = replace(documents.sales_invoices, totals=SectionTotals(3, D("0.00"), D("5975.00")))
    payments = replace(documents.payments, totals=replace(documents.payments.totals, total_debit=D("1.00")))
    error, _ = _write_expecting_mismatch(
        header, master, entries, replace(documents, sales_invoices=sales, payments=payments)
    )
    assert [p.field for p in error.problems] == [
        "SourceDocuments.SalesInvoices.NumberOfEntries",
        "SourceDocuments.Payments.TotalDebit",
    ]


def test_movement_totals_are_checked() -> None:
    header, master, documents = sample.on_request_stock()
    movements = replace(documents.movements, totals=MovementTotals(2, D("40"), D("15")))
    error, _ = _write_expecting_mismatch(header, master, None, replace(documents, movements=movements))
    assert [p.field for p in error.problems] == ["SourceDocuments.MovementOfGoods.TotalQuantityIssued"]


def test_asset_transaction_count_is_checked() -> None:
    header, master, documents = sample.annual_assets()
    section = replace(documents.asset_transactions, number_of_transactions=3)
    error, _ = _write_expecting_mismatch(header, master, None, replace(documents, asset_transactions=section))
    assert error.problems[0].field == "SourceDocuments.AssetTransactions.NumberOfAssetTransactions"


def test_rows_where_none_were_declared_are_a_mismatch() -> None:
    header, master, entries, documents = sample.monthly()
    wrong = replace(entries, totals=SectionTotals(0))
    error, data = _write_expecting_mismatch(header, master, wrong, documents)
    assert error.problems[0].field == "GeneralLedgerEntries.NumberOfEntries"
    # Declared empty: no totals were written ahead of the rows.
    assert b"<GeneralLedgerEntries><Journal>" in data
