"""The daily cash register (registrul de casă): per day its opening balance, movements and closing.

Read from the ledger (every posted line of the register account, manual entries and the opening
balance included), with the cash document's number and kind where the cash register recorded it.
A cancelled operation stays on its day and its red-storno reversal shows on the cancellation day
as "Storno <kind>" with the same document number and negative amounts in the same column.
Only days with movements are listed, as the register is kept (OMFP 2634/2015); a range without
any movement shows its first day's opening and closing. The result is the reports' one table
shape (``queries.report.ReportTable``), so CSV, XLSX and PDF come from ``exports``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from itertools import groupby

from sqlalchemy import Connection

from genius.apps.accounting.cash import repository as repo
from genius.apps.accounting.cash.domain import check_register_account
from genius.apps.accounting.queries.report import Column, ReportTable
from genius.kernel.errors import ValidationError

KIND_LABELS = {"receipt": "Chitanță", "payment": "Plată factură", "cash_in": "Încasare", "cash_out": "Plată"}
MAX_DAYS = 366
COLUMNS = [
    Column("date", "Data", "date"),
    Column("document", "Nr. document"),
    Column("kind", "Tip"),
    Column("description", "Explicații"),
    Column("counter_account", "Cont corespondent"),
    Column("receipt", "Încasări", "amount"),
    Column("payment", "Plăți", "amount"),
    Column("balance", "Sold", "amount"),
]


def _day_rows(day: date, opening: Decimal, lines: list[repo.RegisterLine]) -> Iterator[list[object]]:
    yield [day, None, None, "Sold inițial (report din ziua precedentă)", None, None, None, opening]
    balance = opening
    for line in lines:
        balance += line.receipt - line.payment
        kind = KIND_LABELS.get(line.kind or "", "Notă contabilă")
        if line.storno:
            kind = f"Storno {kind[0].lower()}{kind[1:]}"
        yield [
            day,
            line.document or line.entry_number,
            kind,
            line.description,
            line.counter_account,
            line.receipt,
            line.payment,
            balance,
        ]
    receipts = sum((line.receipt for line in lines), Decimal(0))
    payments = sum((line.payment for line in lines), Decimal(0))
    yield [day, None, None, "Total zi / Sold final", None, receipts, payments, balance]


def daily_register(conn: Connection, register: str, first: date, last: date) -> ReportTable:
    register = check_register_account(register)
    if last < first:
        raise ValidationError.for_field("to", f"{last} is before {first}")
    if (last - first).days >= MAX_DAYS:
        raise ValidationError.for_field("to", f"at most {MAX_DAYS} days per register report")
    opening = repo.balance_before(conn, register, first)
    lines = repo.register_lines(conn, register, first, last)
    report = ReportTable(
        name="registru-casa",
        title=f"Registrul de casă {register}",
        subtitle=f"{first.isoformat()} – {last.isoformat()}",
        columns=COLUMNS,
    )
    balance = opening
    days = 0
    for day, group in groupby(lines, key=lambda line: line.on):
        day_lines = list(group)
        report.rows.extend(_day_rows(day, balance, day_lines))
        balance += sum((line.receipt - line.payment for line in day_lines), Decimal(0))
        days += 1
    if not days:
        report.rows.extend(_day_rows(first, opening, []))
    receipts = sum((line.receipt for line in lines), Decimal(0))
    payments = sum((line.payment for line in lines), Decimal(0))
    report.totals = [None, None, None, "Total perioadă", None, receipts, payments, balance]
    report.facts = {
        "register": register,
        "opening": opening,
        "receipts": receipts,
        "payments": payments,
        "closing": balance,
        "days": days,
    }
    return report
