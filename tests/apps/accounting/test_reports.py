"""Reports of one period agree: trial balance, journals, ledger, VAT journals, D300, ageing, D406 streams."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from genius.apps.accounting import exports
from genius.apps.accounting import tables as t
from genius.apps.accounting.commands import ApproveEntry, CreateDraftEntry
from genius.apps.accounting.domain.entries import Line, SourceDocument
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.domain.postings import DocumentPart, PurchaseDocument, SalesDocument, Settlement
from genius.apps.accounting.domain.vat import VatTreatment
from genius.apps.accounting.handlers import entries as h
from genius.apps.accounting.handlers.postings import (
    close_vat,
    partner_account,
    post_purchase_document,
    post_sales_document,
    post_settlement,
)
from genius.apps.accounting.queries import (
    PeriodRange,
    account_statement,
    ageing,
    d300,
    general_ledger,
    partner_statement,
    trial_balance,
    vat_journal,
)
from genius.apps.accounting.queries.saft import account_balances, ledger_totals, stream_entries
from tests.apps.accounting.conftest import Ledger

MARCH = PeriodRange(Period(2026, 3), Period(2026, 3))
Q1 = PeriodRange(Period(2026, 1), Period(2026, 3))


def sale(
    ledger: Ledger,
    n: int,
    on: date,
    parts: tuple[DocumentPart, ...],
    partner: str = "c1",
    credit_note: bool = False,
    foreign: bool = False,
) -> None:
    with ledger.uow() as uow:
        account = partner_account(uow, partner, "customer", f"Client {partner}")
        post_sales_document(
            uow,
            SalesDocument(
                SourceDocument("sales_credit_note" if credit_note else "sales_invoice", f"s{n}", f"GEN-{n}"),
                on,
                partner,
                account,
                "RON",
                None,
                parts,
                None,
                buyer_foreign=foreign,
                due_date=on,
                credit_note=credit_note,
            ),
        )


def purchase(ledger: Ledger, n: int, on: date, parts: tuple[DocumentPart, ...], partner: str = "f1") -> None:
    with ledger.uow() as uow:
        account = partner_account(uow, partner, "supplier", f"Furnizor {partner}")
        post_purchase_document(
            uow,
            PurchaseDocument(
                SourceDocument("supplier_invoice", f"p{n}", f"F-{n}"),
                on,
                partner,
                account,
                "RON",
                None,
                parts,
                due_date=on,
            ),
        )


@pytest.fixture
def books(any_ledger: Ledger) -> Ledger:
    """A quarter of activity: sales at 21/11 %, intra-EU and export, purchases incl. reverse charge."""
    ledger = any_ledger
    with ledger.uow("alice") as uow:
        draft = h.create_draft(
            uow,
            CreateDraftEntry(
                "NC",
                date(2026, 1, 5),
                "Aport capital",
                (Line("5121", debit=D("50000.00")), Line("1012", credit=D("50000.00"))),
            ),
        )
    with ledger.uow("bob") as uow:
        h.approve(uow, ApproveEntry(draft.id))
    sale(ledger, 1, date(2026, 1, 20), (DocumentPart(D("1000.00"), D("210.00"), "S", D("21")),))
    sale(
        ledger,
        2,
        date(2026, 3, 2),
        (
            DocumentPart(D("2000.00"), D("420.00"), "S", D("21")),
            DocumentPart(D("500.00"), D("55.00"), "S", D("11")),
        ),
    )
    sale(
        ledger,
        3,
        date(2026, 3, 5),
        (DocumentPart(D("3000.00"), D("0"), "K", D("0")),),
        partner="c2",
        foreign=True,
    )
    sale(
        ledger,
        4,
        date(2026, 3, 6),
        (DocumentPart(D("800.00"), D("0"), "G", D("0")),),
        partner="c2",
        foreign=True,
    )
    sale(
        ledger, 5, date(2026, 3, 9), (DocumentPart(D("200.00"), D("42.00"), "S", D("21")),), credit_note=True
    )
    purchase(
        ledger,
        1,
        date(2026, 3, 3),
        (DocumentPart(D("600.00"), D("126.00"), "S", D("21"), item_kind="goods"),),
    )
    purchase(
        ledger,
        2,
        date(2026, 3, 4),
        (
            DocumentPart(
                D("1000.00"),
                D("210.00"),
                "AE",
                D("21"),
                item_kind="goods",
                treatment=VatTreatment.PURCHASE_INTRA_EU_GOODS,
            ),
            DocumentPart(
                D("300.00"),
                D("63.00"),
                "AE",
                D("21"),
                item_kind="service",
                treatment=VatTreatment.PURCHASE_EU_SERVICES,
            ),
        ),
        partner="f2",
    )
    with ledger.uow() as uow:
        post_settlement(
            uow,
            Settlement(
                "receipt",
                SourceDocument("bank_line", "b1", "EXT-1"),
                date(2026, 3, 20),
                "c1",
                partner_account(uow, "c1", "customer"),
                "5121",
                D("1210.00"),
            ),
        )
    return ledger


def column(report, key: str) -> int:  # type: ignore[no-untyped-def]
    return [c.key for c in report.columns].index(key)


def tb_value(report, account: str, key: str) -> D:  # type: ignore[no-untyped-def]
    row = next((r for r in report.rows if r[0] == account), None)
    return row[column(report, key)] if row else D("0.00")


def test_trial_balance_agrees_with_the_journals_and_the_lines(books: Ledger) -> None:
    with books.engine.connect() as conn:
        for level in ("analytic", "synthetic2", "synthetic1", "class"):
            tb = trial_balance(conn, MARCH, level)
            assert all(
                tb.facts[f"{pair}_equal"] for pair in ("opening", "previous", "period", "total", "closing")
            )
        tb = trial_balance(conn, MARCH, "analytic")
        journals = conn.execute(
            sa.select(t.entries.c.journal, sa.func.sum(t.entries.c.total))
            .where(t.entries.c.status == "posted", t.entries.c.year == 2026, t.entries.c.month == 3)
            .group_by(t.entries.c.journal)
        ).all()
        from_lines = conn.execute(
            sa.select(t.lines.c.account, sa.func.sum(t.lines.c.debit), sa.func.sum(t.lines.c.credit))
            .join(t.entries, t.entries.c.id == t.lines.c.entry_id)
            .where(
                t.entries.c.status == "posted",
                t.entries.c.entry_date >= date(2026, 3, 1),
                t.entries.c.entry_date <= date(2026, 3, 31),
            )
            .group_by(t.lines.c.account)
        ).all()
        gl = general_ledger(conn, MARCH)
        totals = ledger_totals(conn, date(2026, 3, 1), date(2026, 3, 31))
        streamed = list(stream_entries(conn, date(2026, 3, 1), date(2026, 3, 31), batch=3))
    period_debit = tb.totals[column(tb, "period_debit")]
    # Sum over the journals (VZ, CP, BA, ...) of their entries' totals = the period turnover.
    assert sum((D(int(total)) / 100 for _, total in journals), D(0)) == period_debit
    assert {j for j, _ in journals} == {"VZ", "CP", "BA"}
    for account, debit, credit in from_lines:  # the summary table equals the lines, account by account
        assert tb_value(tb, account, "period_debit") == D(int(debit)) / 100
        assert tb_value(tb, account, "period_credit") == D(int(credit)) / 100
    assert gl.facts["period_debit"] == period_debit == totals.debit == totals.credit
    assert len(streamed) == totals.entries and sum(len(e.lines) for e in streamed) == totals.lines
    assert all(sum(x.debit for x in e.lines) == sum(x.credit for x in e.lines) for e in streamed)
    # Opening of March = closing of February: January and February turnovers are "previous".
    q1 = trial_balance(books.engine.connect(), Q1, "synthetic2")
    assert (
        tb_value(q1, "5121", "closing_debit")
        == tb_value(trial_balance(books.engine.connect(), MARCH), "5121", "closing_debit")
        == D("51210.00")
    )


def test_vat_journals_and_d300_agree_with_4426_and_4427(books: Ledger) -> None:
    with books.engine.connect() as conn:
        tb = trial_balance(conn, MARCH, "synthetic2")
        sales = vat_journal(conn, MARCH, "sales")
        purchases = vat_journal(conn, MARCH, "purchases")
        values = d300(conn, MARCH)
    collected = tb_value(tb, "4427", "period_credit") - tb_value(tb, "4427", "period_debit")
    deductible = tb_value(tb, "4426", "period_debit") - tb_value(tb, "4426", "period_credit")
    # 420 + 55 - 42 (credit note in red) on sales; 210 + 63 self-assessed on reverse-charge purchases.
    assert sales.facts["vat_total"] == D("433.00")
    assert purchases.facts["reverse_charge_collected"] == D("273.00")
    assert collected == sales.facts["vat_total"] + purchases.facts["reverse_charge_collected"]
    assert deductible == purchases.facts["vat_total"] == D("399.00")
    assert sales.facts["documents"] == 4 and purchases.facts["documents"] == 2
    rows = {r[0]: r for r in values.rows}
    assert rows["9"][2] == D("1800.00") and rows["9"][4] == D("378.00")  # 2000 - 200 (credit note) at 21 %
    assert rows["10"][4] == D("55.00") and rows["1"][2] == D("3000.00") and rows["14"][2] == D("800.00")
    assert rows["5"][4] == rows["20"][4] == D("210.00") and rows["5"][2] == rows["20"][2]  # mirror rows
    assert rows["7.1"][4] == rows["22.1"][4] == D("63.00")
    assert rows["19"][4] == collected and rows["30"][4] == deductible
    assert values.facts["payable"] == collected - deductible == D("307.00") and rows["37"][5] == 307
    # Month-end VAT closing moves exactly that into 4423 and empties 4426/4427.
    with books.uow() as uow:
        closing = close_vat(uow, Period(2026, 3))
    assert closing is not None
    with books.engine.connect() as conn:
        after = trial_balance(conn, Q1, "synthetic2")
    assert tb_value(after, "4423", "closing_credit") == D("307.00") + D("210.00")  # January's VAT too
    assert tb_value(after, "4426", "closing_debit") == tb_value(after, "4426", "closing_credit") == D("0.00")
    assert tb_value(after, "4427", "closing_credit") == tb_value(after, "4427", "closing_debit") == D("0.00")


def test_statements_and_ageing_agree_with_the_trial_balance(books: Ledger) -> None:
    with books.engine.connect() as conn:
        tb = trial_balance(conn, Q1, "synthetic2")
        statement = account_statement(conn, Q1, "4111")
        receivables = ageing(conn, "receivables", date(2026, 4, 10))
        payables = ageing(conn, "payables", date(2026, 3, 31))
        partner = partner_statement(conn, Q1, "c1")
        balances = {b.account: b for b in account_balances(conn, Period(2026, 3), Period(2026, 3))}
    closing_4111 = tb_value(tb, "4111", "closing_debit") - tb_value(tb, "4111", "closing_credit")
    finals = [r for r in statement.rows if r[5] == "Sold final"]
    assert sum((r[-1] for r in finals), D(0)) == closing_4111
    total = receivables.totals[column(receivables, "total")]
    assert total == closing_4111 == D("1210.00") + D("2975.00") + D("3800.00") - D("242.00") - D("1210.00")
    # c1 paid January's invoice; March's less the credit note is left, 39 days overdue on 10 April
    c1 = next(r for r in receivables.rows if r[0] == "c1")
    assert c1[column(receivables, "d61_90")] == D("0.00") and c1[column(receivables, "d31_60")] == D(
        "2733.00"
    )
    assert payables.totals[column(payables, "total")] == D("726.00") + D("1300.00")
    assert partner.rows[-1][5] == "Sold final" and partner.rows[-1][-1] == D("2733.00")
    assert (
        balances["4111.00001"].closing == D("2733.00")
        and balances["4111.00001"].saft_account_id == "411100001"
    )


def test_exports_render_every_format(books: Ledger) -> None:
    from openpyxl import load_workbook

    with books.engine.connect() as conn:
        tb = trial_balance(conn, MARCH, "synthetic2")
    as_csv = exports.export(tb, "csv")
    text = as_csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Cont;Denumire;Sold inițial debit")
    assert "4427;TVA colectată" in text
    as_xlsx = exports.export(tb, "xlsx")
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet.cell(1, 1).value == "Balanța de verificare" and sheet.cell(3, 1).value == "Cont"
    as_pdf = exports.export(tb, "pdf")
    assert as_pdf.content.startswith(b"%PDF") and as_pdf.media_type == "application/pdf"
    assert tb.as_json()["totals"]["period_debit"] == str(tb.totals[column(tb, "period_debit")])
