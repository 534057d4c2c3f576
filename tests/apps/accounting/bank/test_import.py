"""Importing statements: each line once per account, re-imports report duplicates, continuity warned."""

from __future__ import annotations

import pytest

from genius.apps.accounting.bank.handlers.imports import import_statement_file
from genius.fiscal.ro.bankstatements import MalformedStatement
from tests.apps.accounting.bank.conftest import Books, sample


def run(books: Books, data: bytes, name: str = "x.sta"):  # type: ignore[no-untyped-def]
    with books.uow() as uow:
        return import_statement_file(uow, data, file_name=name, imported_by="u1")


def test_a_statement_is_stored_once_and_a_reimport_reports_duplicates(books: Books) -> None:
    first = run(books, sample("bcr.sta"), "extras.sta")
    (st,) = first.statements
    assert (first.format.value, st.lines, st.new_lines, st.duplicate_lines, st.already_imported) == (
        "mt940",
        3,
        3,
        0,
        False,
    )
    again = run(books, sample("bcr.sta"))
    assert (again.new_lines, again.duplicate_lines, again.statements[0].already_imported) == (0, 3, True)
    assert again.statements[0].id == st.id
    assert len(books.rows("bank_statements")) == 1 and len(books.rows("bank_lines")) == 3
    # The fee line shares the transfer's bank reference and is still its own line.
    amounts = sorted(r.amount for r in books.rows("bank_lines"))
    assert amounts == ["-1190.00", "-4.00", "2380.00"]
    assert {r.status for r in books.rows("bank_lines")} == {"new"}
    (event,) = [r for r in books.rows("bus_outbox") if r.type == "accounting.bank_statement.imported"]
    assert event is not None


def test_an_overlapping_statement_adds_only_its_new_lines(books: Books) -> None:
    text = sample("raiffeisen.sta").decode()
    first_day = (
        text.split(":61:2605040504RC150")[0].replace(":62F:C260504RON2980,00", "")
        + ":62F:C260504RON3142,00\n"
    )
    result = run(books, first_day.encode())
    assert result.new_lines == 1
    whole = run(books, sample("raiffeisen.sta"))
    assert (whole.new_lines, whole.duplicate_lines) == (2, 1)
    assert len(books.rows("bank_lines")) == 3


def test_opening_balance_continuity_is_checked_against_the_previous_statement(books: Books) -> None:
    base = sample("brd.txt").decode().replace("\r\n", "\n")
    run(books, base.encode())
    follows = (
        base.replace(":20:6450374100", ":20:6450374101")
        .replace("C260202RON5000,00", "C260202RON6497,50")
        .replace("2602020202", "2602030203")
        .replace("C260202RON6497,50\n:64:C260202RON6497,50", "C260203RON7995,00\n:64:C260203RON7995,00")
    )
    assert run(books, follows.encode()).statements[0].warnings == []
    gap = (
        follows.replace(":20:6450374101", ":20:6450374102")
        .replace("C260202RON6497,50", "C260204RON9000,00")
        .replace("2602030203", "2602050205")
        .replace("C260203RON7995,00", "C260205RON10497,50")
    )
    (warned,) = run(books, gap.encode()).statements
    assert len(warned.warnings) == 1 and "differs from the closing balance 7995.00" in warned.warnings[0]
    assert warned.new_lines == 2


def test_a_malformed_file_is_refused_whole_and_names_the_line(books: Books) -> None:
    broken = sample("ing.txt").decode().replace(":61:260410DN300,00", ":61:260410DN300.00")
    with pytest.raises(MalformedStatement) as caught:
        run(books, broken.encode())
    assert caught.value.field == ":61:" and caught.value.line == 12
    assert books.rows("bank_statements") == [] and books.rows("bank_lines") == []


def test_camt_and_every_bank_sample_import(books: Books) -> None:
    for name in (
        "bcr.sta",
        "brd.txt",
        "bt.txt",
        "ing.txt",
        "raiffeisen.sta",
        "camt053_v02.xml",
        "camt053_v08.xml",
    ):
        result = run(books, sample(name), name)
        assert result.new_lines == sum(s.lines for s in result.statements) > 0, name
    assert len(books.rows("bank_statements")) == 7
