"""Registrul jurnal / cartea mare (general ledger), fișa contului (account statement), fișa partenerului.

Each account (or partner) starts with its balance before the period (from the summary for
accounts, from the lines for a partner), then every posted line of the period in date and
number order with a running balance, then its closing balance.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import repository as repo
from genius.apps.accounting import tables as t
from genius.apps.accounting.queries.report import Column, PeriodRange, ReportTable
from genius.kernel.errors import NotFound, ValidationError

COLUMNS = [
    Column("account", "Cont"),
    Column("date", "Data", "date"),
    Column("journal", "Jurnal"),
    Column("number", "Număr notă"),
    Column("document", "Document"),
    Column("description", "Explicații"),
    Column("partner", "Partener"),
    Column("debit", "Debit", "amount"),
    Column("credit", "Credit", "amount"),
    Column("balance", "Sold", "amount"),
]


def _lei(bani: int | None) -> Decimal:
    return (Decimal(int(bani or 0)) / 100).quantize(Decimal("0.01"))


def _prefix_filter(conn: Connection, column: Any, prefix: str | None) -> Any:
    """Accounts whose code starts with ``prefix`` (4111 -> 4111 and 4111.*), as an IN list.

    The codes come from the small accounts table, so the lines are read through their account
    index; a LIKE on the lines would scan them all on PostgreSQL.
    """
    if not prefix:
        return sa.true()
    if not prefix.replace(".", "").isdigit():
        raise ValidationError.for_field("account", f"{prefix!r} is not an account code")
    codes = conn.execute(
        sa.select(t.accounts.c.code).where(t.accounts.c.code.startswith(prefix, autoescape=True))
    ).scalars()
    return column.in_(list(codes))


def _openings(conn: Connection, months: PeriodRange, prefix: str | None) -> dict[str, int]:
    b = t.balances.c
    before = (b.year < months.first.year) | ((b.year == months.first.year) & (b.month < months.first.month))
    rows = conn.execute(
        sa.select(b.account, sa.func.sum(b.debit - b.credit))
        .where(before, _prefix_filter(conn, b.account, prefix))
        .group_by(b.account)
    )
    return {account: int(net or 0) for account, net in rows}


def _lines(conn: Connection, months: PeriodRange, where: Any) -> Iterator[Any]:
    e, line = t.entries.c, t.lines.c
    query = (
        sa.select(
            line.account,
            e.entry_date,
            e.journal,
            e.number,
            e.source_number,
            e.description,
            line.description.label("line_description"),
            t.partners.c.name.label("partner_name"),
            line.partner_id,
            line.debit,
            line.credit,
        )
        .join(t.entries, e.id == line.entry_id)
        .outerjoin(t.partners, t.partners.c.id == line.partner_id)
        .where(e.status == "posted", e.entry_date >= months.first_day, e.entry_date <= months.last_day, where)
        .order_by(line.account, e.entry_date, e.journal, e.number, line.line_no)
    )
    yield from conn.execute(query)


def general_ledger(conn: Connection, months: PeriodRange, account: str | None = None) -> ReportTable:
    """Every account touched (or ``account`` and its analytics), its opening, lines and closing."""
    openings = _openings(conn, months, account)
    report = ReportTable(
        "general-ledger", "Cartea mare", f"{months}" + (f" · cont {account}" if account else ""), COLUMNS
    )
    _fill(report, openings, _lines(conn, months, _prefix_filter(conn, t.lines.c.account, account)), months)
    return report


def account_statement(conn: Connection, months: PeriodRange, account: str) -> ReportTable:
    """Fișa contului: one account (a synthetic code includes its analytics: 4111 -> 4111.*)."""
    known = conn.execute(sa.select(t.accounts.c.name).where(t.accounts.c.code == account)).first()
    if known is None:
        raise NotFound(f"account {account!r} is not in the ledger")
    report = general_ledger(conn, months, account)
    report.name, report.title = "account-statement", f"Fișa contului {account} {known.name}"
    return report


def partner_statement(conn: Connection, months: PeriodRange, partner_id: str) -> ReportTable:
    """Fișa partenerului: the partner's lines on its receivable and payable accounts, with balances."""
    partner = conn.execute(sa.select(t.partners).where(t.partners.c.id == partner_id)).first()
    if partner is None:
        raise NotFound(f"partner {partner_id!r} has no entries in the ledger")
    e, line = t.entries.c, t.lines.c
    settings = repo.load_settings(conn)
    accounts = {settings.receivable_account, settings.payable_account}
    accounts |= {a for a in (partner.customer_account, partner.supplier_account) if a}
    third_party = line.account.in_(sorted(accounts)) & (line.partner_id == partner_id)
    opening_rows = conn.execute(
        sa.select(line.account, sa.func.sum(line.debit - line.credit))
        .join(t.entries, e.id == line.entry_id)
        .where(e.status == "posted", e.entry_date < months.first_day, third_party)
        .group_by(line.account)
    )
    openings = {account: int(net or 0) for account, net in opening_rows}
    report = ReportTable("partner-statement", f"Fișa partenerului {partner.name}", str(months), COLUMNS)
    _fill(report, openings, _lines(conn, months, third_party), months)
    report.facts["partner_id"] = partner_id
    return report


def _fill(report: ReportTable, openings: dict[str, int], rows: Iterator[Any], months: PeriodRange) -> None:
    """Opening line, lines with running balance, closing line per account; totals of the period."""
    current: str | None = None
    balance = 0
    total_d = total_c = 0
    seen: set[str] = set()

    def open_account(account: str) -> None:
        nonlocal current, balance
        current, balance = account, openings.get(account, 0)
        seen.add(account)
        report.rows.append(
            [account, months.first_day, "", "", "", "Sold inițial", "", None, None, _lei(balance)]
        )

    def close_account() -> None:
        if current is not None:
            report.rows.append(
                [current, months.last_day, "", "", "", "Sold final", "", None, None, _lei(balance)]
            )

    for row in rows:
        if row.account != current:
            close_account()
            open_account(row.account)
        balance += int(row.debit) - int(row.credit)
        total_d += int(row.debit)
        total_c += int(row.credit)
        description = row.line_description or row.description
        report.rows.append(
            [
                row.account,
                row.entry_date,
                row.journal,
                row.number,
                row.source_number or "",
                description,
                row.partner_name or row.partner_id or "",
                _lei(row.debit),
                _lei(row.credit),
                _lei(balance),
            ]
        )
    close_account()
    for account in sorted(a for a, net in openings.items() if a not in seen and net):
        open_account(account)
        close_account()
    report.totals = ["Total", None, "", "", "", "Rulaje perioadă", "", _lei(total_d), _lei(total_c), None]
    report.facts.update({"period_debit": _lei(total_d), "period_credit": _lei(total_c)})
