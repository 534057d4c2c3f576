"""The match run against a real ledger: receipts and payments posted, fees to 627, proposals, confirmation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.bank import queries
from genius.apps.accounting.bank import repository as repo
from genius.apps.accounting.bank.handlers import read_model
from genius.apps.accounting.bank.handlers.imports import import_statement_file
from genius.apps.accounting.bank.handlers.matching import run_match
from genius.apps.accounting.bank.handlers.reconcile import StaleMatch, confirm
from genius.apps.accounting.commands import ChangePeriod
from genius.apps.accounting.domain.fx import FxRate
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.handlers.fx_rates import store_rates
from genius.apps.accounting.handlers.periods import change_period
from genius.kernel.clock import utcnow
from genius.kernel.errors import ValidationError
from tests.apps.accounting.bank.conftest import Books, sample


def setup_bcr(books: Books, gen42: str = "2380.00", bl7781: str = "1000.00") -> dict[str, str]:
    """BCR's sample: Alfa pays GEN-0042 (2380.00), a 4.00 fee, we pay Beta's BL 7781 (1190.00).

    With other amounts open the two payments are partial, so their confidence stays below 1."""
    alfa = books.partner("Alfa Construct SRL", "14399840")
    beta = books.partner("Beta Logistic SA", "1590082")
    ids = {
        "gen42": books.invoice("GEN-000042", gen42, alfa, "Alfa Construct SRL"),
        "gen43": books.invoice("GEN-000043", "2380.00", beta, "Beta Logistic SA"),
    }
    with books.uow() as uow:
        read_model.record_payable(
            uow.connection,
            SimpleNamespace(
                supplier_invoice_id="si-7781", number="BL 7781", invoice_date=date(2026, 1, 8),
                due_date=None, supplier_id=beta, supplier_name="Beta Logistic SA", currency="RON",
                exchange_rate=None, parts=[{"net": bl7781, "vat": "190.00"}],
            ),
            None,
        )  # fmt: skip
        import_statement_file(uow, sample("bcr.sta"))
    ids["alfa"], ids["beta"] = alfa, beta
    return ids


def lines_by_amount(books: Books) -> dict[str, object]:
    return {r.amount: r for r in books.rows("bank_lines")}


def entry_lines(books: Books, entry_id: str) -> list[tuple[str, Decimal, Decimal]]:
    with books.uow(write=False) as uow:
        entry = acc_repo.get_entry(uow.connection, entry_id)
    return sorted((line.account.split(".")[0], line.debit, line.credit) for line in entry.lines)


def test_the_match_run_reconciles_posts_and_records_fees(books: Books) -> None:
    ids = setup_bcr(books)
    progress: list[tuple[int, str]] = []
    summary = run_match(
        books.platform.databases, books.ctx, job_id="job-1", progress=lambda p, m: progress.append((p, m))
    )
    assert (summary.lines, summary.reconciled, summary.fees, summary.posted) == (3, 2, 1, 3)
    assert progress[-1][0] == 95
    lines = lines_by_amount(books)
    receipt, fee, payment = lines["2380.00"], lines["-4.00"], lines["-1190.00"]
    assert (receipt.status, fee.status, payment.status) == ("reconciled", "fee", "reconciled")
    (rec,) = books.rows("bank_reconciliations", line_id=receipt.id)
    assert (rec.item_id, rec.amount, rec.method, rec.posting) == (ids["gen42"], "2380.00", "auto", "posted")
    assert entry_lines(books, rec.entry_id) == [
        ("4111", Decimal(0), Decimal("2380.00")),
        ("5121", Decimal("2380.00"), Decimal(0)),
    ]
    (paid,) = books.rows("bank_reconciliations", line_id=payment.id)
    assert entry_lines(books, paid.entry_id) == [
        ("401", Decimal("1190.00"), Decimal(0)),
        ("5121", Decimal(0), Decimal("1190.00")),
    ]
    fee_entry = next(r for r in books.rows("acc_entries") if r.source_role == "fee")
    assert entry_lines(books, fee_entry.id) == [
        ("5121", Decimal(0), Decimal("4.00")),
        ("627", Decimal("4.00"), Decimal(0)),
    ]
    items = {r.number: (r.status, r.open_amount) for r in books.rows("bank_open_items")}
    assert items == {
        "GEN-000042": ("settled", "0.00"),
        "GEN-000043": ("open", "2380.00"),
        "BL 7781": ("settled", "0.00"),
    }
    # The payer's account is now known as Alfa's; the events are in the outbox.
    learned = {r.iban: r.partner_id for r in books.rows("bank_partner_ibans") if r.source == "reconciliation"}
    assert learned["RO19BTRLRONCRT0999888701"] == ids["alfa"]
    assert len([r for r in books.rows("bus_outbox") if r.type == "accounting.bank_line.reconciled"]) == 2
    # A second run finds nothing waiting and posts nothing twice.
    again = run_match(books.platform.databases, books.ctx)
    assert (again.lines, again.posted) == (0, 0)
    assert len(books.rows("acc_entries")) == 3


def test_lines_below_the_threshold_wait_for_a_person_who_confirms(books: Books) -> None:
    ids = setup_bcr(books, gen42="3000.00", bl7781="1310.00")
    summary = run_match(books.platform.databases, books.ctx, threshold=1.0)
    assert summary.reconciled == 0 and summary.proposed == 2 and summary.fees == 1
    receipt = lines_by_amount(books)["2380.00"]
    with books.uow(write=False) as uow:
        found = queries.candidates(uow.connection, receipt.id)
    assert found[0].allocations[0].item_id == ids["gen42"] and 0.9 <= found[0].confidence < 1.0
    assert (
        found[0].allocations[0].invoice is not None and found[0].allocations[0].invoice.number == "GEN-000042"
    )
    with books.uow() as uow:
        applied = confirm(uow, receipt.id, candidate_id=found[0].id, by="user-7")
    assert applied.posting.posted and applied.amount == Decimal("2380.00")
    assert [(r.status, r.open_amount) for r in books.rows("bank_open_items", id=ids["gen42"])] == [
        ("open", "620.00")
    ]
    (rec,) = books.rows("bank_reconciliations", line_id=receipt.id)
    assert (rec.method, rec.created_by) == ("manual", "user-7")
    assert books.rows("bank_candidates", line_id=receipt.id) == []
    with pytest.raises(StaleMatch), books.uow() as uow:
        confirm(uow, receipt.id, candidate_id=found[0].id)


def test_a_person_names_invoices_and_amounts(books: Books) -> None:
    ids = setup_bcr(books, gen42="3000.00", bl7781="1310.00")
    run_match(books.platform.databases, books.ctx, threshold=1.0)
    receipt = lines_by_amount(books)["2380.00"]
    with pytest.raises(ValidationError) as caught, books.uow() as uow:
        confirm(uow, receipt.id, items=[("si-7781", None)])
    assert "a receipt settles customer invoices" in caught.value.message
    with pytest.raises(ValidationError, match="one partner"), books.uow() as uow:
        confirm(uow, receipt.id, items=[(ids["gen42"], Decimal("1000")), (ids["gen43"], Decimal("1000"))])
    with books.uow() as uow:
        applied = confirm(uow, receipt.id, items=[(ids["gen43"], Decimal("1000.00"))])
    assert applied.amount == Decimal("1000.00")
    items = {r.number: (r.status, r.open_amount) for r in books.rows("bank_open_items")}
    assert items["GEN-000043"] == ("open", "1380.00")


def test_a_closed_month_turns_an_automatic_match_into_a_proposal(books: Books) -> None:
    setup_bcr(books)
    with books.uow() as uow:
        change_period(uow, ChangePeriod(Period(2026, 1), "close"))
    summary = run_match(books.platform.databases, books.ctx)
    assert summary.reconciled == 0 and summary.proposed == 2
    receipt = lines_by_amount(books)["2380.00"]
    assert receipt.status == "proposed" and "not applied automatically" in receipt.note
    assert books.rows("bank_reconciliations") == []
    assert [r.status for r in books.rows("bank_open_items") if r.number == "GEN-000042"] == ["open"]


def test_a_currency_line_is_not_applied_while_the_invoices_lei_value_is_unknown(books: Books) -> None:
    """A EUR invoice known only to the bank part (no rate in its event, no entry in the ledger):
    its booked lei value is unknown, so the sure match waits as a proposal saying why (the posting
    of currency lines is covered in test_fx_postings)."""
    alfa = books.partner("Alfa Construct SRL", "14399840")
    invoice_id = books.invoice("GEN-000042", "2380.00", alfa, "Alfa Construct SRL")
    with books.uow() as uow:
        repo.update_open_item(uow.connection, invoice_id, currency="EUR")
        store_rates(uow.connection, [FxRate("EUR", date(2026, 1, 15), Decimal("4.98"))], "test", utcnow())
        eur = sample("bcr.sta").decode().replace("RON", "EUR")
        import_statement_file(uow, eur.encode())
    summary = run_match(books.platform.databases, books.ctx)
    assert summary.reconciled == 0 and summary.fees == 1
    receipt = lines_by_amount(books)["2380.00"]
    assert receipt.status == "proposed" and "GEN-000042 in EUR has no exchange rate" in receipt.note
    assert books.rows("bank_reconciliations") == []
