"""Transfers between the tenant's own accounts: both legs through 581, a currency purchase's difference on
6651 / 7651, a cash withdrawal's bank leg (the cash register records the other)."""

from __future__ import annotations

from decimal import Decimal as D

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.bank.handlers.imports import import_statement_file
from genius.apps.accounting.bank.handlers.matching import run_match
from genius.apps.accounting.handlers import treasury
from tests.apps.accounting.bank.conftest import Books, sample
from tests.apps.accounting.bank.test_fx_postings import set_rate

LEI_IBAN = "RO74RNCB0082000123450001"  # the BCR sample's account
EUR_IBAN = "RO02RNCB0300000777660001"  # the sample pays 1190.00 lei to it: here the tenant's own EUR account

EUR_LEG = f"""\
:20:2601150009
:25:{EUR_IBAN}
:28C:00001/1
:60F:C260114EUR0,00
:61:2601150115C238,00NTRFNONREF//2026011500000303
:86:Referinta 260115S00000303, data valutei 15-01-2026, Decontare
 -Platitor  EXEMPLU SOFT SRL  {LEI_IBAN}  CODFISC R
O18547290-Beneficiar  EXEMPLU SOFT SRL  {EUR_IBAN}
 CODFISC 18547290-Detalii  schimb valutar
:62F:C260115EUR238,00
"""

CASH = f"""\
:20:2601160001
:25:{LEI_IBAN}
:28C:00016/1
:60F:C260115RON13686,00
:61:2601160116D500,00NTRFNONREF//2026011600000404
:86:Retragere numerar de la ghiseu, Ioana Popescu
:62F:C260116RON13186,00
"""


def transfer_entries(books: Books) -> dict[str, list[tuple[str, D, D]]]:
    """Each internal transfer entry (by role and journal), as (account, debit, credit) sorted."""
    out = {}
    with books.uow(write=False) as uow:
        for row in books.rows("acc_entries"):
            if row.source_type == "bank_line" and row.source_role.startswith("transfer"):
                entry = acc_repo.get_entry(uow.connection, row.id)
                line = next(r for r in books.rows("bank_lines") if r.id == row.source_id)
                key = f"{row.journal}:{line.amount}"
                out[key] = sorted((x.account, x.debit, x.credit) for x in entry.lines)
    return out


def own_accounts(books: Books) -> None:
    with books.uow() as uow:
        treasury.save_bank_account(uow, LEI_IBAN, "RON", "5121", "BCR lei")
        treasury.save_bank_account(uow, EUR_IBAN, "EUR", "5124", "BCR EUR")


def test_a_currency_purchase_posts_both_legs_through_581(books: Books) -> None:
    own_accounts(books)
    set_rate(books, "4.9800")
    with books.uow() as uow:
        import_statement_file(uow, sample("bcr.sta"))
    summary = run_match(books.platform.databases, books.ctx)
    assert summary.transfers == 1
    assert transfer_entries(books) == {
        "BA:-1190.00": [("5121", D(0), D("1190.00")), ("581", D("1190.00"), D(0))],
    }
    leg = next(r for r in books.rows("bank_lines") if r.amount == "-1190.00")
    assert leg.status == "transfer" and "581" in leg.note
    # The EUR leg: 238.00 EUR bought with 1190.00 lei (5.00), BNR says 4.98: 1185.24 lei, 4.76 lost.
    with books.uow() as uow:
        import_statement_file(uow, EUR_LEG.encode())
    assert run_match(books.platform.databases, books.ctx).transfers == 1
    assert transfer_entries(books)["BA:238.00"] == [
        ("5124", D("1185.24"), D(0)),
        ("581", D(0), D("1190.00")),
        ("6651", D("4.76"), D(0)),
    ]
    moves = [
        (x.debit, x.credit)
        for e in books.rows("acc_entries")
        if e.source_role == "transfer"
        for x in books.rows("acc_lines", entry_id=e.id)
        if x.account == "581"
    ]
    assert sum(d - c for d, c in moves) == 0  # 581 is cleared
    # A second run finds nothing left to post.
    assert run_match(books.platform.databases, books.ctx).transfers == 0


def test_a_line_to_someone_elses_account_is_not_a_transfer(books: Books) -> None:
    with books.uow() as uow:
        treasury.save_bank_account(uow, LEI_IBAN, "RON", "5121", "BCR lei")
        import_statement_file(uow, sample("bcr.sta"))
    assert run_match(books.platform.databases, books.ctx).transfers == 0
    assert transfer_entries(books) == {}


def test_a_cash_withdrawal_posts_the_bank_leg_to_581(books: Books) -> None:
    with books.uow() as uow:
        import_statement_file(uow, sample("bcr.sta"))
        import_statement_file(uow, CASH.encode())
    run_match(books.platform.databases, books.ctx)
    assert transfer_entries(books) == {
        "BA:-500.00": [("5121", D(0), D("500.00")), ("581", D("500.00"), D(0))],
    }
    line = next(r for r in books.rows("bank_lines") if r.amount == "-500.00")
    assert line.status == "transfer" and "the cash register records its leg (5311 = 581)" in line.note
