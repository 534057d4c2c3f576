"""The ledger's guards on SQLite and PostgreSQL: the database itself refuses what the domain refuses,
and the handlers refuse bad input naming the entry, line, account or period with nothing half-posted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from genius.apps.accounting import tables as t
from genius.apps.accounting.commands import ApproveEntry, ChangePeriod, CreateDraftEntry, ReverseEntry
from genius.apps.accounting.domain.entries import EntryDraft, Line, SourceDocument
from genius.apps.accounting.domain.errors import (
    AlreadyPosted,
    PeriodClosed,
    SegregationOfDuties,
    UnbalancedEntry,
    UnknownAccount,
)
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.handlers import entries as h
from genius.apps.accounting.handlers.periods import change_period
from genius.kernel.errors import Conflict
from tests.apps.accounting.conftest import Ledger

DAY = date(2026, 3, 10)
NOW = "2026-03-10 10:00:00"


def counts(ledger: Ledger) -> dict[str, int]:
    out = {name: ledger.count(name) for name in ("acc_entries", "acc_lines", "acc_balances")}
    out["outbox"] = int(
        ledger.scalar(
            f"SELECT COUNT(*) FROM {'bus.' if 'accounting.' in ledger.table('x') else ''}bus_outbox"
        )
    )
    return out


def raw_entry(
    conn: sa.Connection, ledger: Ledger, entry_id: str, *, storno: bool = False, month: int = 3
) -> None:
    conn.execute(
        sa.text(
            f"INSERT INTO {ledger.table('acc_entries')} (id, journal, entry_date, year, month, status, "
            "storno, description, total, created_at) "
            "VALUES (:id, 'NC', :d, 2026, :m, 'draft', :s, 'raw', 0, :now)"
        ),
        {"id": entry_id, "d": date(2026, month, 10), "m": month, "s": storno, "now": NOW},
    )


def raw_line(
    conn: sa.Connection, ledger: Ledger, entry_id: str, no: int, account: str, debit: int, credit: int
) -> None:
    conn.execute(
        sa.text(
            f"INSERT INTO {ledger.table('acc_lines')} (entry_id, line_no, account, debit, credit, currency, "
            "description) VALUES (:e, :n, :a, :d, :c, 'RON', '')"
        ),
        {"e": entry_id, "n": no, "a": account, "d": debit, "c": credit},
    )


def post_raw(conn: sa.Connection, ledger: Ledger, entry_id: str) -> None:
    conn.execute(
        sa.text(f"UPDATE {ledger.table('acc_entries')} SET status = 'posted', number = :n WHERE id = :id"),
        {"id": entry_id, "n": f"NC-2026-{entry_id}"},
    )


def test_an_unbalanced_entry_written_with_raw_sql_is_refused_by_the_database(any_ledger: Ledger) -> None:
    # PostgreSQL refuses at COMMIT (deferred constraint trigger), SQLite at the posting UPDATE.
    with pytest.raises(DBAPIError, match="acc_unbalanced"), any_ledger.engine.begin() as conn:
        raw_entry(conn, any_ledger, "raw1")
        raw_line(conn, any_ledger, "raw1", 1, "5121", 10000, 0)
        raw_line(conn, any_ledger, "raw1", 2, "4111", 0, 9000)
        post_raw(conn, any_ledger, "raw1")
    assert any_ledger.count("acc_entries") == 0 and any_ledger.count("acc_balances") == 0


def test_the_database_refuses_posted_inserts_changes_and_deletes(any_ledger: Ledger) -> None:
    with any_ledger.engine.begin() as conn:
        raw_entry(conn, any_ledger, "ok1")
        raw_line(conn, any_ledger, "ok1", 1, "5121", 10000, 0)
        raw_line(conn, any_ledger, "ok1", 2, "4111", 0, 10000)
        post_raw(conn, any_ledger, "ok1")
    entries, lines = any_ledger.table("acc_entries"), any_ledger.table("acc_lines")
    refused = [
        f"UPDATE {lines} SET debit = 1 WHERE entry_id = 'ok1' AND line_no = 1",
        f"DELETE FROM {lines} WHERE entry_id = 'ok1'",
        f"UPDATE {entries} SET description = 'changed' WHERE id = 'ok1'",
        f"DELETE FROM {entries} WHERE id = 'ok1'",
        f"INSERT INTO {lines} (entry_id, line_no, account, debit, credit, currency, description) "
        "VALUES ('ok1', 3, '5121', 5, 0, 'RON', '')",
        f"INSERT INTO {entries} (id, journal, entry_date, year, month, status, storno, description, total, "
        f"created_at) VALUES ('p2', 'NC', '2026-03-10', 2026, 3, 'posted', false, 'x', 0, '{NOW}')",
    ]
    for statement in refused:
        refusal = pytest.raises(DBAPIError, match=r"acc_posted_immutable|acc_post_by_update")
        with refusal, any_ledger.engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert any_ledger.scalar(f"SELECT SUM(debit) FROM {lines} WHERE entry_id = 'ok1'") == 10000
    # The summary the trial balance reads was filled by the posting.
    assert (
        any_ledger.scalar(f"SELECT debit FROM {any_ledger.table('acc_balances')} WHERE account = '5121'")
        == 10000
    )


def test_negative_amounts_only_on_storno_entries_at_the_database(any_ledger: Ledger) -> None:
    with pytest.raises(DBAPIError, match="acc_negative_amount"), any_ledger.engine.begin() as conn:
        raw_entry(conn, any_ledger, "neg1")
        raw_line(conn, any_ledger, "neg1", 1, "5121", -100, 0)
    with any_ledger.engine.begin() as conn:
        raw_entry(conn, any_ledger, "red1", storno=True)
        raw_line(conn, any_ledger, "red1", 1, "5121", -100, 0)
        raw_line(conn, any_ledger, "red1", 2, "4111", 0, -100)
        post_raw(conn, any_ledger, "red1")
    assert (
        any_ledger.scalar(f"SELECT status FROM {any_ledger.table('acc_entries')} WHERE id = 'red1'")
        == "posted"
    )


def test_the_database_refuses_posting_into_a_closed_month(any_ledger: Ledger) -> None:
    with any_ledger.uow() as uow:
        change_period(uow, ChangePeriod(Period(2026, 2), "close"))
    with pytest.raises(DBAPIError, match="acc_period_closed"), any_ledger.engine.begin() as conn:
        raw_entry(conn, any_ledger, "feb1", month=2)
        raw_line(conn, any_ledger, "feb1", 1, "5121", 100, 0)
        raw_line(conn, any_ledger, "feb1", 2, "4111", 0, 100)
        post_raw(conn, any_ledger, "feb1")


def draft(*lines: Line, on: date = DAY) -> EntryDraft:
    return EntryDraft("NC", on, "Aport capital", lines)


def test_handlers_refuse_bad_entries_by_name_and_write_nothing(any_ledger: Ledger) -> None:
    before = counts(any_ledger)
    with pytest.raises(UnbalancedEntry, match=r"debit 100.00 != credit 99.99"), any_ledger.uow() as uow:
        h.post(uow, draft(Line("5121", debit=D("100.00")), Line("1012", credit=D("99.99"))))
    with pytest.raises(UnknownAccount, match=r"line 2: account '1019'"), any_ledger.uow() as uow:
        h.post(uow, draft(Line("5121", debit=D("100.00")), Line("1019", credit=D("100.00"))))
    with any_ledger.uow("u1") as uow:
        change_period(uow, ChangePeriod(Period(2026, 1), "lock"))
    with pytest.raises(PeriodClosed, match="period 2026-01 is locked"), any_ledger.uow() as uow:
        h.post(
            uow,
            draft(Line("5121", debit=D("1.00")), Line("1012", credit=D("1.00")), on=date(2026, 1, 31)),
        )
    locked = pytest.raises(Conflict, match="2026-01 is locked and cannot become open")
    with locked, any_ledger.uow("u1") as uow:
        change_period(uow, ChangePeriod(Period(2026, 1), "reopen"))
    # A failure after some rows were written rolls them all back: the second posting of a source.
    source_draft = EntryDraft(
        "NC",
        DAY,
        "x",
        (Line("5121", debit=D("1.00")), Line("1012", credit=D("1.00"))),
        source=SourceDocument("manual_import", "m1", "M-1"),
    )
    with any_ledger.uow() as uow:
        h.post(uow, source_draft)
    after_one = counts(any_ledger)
    with pytest.raises(AlreadyPosted, match="already in the ledger"), any_ledger.uow() as uow:
        h.post(
            uow,
            EntryDraft("NC", DAY, "y", (Line("5311", debit=D("2.00")), Line("1012", credit=D("2.00")))),
        )
        h.post(uow, source_draft)
    assert counts(any_ledger) == after_one
    assert (
        after_one["acc_entries"] == before["acc_entries"] + 1
        and after_one["acc_lines"] == before["acc_lines"] + 2
    )


def test_a_manual_entry_needs_a_second_user_and_corrections_are_reversals(any_ledger: Ledger) -> None:
    lines = (
        Line("5311", debit=D("500.00"), cost_centre="CC1", project="P-7"),
        Line("1012", credit=D("500.00")),
    )
    with any_ledger.uow("alice") as uow:
        drafted = h.create_draft(uow, CreateDraftEntry("NC", DAY, "Aport numerar", lines), any_ledger.trail)
    assert drafted.number is None and drafted.created_by == "alice"
    assert any_ledger.count("acc_balances") == 0  # a draft is not in the ledger
    four_eyes = pytest.raises(SegregationOfDuties, match="another user must approve it")
    with four_eyes, any_ledger.uow("alice") as uow:
        h.approve(uow, ApproveEntry(drafted.id), any_ledger.trail)
    with any_ledger.uow("bob") as uow:
        posted = h.approve(uow, ApproveEntry(drafted.id), any_ledger.trail)
    assert posted.number == "NC-2026-000001" and posted.approved_by == "bob"
    assert posted.lines[0].cost_centre == "CC1" and posted.lines[0].project == "P-7"
    with any_ledger.uow("bob") as uow:
        reversal = h.reverse(uow, ReverseEntry(posted.id, date(2026, 3, 15)), any_ledger.trail)
    assert reversal.storno and reversal.reverses == posted.id and reversal.number == "NC-2026-000002"
    with pytest.raises(AlreadyPosted, match="already reversed"), any_ledger.uow("bob") as uow:
        h.reverse(uow, ReverseEntry(posted.id, date(2026, 3, 16)))
    with any_ledger.engine.connect() as conn:
        net = conn.execute(
            sa.select(sa.func.sum(t.balances.c.debit), sa.func.sum(t.balances.c.credit)).where(
                t.balances.c.account == "5311"
            )
        ).one()
    assert tuple(net) == (0, 0)  # 500.00 and its red reversal
    actions = any_ledger.scalar(
        f"SELECT COUNT(*) FROM {'audit.' if 'accounting.' in any_ledger.table('x') else ''}audit_records "
        "WHERE action LIKE 'accounting.entry.%'"
    )
    assert actions == 3  # draft, approve, reverse


def test_the_period_columns_must_match_the_entry_date(any_ledger: Ledger) -> None:
    with (
        pytest.raises(DBAPIError, match=r"acc_period_mismatch|ck_acc_entries_period"),
        any_ledger.engine.begin() as conn,
    ):
        conn.execute(
            sa.text(
                f"INSERT INTO {any_ledger.table('acc_entries')} (id, journal, entry_date, year, month, "
                "status, storno, description, total, created_at) "
                "VALUES ('x1', 'NC', :d, 2026, 4, 'draft', false, 'x', 0, :now)"
            ),
            {"d": date(2026, 3, 31), "now": NOW},
        )
