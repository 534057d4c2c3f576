"""Month-end revaluation of currency items (4111 / 401 / 5124 in EUR) and what receipts clear after it,
and a lei bank line paying an EUR invoice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

import pytest

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.bank.handlers import read_model
from genius.apps.accounting.bank.handlers.imports import import_statement_file
from genius.apps.accounting.bank.handlers.matching import run_match
from genius.apps.accounting.bank.handlers.reconcile import confirm
from genius.apps.accounting.commands import ChangePeriod
from genius.apps.accounting.domain.entries import SourceDocument
from genius.apps.accounting.domain.errors import PeriodClosed
from genius.apps.accounting.domain.fx import NoFxRate
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.domain.postings import DocumentPart, PurchaseDocument, SalesDocument
from genius.apps.accounting.handlers.periods import change_period
from genius.apps.accounting.handlers.postings import (
    CUSTOMER,
    SUPPLIER,
    partner_account,
    post_purchase_document,
    post_sales_document,
)
from genius.apps.accounting.handlers.revaluation import revalue_month
from genius.kernel.errors import ValidationError
from tests.apps.accounting.bank.conftest import Api, Books, sample
from tests.apps.accounting.bank.test_fx_postings import RATE_A, eur_statement, receivable, set_rate

JANUARY = Period(2026, 1)
MONTH_END = date(2026, 1, 30)  # a Friday: 31 January 2026 is a Saturday


def moved(data: bytes, day: date) -> bytes:
    """The BCR sample statement booked on ``day`` instead of 15 January."""
    text = data.decode()
    for old, new in (
        ("2601150115", f"{day:%y%m%d%m%d}"),
        (":20:2601150001", f":20:{day:%y%m%d}0001"),
        ("C260114", f"C{day:%y%m%d}"),
        ("C260115", f"C{day:%y%m%d}"),
    ):
        text = text.replace(old, new)
    return text.encode()


def payable(books: Books, number: str = "BL 7781", amount: str = "1000.00", vat: str = "190.00") -> str:
    """A supplier invoice of 1190.00 EUR at 4.97 (5914.30 lei on 401), in the read model and the ledger."""
    beta = books.partner("Beta Logistic SA", "1590082")
    with books.uow() as uow:
        read_model.record_payable(
            uow.connection,
            SimpleNamespace(
                supplier_invoice_id=f"si-{number}", number=number, invoice_date=date(2026, 1, 8),
                due_date=None, supplier_id=beta, supplier_name="Beta Logistic SA", currency="EUR",
                exchange_rate=RATE_A, parts=[{"net": amount, "vat": vat}],
            ),
            None,
        )  # fmt: skip
        post_purchase_document(
            uow,
            PurchaseDocument(
                source=SourceDocument("supplier_invoice", f"si-{number}", number),
                invoice_date=date(2026, 1, 8),
                partner_id=beta,
                payable_account=partner_account(uow, beta, SUPPLIER, "Beta Logistic SA"),
                currency="EUR",
                exchange_rate=RATE_A,
                parts=(DocumentPart(D(amount), D(vat), "S", D("19")),),
            ),
        )
    return beta


def lines_of(books: Books, entry_id: str) -> list[tuple[str, D, D]]:
    with books.uow(write=False) as uow:
        entry = acc_repo.get_entry(uow.connection, entry_id)
    return sorted((x.account.split(".")[0], x.debit, x.credit) for x in entry.lines)


def settle_lines(books: Books, amount: str) -> list[tuple[str, D, D]]:
    line = next(r for r in books.rows("bank_lines") if r.amount == amount)
    (entry,) = [e for e in books.rows("acc_entries") if e.source_id == line.id and e.source_role == "settle"]
    return lines_of(books, entry.id)


def items(books: Books, until: date) -> dict[str, tuple[D, D]]:
    with books.uow(write=False) as uow:
        found = acc_repo.currency_items(uow.connection, until, ("4111", "401", "5124"))
    return {i.account.split(".")[0]: (i.amount, i.carrying) for i in found}


def revalue(books: Books, period: Period = JANUARY, **kwargs: Any):  # type: ignore[no-untyped-def]
    with books.uow() as uow:
        return revalue_month(uow, period, **kwargs)


def test_month_end_revaluation_posts_the_differences_once(books: Books) -> None:
    receivable(books)  # 2380.00 EUR at 4.97: 11828.60 lei on 4111
    payable(books)  # 1190.00 EUR at 4.97: 5914.30 lei on 401
    set_rate(books, "5.0000", on=MONTH_END)
    with books.uow() as uow:
        preview = revalue_month(uow, JANUARY, dry_run=True)
    assert preview.entry is None and sorted(str(r.difference) for r in preview.items) == ["-35.70", "71.40"]
    done = revalue(books)
    assert done.entry is not None and done.entry.entry_date == date(2026, 1, 31)
    assert done.entry.source == SourceDocument("fx_revaluation", "2026-01", "REEV-2026-01", "issue")
    # 2380 x 5.00 = 11900.00 (+71.40, a gain); 1190 x 5.00 = 5950.00 owed (+35.70, a loss).
    assert lines_of(books, done.entry.id) == [
        ("401", D(0), D("35.70")),
        ("4111", D("71.40"), D(0)),
        ("6651", D("35.70"), D(0)),
        ("7651", D(0), D("71.40")),
    ]
    item_lines = [x for x in done.entry.lines if x.account[:3] in ("401", "411")]
    assert {(x.currency, x.currency_amount, x.exchange_rate) for x in item_lines} == {("EUR", D(0), D("5"))}
    assert items(books, date(2026, 1, 31)) == {
        "4111": (D("2380.00"), D("11900.00")),
        "401": (D("-1190.00"), D("-5950.00")),
    }
    # A second run finds the carrying amounts revalued already: nothing is posted twice.
    again = revalue(books)
    assert again.entry is None and again.earlier == [done.entry.id]
    assert "revalued already" in again.message
    assert len([e for e in books.rows("acc_entries") if e.source_type == "fx_revaluation"]) == 1


def test_receipts_after_a_revaluation_clear_the_revalued_amount(books: Books) -> None:
    """Carried, not reversed: February's receipt and payment count their difference from 5.00."""
    receivable(books)
    payable(books)
    set_rate(books, "5.0000", on=MONTH_END)
    revalue(books)
    paid_on = date(2026, 2, 10)
    set_rate(books, "5.0200", on=paid_on)
    with books.uow() as uow:
        import_statement_file(uow, moved(eur_statement(), paid_on))
    summary = run_match(books.platform.databases, books.ctx)
    assert summary.reconciled == 2
    # 2380 x 5.02 = 11947.60 in the bank, 11900.00 carried on 4111: 47.60 gained (not 119.00).
    assert settle_lines(books, "2380.00") == [
        ("4111", D(0), D("11900.00")),
        ("5124", D("11947.60"), D(0)),
        ("7651", D(0), D("47.60")),
    ]
    # 1190 x 5.02 = 5973.80 paid, 5950.00 carried on 401: 23.80 lost.
    assert settle_lines(books, "-1190.00") == [
        ("401", D("5950.00"), D(0)),
        ("5124", D(0), D("5973.80")),
        ("6651", D("23.80"), D(0)),
    ]
    left = items(books, paid_on)
    assert "4111" not in left and "401" not in left  # nothing left in EUR or in lei
    # The EUR account is revalued at February's end: 1186.00 EUR at 5.01.
    set_rate(books, "5.0100", on=date(2026, 2, 27))
    # In the bank: 11947.60 - 20.08 (the fee at 5.02) - 5973.80 = 5953.72 lei for 1186.00 EUR.
    assert left["5124"] == (D("1186.00"), D("5953.72"))
    february = revalue(books, Period(2026, 2))
    assert lines_of(books, february.entry.id) == [("5124", D(0), D("11.86")), ("6651", D("11.86"), D(0))]
    assert items(books, date(2026, 2, 28))["5124"] == (D("1186.00"), D("5941.86"))


