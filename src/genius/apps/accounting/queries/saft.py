"""What the D406 (SAF-T) export reads from the ledger: posted entries streamed by period, totals, balances.

``stream_entries`` walks posted entries of ``first``..``last`` in (date, journal, number) order
with a server-side cursor (``yield_per``), so a month of millions of lines is never held in
memory; it yields one ``GlEntry`` (header + lines) at a time. ``ledger_totals`` answers the
GeneralLedgerEntries header (NumberOfEntries, TotalDebit, TotalCredit). ``account_balances``
gives the opening and closing balance of every account (GeneralLedgerAccounts), from the
summary table; ``saft_account_id`` is the account code without the dot (D406 wants digits).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import repository as repo
from genius.apps.accounting import tables as t
from genius.apps.accounting.domain.periods import Period

STREAM_BATCH = 5000


@dataclass(frozen=True)
class GlLine:
    record_id: int
    account: str
    saft_account_id: str
    partner_id: str | None
    debit: Decimal
    credit: Decimal
    currency: str
    currency_amount: Decimal | None
    exchange_rate: Decimal | None
    description: str
    vat_treatment: str | None
    vat_rate: Decimal | None
    vat_role: str | None
    cost_centre: str | None
    project: str | None


@dataclass(frozen=True)
class GlEntry:
    id: str
    journal: str
    number: str
    entry_date: date
    period: Period
    description: str
    storno: bool
    source_type: str | None
    source_id: str | None
    source_number: str | None
    created_by: str | None
    approved_by: str | None
    posted_at: object
    lines: tuple[GlLine, ...]


@dataclass(frozen=True)
class LedgerTotals:
    entries: int
    lines: int
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True)
class AccountBalance:
    account: str
    saft_account_id: str
    name: str
    type: str | None
    opening: Decimal  # debit - credit before ``first``
    closing: Decimal  # debit - credit at the end of ``last``


def _window(first: date, last: date):  # type: ignore[no-untyped-def]
    e = t.entries.c
    return (e.status == "posted") & (e.entry_date >= first) & (e.entry_date <= last)


def stream_entries(conn: Connection, first: date, last: date, batch: int = STREAM_BATCH) -> Iterator[GlEntry]:
    e, line, a = t.entries.c, t.lines.c, t.accounts.c
    query = (
        sa.select(
            e.id,
            e.journal,
            e.number,
            e.entry_date,
            e.year,
            e.month,
            e.description,
            e.storno,
            e.source_type,
            e.source_id,
            e.source_number,
            e.created_by,
            e.approved_by,
            e.posted_at,
            line.id.label("line_id"),
            line.account,
            a.saft_account_id,
            line.partner_id,
            line.debit,
            line.credit,
            line.currency,
            line.currency_amount,
            line.exchange_rate,
            line.description.label("line_description"),
            line.vat_treatment,
            line.vat_rate,
            line.vat_role,
            line.cost_centre,
            line.project,
        )
        .join(t.entries, e.id == line.entry_id)
        .join(t.accounts, a.code == line.account)
        .where(_window(first, last))
        .order_by(e.entry_date, e.journal, e.number, line.line_no)
    )
    result = conn.execute(query.execution_options(yield_per=batch))  # the statement, not the connection
    header = None
    lines: list[GlLine] = []
    for row in result:
        if header is not None and row.id != header.id:
            yield _entry(header, lines)
            lines = []
        header = row
        lines.append(
            GlLine(
                row.line_id,
                row.account,
                row.saft_account_id,
                row.partner_id,
                repo.from_bani(row.debit),
                repo.from_bani(row.credit),
                row.currency,
                repo.from_bani(row.currency_amount) if row.currency_amount is not None else None,
                Decimal(row.exchange_rate) if row.exchange_rate else None,
                row.line_description or row.description,
                row.vat_treatment,
                Decimal(row.vat_rate) if row.vat_rate else None,
                row.vat_role,
                row.cost_centre,
                row.project,
            )
        )
    if header is not None:
        yield _entry(header, lines)


def _entry(row: object, lines: list[GlLine]) -> GlEntry:
    r = row  # a Row with the header columns
    return GlEntry(
        r.id,
        r.journal,
        r.number,
        r.entry_date,
        Period(r.year, r.month),
        r.description,
        bool(r.storno),  # type: ignore[attr-defined]
        r.source_type,
        r.source_id,
        r.source_number,
        r.created_by,
        r.approved_by,
        r.posted_at,  # type: ignore[attr-defined]
        tuple(lines),
    )


def ledger_totals(conn: Connection, first: date, last: date) -> LedgerTotals:
    e, line = t.entries.c, t.lines.c
    row = conn.execute(
        sa.select(
            sa.func.count(sa.distinct(e.id)),
            sa.func.count(line.id),
            sa.func.coalesce(sa.func.sum(line.debit), 0),
            sa.func.coalesce(sa.func.sum(line.credit), 0),
        )
        .join(t.entries, e.id == line.entry_id)
        .where(_window(first, last))
    ).one()
    return LedgerTotals(int(row[0]), int(row[1]), repo.from_bani(row[2]), repo.from_bani(row[3]))


def account_balances(conn: Connection, first: Period, last: Period) -> list[AccountBalance]:
    """Every account with a balance or a movement: opening before ``first``, closing after ``last``."""
    b, a = t.balances.c, t.accounts.c
    before = (b.year < first.year) | ((b.year == first.year) & (b.month < first.month))
    until = (b.year < last.year) | ((b.year == last.year) & (b.month <= last.month))
    zero = sa.literal(0)
    query = (
        sa.select(
            a.code,
            a.saft_account_id,
            a.name,
            a.type,
            sa.func.sum(sa.case((before, b.debit - b.credit), else_=zero)),
            sa.func.sum(b.debit - b.credit),
        )
        .join(t.accounts, a.code == b.account)
        .where(until)
        .group_by(a.code, a.saft_account_id, a.name, a.type)
        .order_by(a.code)
    )
    return [
        AccountBalance(code, saft_id, name, type_, repo.from_bani(opening), repo.from_bani(closing))
        for code, saft_id, name, type_, opening, closing in conn.execute(query)
    ]
