"""Currency bank lines posted: 5124 at the BNR rate of the day, 4111/401 at the booked value, 665/765."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

import pytest

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting import subscriptions as acc_subscriptions
from genius.apps.accounting.bank import queries
from genius.apps.accounting.bank.handlers import read_model
from genius.apps.accounting.bank.handlers.imports import import_statement_file
from genius.apps.accounting.bank.handlers.matching import run_match
from genius.apps.accounting.bank.handlers.reconcile import confirm
from genius.apps.accounting.domain.entries import SourceDocument
from genius.apps.accounting.domain.fx import FxRate, NoFxRate
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.domain.postings import DocumentPart, PurchaseDocument
from genius.apps.accounting.handlers.fx_rates import store_rates
from genius.apps.accounting.handlers.postings import SUPPLIER, partner_account, post_purchase_document
from genius.apps.accounting.queries import PeriodRange, account_statement, trial_balance
from genius.apps.accounting.saft.streams import payments
from genius.apps.sales.events import InvoiceIssued
from genius.fiscal.ro.saft.model import Amount
from genius.kernel.clock import utcnow
from genius.kernel.ids import new_id
from genius.platform.bus.handlers import RegistryTenants
from genius.platform.bus.outbox import build_envelope
from genius.platform.bus.transport import Delivery
from tests.apps.accounting.bank.conftest import Books, sample

PAID_ON = date(2026, 1, 15)  # the booking date of the BCR sample's lines
RATE_A = D("4.9700")  # the invoice's rate
JANUARY = PeriodRange(Period(2026, 1), Period(2026, 1))


def eur_statement() -> bytes:
    return sample("bcr.sta").decode().replace("RON", "EUR").encode()


def set_rate(books: Books, rate: str, on: date = PAID_ON, currency: str = "EUR") -> None:
    with books.uow() as uow:
        store_rates(uow.connection, [FxRate(currency, on, D(rate))], "test", utcnow())


def post_in_ledger(books: Books, event: Any) -> None:
    """The invoice's own entry (4111 = 70x + 4427), through accounting's postings consumer."""
    handler = acc_subscriptions.handlers(books.platform.databases, RegistryTenants(books.platform.tenants))[
        event.event_type
    ]
    handler(Delivery(build_envelope(event, tenant=books.tenant.slug), acc_subscriptions.CONSUMER, 1, False))


def eur_invoice(books: Books, partner_id: str, *, vat_total_ron: str | None = None) -> InvoiceIssued:
    """GEN-000042: 1966.94 + 21 % VAT 413.06 = 2380.00 EUR at 4.9700 (11828.60 lei, VAT 2052.91)."""
    issued = date(2026, 1, 5)
    event = InvoiceIssued(
        invoice_id=new_id(),
        number="GEN-000042",
        series_id="s-gen",
        type_code="380",
        issue_date=issued,
        tax_point_date=issued,
        due_date=issued + timedelta(days=30),
        currency="EUR",
        exchange_rate=RATE_A,
        partner_id=partner_id,
        buyer_name="Alfa Construct SRL",
        buyer_kind="company",
        buyer_vat_id="RO14399840",
        tax_exclusive_amount=D("1966.94"),
        vat_total=D("413.06"),
        vat_total_ron=D(vat_total_ron or "2052.91"),
        payable_amount=D("2380.00"),
        vat_breakdown=[{"category": "S", "rate": "21", "taxable_amount": "1966.94", "tax_amount": "413.06"}],
        xml_sha256="0" * 64,
        issued_by=None,
    )
    books.deliver(event)
    post_in_ledger(books, event)
    return event


def receivable(books: Books, **kwargs: Any) -> tuple[str, InvoiceIssued]:
    alfa = books.partner("Alfa Construct SRL", "14399840")
    return alfa, eur_invoice(books, alfa, **kwargs)


def settle_entry(books: Books, amount: str) -> list[tuple[str, D, D]]:
    line = next(r for r in books.rows("bank_lines") if r.amount == amount)
    (entry,) = [e for e in books.rows("acc_entries") if e.source_id == line.id and e.source_role == "settle"]
    with books.uow(write=False) as uow:
        found = acc_repo.get_entry(uow.connection, entry.id)
    return sorted((x.account.split(".")[0], x.debit, x.credit) for x in found.lines)


def balance(books: Books, prefix: str) -> D:
    with books.uow(write=False) as uow:
        tb = trial_balance(uow.connection, JANUARY, "synthetic2")
    keys = [c.key for c in tb.columns]
    row = next((r for r in tb.rows if r[0] == prefix), None)
    if row is None:
        return D("0.00")
    return row[keys.index("closing_debit")] - row[keys.index("closing_credit")]


def test_a_receipt_at_a_higher_rate_posts_the_gain_on_765(books: Books) -> None:
    receivable(books)
    set_rate(books, "4.9800")
    with books.uow() as uow:
        import_statement_file(uow, eur_statement())
    summary = run_match(books.platform.databases, books.ctx)
    assert summary.reconciled == 1 and summary.fees == 1
    # 2380.00 EUR x 4.98 = 11852.40 lei in the bank; 11828.60 lei booked on 4111; 23.80 gained.
    assert settle_entry(books, "2380.00") == [
        ("4111", D(0), D("11828.60")),
        ("5124", D("11852.40"), D(0)),
        ("7651", D(0), D("23.80")),
    ]
    (rec,) = books.rows("bank_reconciliations")
    assert (rec.amount, rec.booked_amount, rec.posting) == ("2380.00", "11828.60", "posted")
    with books.uow(write=False) as uow:
        _, shown = queries.line(uow.connection, rec.line_id)
    assert [(r.amount, r.booked_amount) for r in shown] == [(D("2380.00"), D("11828.60"))]
    # The fee in EUR too: 4.00 x 4.98 on 627 = 5124.
    fee = next(e for e in books.rows("acc_entries") if e.source_role == "fee")
    with books.uow(write=False) as uow:
        lines = acc_repo.get_entry(uow.connection, fee.id).lines
    assert sorted((x.account, x.debit, x.credit, x.currency_amount) for x in lines) == [
        ("5124", D(0), D("19.92"), D("4.00")),
        ("627", D("19.92"), D(0), D("4.00")),
    ]
    assert balance(books, "4111") == D("0.00")
    assert balance(books, "5124") == D("11852.40") - D("19.92")
    # Each side keeps its currency amount at its own rate, so D406 writes both with the currency
    # (DUK: Amount = round(CurrencyAmount x ExchangeRate)); the difference is in lei alone.
    with books.uow(write=False) as uow:
        (payment,) = [
            p
            for p in payments(uow.connection, date(2026, 1, 1), date(2026, 1, 31), "RO18547290")
            if any(x.account_id.startswith("5124") for x in p.lines) and len(list(p.lines)) == 3
        ]
        amounts = sorted((x.account_id[:4], x.amount) for x in payment.lines)
    assert amounts == [
        ("4111", Amount(D("11828.60"), "EUR", D("2380.00"), D("4.9700"))),
        ("5124", Amount(D("11852.40"), "EUR", D("2380.00"), D("4.9800"))),
        ("7651", Amount(D("23.80"))),
    ]


def test_a_receipt_at_a_lower_rate_posts_the_loss_on_665(books: Books) -> None:
    receivable(books)
    set_rate(books, "4.9600")
    with books.uow() as uow:
        import_statement_file(uow, eur_statement())
    run_match(books.platform.databases, books.ctx)
    assert settle_entry(books, "2380.00") == [
        ("4111", D(0), D("11828.60")),
        ("5124", D("11804.80"), D(0)),
        ("6651", D("23.80"), D(0)),
    ]
    assert balance(books, "4111") == D("0.00")


def test_without_the_days_rate_nothing_is_reconciled_or_posted(books: Books) -> None:
    _, event = receivable(books)
    set_rate(books, "4.9800", on=PAID_ON - timedelta(days=11))  # too old to value the 15th
    with books.uow() as uow:
        import_statement_file(uow, eur_statement())
    entries_before = len(books.rows("acc_entries"))
    summary = run_match(books.platform.databases, books.ctx)
    assert summary.reconciled == 0 and summary.posted == 0
    receipt = next(r for r in books.rows("bank_lines") if r.amount == "2380.00")
    assert receipt.status == "proposed"
    assert "no BNR rate for EUR on 2026-01-15" in receipt.note and "2026-01-04" in receipt.note
    fee = next(r for r in books.rows("bank_lines") if r.amount == "-4.00")
    assert fee.status == "unmatched" and "no BNR rate for EUR on 2026-01-15" in fee.note
    assert books.rows("bank_reconciliations") == []
    assert len(books.rows("acc_entries")) == entries_before
    assert [(r.status, r.open_amount) for r in books.rows("bank_open_items", id=event.invoice_id)] == [
        ("open", "2380.00")
    ]
    # A person confirming it is refused the same way, naming the currency and the date.
    with pytest.raises(NoFxRate, match="no BNR rate for EUR on 2026-01-15"), books.uow() as uow:
        confirm(uow, receipt.id, items=[(event.invoice_id, None)])
    assert books.rows("bank_reconciliations") == [] and len(books.rows("acc_entries")) == entries_before
    # Once the day's rate is there, the line goes through.
    set_rate(books, "4.9800")
    with books.uow() as uow:
        applied = confirm(uow, receipt.id, items=[(event.invoice_id, None)])
    assert applied.posting.posted


def test_a_weekend_payment_takes_the_last_sheet_before_it(books: Books) -> None:
    receivable(books)
    set_rate(books, "4.9900", on=PAID_ON - timedelta(days=1))
    set_rate(books, "5.5000", on=PAID_ON + timedelta(days=1))  # a later sheet never values an earlier day
    with books.uow() as uow:
        import_statement_file(uow, eur_statement())
    run_match(books.platform.databases, books.ctx)
    assert ("5124", D("11876.20"), D(0)) in settle_entry(books, "2380.00")


def test_partial_receipts_clear_exactly_the_booked_value(books: Books) -> None:
    """The invoice's VAT in lei (BT-111) is one ban above 413.06 x 4.97: 4111 holds 11828.61, not
    2380 x 4.97; two partial receipts leave nothing on it, every difference on 665/765."""
    _, event = receivable(books, vat_total_ron="2052.92")
    set_rate(books, "4.9800")
    with books.uow() as uow:
        import_statement_file(uow, eur_statement())
    receipt = next(r for r in books.rows("bank_lines") if r.amount == "2380.00")
    with books.uow() as uow:
        confirm(uow, receipt.id, items=[(event.invoice_id, D("1000.00"))])
    (first,) = books.rows("bank_reconciliations")
    assert first.booked_amount == "4970.00"
    # The rest arrives on a second statement, on the 16th at 4.95.
    second = (
        eur_statement()
        .decode()
        .replace("2380,00NTRF", "1380,00NTRF")
        .replace("2601150115C", "2601160116C")
        .replace(":20:2601150001", ":20:2601160001")
        .replace("00015/1", "00016/1")
        .replace("EUR13686,00", "EUR12686,00")
    )
    set_rate(books, "4.9500", on=date(2026, 1, 16))
    with books.uow() as uow:
        import_statement_file(uow, second.encode())
    rest = next(r for r in books.rows("bank_lines") if r.amount == "1380.00")
    with books.uow() as uow:
        confirm(uow, rest.id, items=[(event.invoice_id, None)])
    assert settle_entry(books, "1380.00") == [
        ("4111", D(0), D("6858.61")),  # 11828.61 booked - 4970.00 cleared before
        ("5124", D("6831.00"), D(0)),
        ("6651", D("27.61"), D(0)),
    ]
    assert balance(books, "4111") == D("0.00")
    assert [r.status for r in books.rows("bank_open_items", id=event.invoice_id)] == ["settled"]


def test_a_supplier_payment_in_eur_clears_401_at_its_booked_value(books: Books) -> None:
    beta = books.partner("Beta Logistic SA", "1590082")
    with books.uow() as uow:
        read_model.record_payable(
            uow.connection,
            SimpleNamespace(
                supplier_invoice_id="si-7781", number="BL 7781", invoice_date=date(2026, 1, 8),
                due_date=None, supplier_id=beta, supplier_name="Beta Logistic SA", currency="EUR",
                exchange_rate=RATE_A, parts=[{"net": "1000.00", "vat": "190.00"}],
            ),
            None,
        )  # fmt: skip
        post_purchase_document(
            uow,
            PurchaseDocument(
                source=SourceDocument("supplier_invoice", "si-7781", "BL 7781"),
                invoice_date=date(2026, 1, 8),
                partner_id=beta,
                payable_account=partner_account(uow, beta, SUPPLIER, "Beta Logistic SA"),
                currency="EUR",
                exchange_rate=RATE_A,
                parts=(DocumentPart(D("1000.00"), D("190.00"), "S", D("19")),),
            ),
        )
    set_rate(books, "4.9800")
    with books.uow() as uow:
        import_statement_file(uow, eur_statement())
    run_match(books.platform.databases, books.ctx)
    # 1190.00 EUR booked at 4.97 = 5914.30 lei; paid at 4.98 = 5926.20 lei: 11.90 lost.
    assert settle_entry(books, "-1190.00") == [
        ("401", D("5914.30"), D(0)),
        ("5124", D(0), D("5926.20")),
        ("6651", D("11.90"), D(0)),
    ]
    assert balance(books, "401") == D("0.00")


def test_reports_agree_with_the_currency_postings(books: Books) -> None:
    receivable(books)
    set_rate(books, "4.9800")
    with books.uow() as uow:
        import_statement_file(uow, eur_statement())
    run_match(books.platform.databases, books.ctx)
    with books.uow(write=False) as uow:
        conn = uow.connection
        for level in ("analytic", "synthetic2", "synthetic1"):
            tb = trial_balance(conn, JANUARY, level)
            assert all(tb.facts[f"{pair}_equal"] for pair in ("opening", "period", "total", "closing"))
        statement = account_statement(conn, JANUARY, "5124")
        gains = account_statement(conn, JANUARY, "7651")
    final = [r for r in statement.rows if r[5] == "Sold final"]
    assert [r[-1] for r in final] == [balance(books, "5124")] == [D("11832.48")]
    assert statement.facts["period_debit"] == D("11852.40")
    assert [r[-1] for r in gains.rows if r[5] == "Sold final"] == [D("-23.80")] == [balance(books, "7651")]