def test_without_the_last_banking_days_rate_nothing_is_posted(books: Books) -> None:
    receivable(books)
    set_rate(books, "5.0000", on=date(2026, 1, 20))  # the feed stopped on the 20th
    with pytest.raises(NoFxRate) as refused:
        revalue(books)
    assert "no BNR rate for EUR" in refused.value.message
    assert "2026-01-31" in refused.value.message and "2026-01-20" in refused.value.message
    assert [e for e in books.rows("acc_entries") if e.source_type == "fx_revaluation"] == []


def test_a_locked_month_is_refused(books: Books) -> None:
    receivable(books)
    set_rate(books, "5.0000", on=MONTH_END)
    with books.uow() as uow:
        change_period(uow, ChangePeriod(JANUARY, "lock"))
    with pytest.raises(PeriodClosed, match="period 2026-01 is locked"):
        revalue(books)
    with books.uow(write=False) as uow:  # what it would post can still be shown
        assert revalue_month(uow, JANUARY, dry_run=True).items


def test_a_posting_dated_in_a_revalued_month_gets_a_supplementary_entry(books: Books) -> None:
    alfa, _ = receivable(books)
    set_rate(books, "5.0000", on=MONTH_END)
    first = revalue(books).entry
    # A late invoice dated 20 January: 1000.00 EUR at 4.99 = 4990.00 lei, posted after the run.
    with books.uow() as uow:
        post_sales_document(
            uow,
            SalesDocument(
                source=SourceDocument("sales_invoice", "late-1", "GEN-000050"),
                issue_date=date(2026, 1, 20),
                partner_id=alfa,
                receivable_account=partner_account(uow, alfa, CUSTOMER, "Alfa Construct SRL"),
                currency="EUR",
                exchange_rate=D("4.99"),
                parts=(DocumentPart(D("1000.00"), D(0), "O", None),),
                vat_total_ron=D(0),
            ),
        )
    second = revalue(books)
    assert second.entry is not None and second.earlier == [first.id]
    assert second.entry.source.role == "supplement-2"
    assert lines_of(books, second.entry.id) == [("4111", D("10.00"), D(0)), ("7651", D(0), D("10.00"))]
    assert items(books, date(2026, 1, 31))["4111"] == (D("3380.00"), D("16900.00"))
    assert revalue(books).entry is None


def test_the_eur_bank_account_is_revalued(books: Books) -> None:
    receivable(books)
    payable(books)
    set_rate(books, "4.9800")
    with books.uow() as uow:
        import_statement_file(uow, eur_statement())
    run_match(books.platform.databases, books.ctx)
    # 5124: +2380.00 -4.00 -1190.00 = 1186.00 EUR, carried at 11852.40 - 19.92 - 5926.20 = 5906.28.
    assert items(books, MONTH_END) == {"5124": (D("1186.00"), D("5906.28"))}
    set_rate(books, "5.0000", on=MONTH_END)
    done = revalue(books)
    assert lines_of(books, done.entry.id) == [("5124", D("23.72"), D(0)), ("7651", D(0), D("23.72"))]


def test_a_lei_line_pays_an_eur_invoice_at_its_carrying_amount(books: Books) -> None:
    _, event = receivable(books)  # 2380.00 EUR at 4.97 = 11828.60 lei
    set_rate(books, "4.9800")
    # The customer pays 11852.40 lei: 2380.00 EUR at the day's 4.98.
    data = sample("bcr.sta").decode().replace("C2380,00", "C11852,40").replace("RON13686,00", "RON23158,40")
    with books.uow() as uow:
        import_statement_file(uow, data.encode())
    run_match(books.platform.databases, books.ctx)
    line = next(r for r in books.rows("bank_lines") if r.amount == "11852.40")
    # The details name GEN-0042: proposed (never applied alone: the lei clear what the day's rate says).
    assert line.status == "proposed"
    (candidate,) = books.rows("bank_candidates", line_id=line.id)
    assert event.invoice_id in candidate.allocations and candidate.confidence < 0.85
    assert "paid in lei" in candidate.reasons
    # Too many lei for what is open is refused, naming the invoice and its worth.
    with pytest.raises(ValidationError, match=r"GEN-000042 has 2380\.00 EUR open"), books.uow() as uow:
        confirm(uow, line.id, items=[(event.invoice_id, D("12000.00"))])
    with books.uow() as uow:
        applied = confirm(uow, line.id, candidate_id=candidate.id)
    assert applied.posting.posted
    assert settle_lines(books, "11852.40") == [
        ("4111", D(0), D("11828.60")),
        ("5121", D("11852.40"), D(0)),
        ("7651", D(0), D("23.80")),
    ]
    with books.uow(write=False) as uow:
        entry = acc_repo.get_entry(uow.connection, applied.posting.entry_id)
    bank_side = next(x for x in entry.lines if x.account == "5121")
    assert (bank_side.currency, bank_side.currency_amount) == ("RON", None)
    (rec,) = books.rows("bank_reconciliations")
    assert (rec.amount, rec.booked_amount) == ("2380.00", "11828.60")
    assert [(r.status, r.open_amount) for r in books.rows("bank_open_items", id=event.invoice_id)] == [
        ("settled", "0.00")
    ]
    assert items(books, date(2026, 1, 15)) == {}  # 4111 cleared in EUR and in lei


def test_the_revaluation_api(books: Books, api: Api) -> None:
    receivable(books)
    set_rate(books, "5.0000", on=MONTH_END)
    accountant = api.login(books.tenant, "accountant")
    url = "/api/v1/accounting/periods/2026-01/fx-revaluation"
    shown = api.client.get(url, headers=accountant.headers)
    assert shown.status_code == 200, shown.text
    (item,) = shown.json()["items"]
    assert (item["currency"], item["currency_amount"], item["difference"]) == ("EUR", "2380.00", "71.40")
    posted = api.client.post(url, headers=accountant.headers)
    assert posted.status_code == 201, posted.text
    assert posted.json()["entry"]["number"].startswith("NC-2026-")
    again = api.client.post(url, headers=accountant.headers)
    assert again.status_code == 200 and again.json()["entry"] is None
    missing = api.client.post("/api/v1/accounting/periods/2026-03/fx-revaluation", headers=accountant.headers)
    assert missing.status_code == 422 and "no BNR rate for EUR" in missing.text
    auditor = api.login(books.tenant, "auditor")
    assert api.client.post(url, headers=auditor.headers).status_code == 403
