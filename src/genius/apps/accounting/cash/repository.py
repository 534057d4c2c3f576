"""Reads and writes of the cash register, in the caller's connection; balances come from the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import tables as acc
from genius.apps.accounting.cash import tables as t
from genius.apps.accounting.cash.domain import CANCELLED, CancelledState, DayMovement, Kind
from genius.apps.accounting.repository.rows import dialect_insert, from_bani

ZERO = Decimal("0.00")
POSTED = "posted"


def lock_register(conn: Connection, account: str, now: datetime) -> None:
    """Create the register on first use and lock its row until the caller's transaction ends."""
    conn.execute(
        dialect_insert(conn)(t.registers)
        .values(account=account, created_at=now)
        .on_conflict_do_nothing(index_elements=["account"])
    )
    query = sa.select(t.registers.c.account).where(t.registers.c.account == account)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    conn.execute(query).one()


def next_number(conn: Connection, account: str, year: int) -> str:
    """The register's next document number of ``year``: ``<year>-<n>`` (one series per register)."""
    conn.execute(
        dialect_insert(conn)(t.sequences)
        .values(account=account, year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["account", "year"])
    )
    conn.execute(
        t.sequences.update()
        .where(t.sequences.c.account == account, t.sequences.c.year == year)
        .values(last_number=t.sequences.c.last_number + 1)
    )
    number = conn.execute(
        sa.select(t.sequences.c.last_number).where(
            t.sequences.c.account == account, t.sequences.c.year == year
        )
    ).scalar_one()
    return f"{year}-{int(number):06d}"


def insert_operation(conn: Connection, **values: Any) -> None:
    conn.execute(t.operations.insert().values(**values))


def _sum(conn: Connection, *where: Any) -> Decimal:
    """The amounts of the operations that stand (a cancelled one moved no cash: Law 70/2015 ignores it)."""
    amounts = conn.execute(
        sa.select(t.operations.c.amount).where(t.operations.c.status != CANCELLED, *where)
    ).scalars()
    return sum((Decimal(a) for a in amounts), ZERO)


def partner_day_total(conn: Connection, partner_id: str, kind: Kind, on: date) -> Decimal:
    op = t.operations.c
    return _sum(conn, op.partner_id == partner_id, op.kind == kind.value, op.op_date == on)


def business_payments_of_day(conn: Connection, on: date) -> Decimal:
    op = t.operations.c
    return _sum(
        conn,
        op.kind == Kind.PAYMENT.value,
        op.op_date == on,
        sa.or_(op.partner_kind.is_(None), op.partner_kind != "individual"),
    )


def document_cash_total(
    conn: Connection, document_type: str, document_id: str, on: date | None = None
) -> Decimal:
    """Cash recorded against one invoice (on one day when ``on`` is given)."""
    op = t.operations.c
    where = [op.document_type == document_type, op.document_id == document_id]
    if on is not None:
        where.append(op.op_date == on)
    return _sum(conn, *where)


def _net(account: str, *where: Any) -> Any:
    e, ln = acc.entries.c, acc.lines.c
    return (
        sa.select(sa.func.coalesce(sa.func.sum(ln.debit - ln.credit), 0))
        .select_from(acc.lines.join(acc.entries, acc.entries.c.id == ln.entry_id))
        .where(ln.account == account, e.status == POSTED, *where)
    )


def balance_before(conn: Connection, account: str, on: date) -> Decimal:
    """The register account's balance at the start of ``on`` (every posted entry before it)."""
    return from_bani(int(conn.execute(_net(account, acc.entries.c.entry_date < on)).scalar_one()))


def movements_from(conn: Connection, account: str, on: date, until: date | None = None) -> list[DayMovement]:
    """Net movement per day of the register account from ``on`` (to ``until``), in date order."""
    e, ln = acc.entries.c, acc.lines.c
    query = (
        sa.select(e.entry_date, sa.func.sum(ln.debit - ln.credit))
        .select_from(acc.lines.join(acc.entries, acc.entries.c.id == ln.entry_id))
        .where(ln.account == account, e.status == POSTED, e.entry_date >= on)
        .group_by(e.entry_date)
        .order_by(e.entry_date)
    )
    if until is not None:
        query = query.where(e.entry_date <= until)
    return [DayMovement(day, from_bani(int(net))) for day, net in conn.execute(query)]


@dataclass(frozen=True)
class RegisterLine:
    """One ledger line of the register account on a day, with the cash document when there is one."""

    on: date
    entry_number: str | None
    document: str | None  # the cash document number (receipt, payment), else the entry's source
    kind: str | None
    storno: bool  # the red-storno line of a cancelled cash operation (negative amounts)
    description: str
    counter_account: str | None
    receipt: Decimal
    payment: Decimal


def register_lines(conn: Connection, account: str, first: date, last: date) -> list[RegisterLine]:
    """Every posted movement of the register account between ``first`` and ``last``, in order.

    A line belongs to a cash operation by the operation's entry or by the storno that cancelled it.
    """
    e, ln = acc.entries.c, acc.lines.c
    own, undone = t.operations.alias("own_op"), t.operations.alias("undone_op")
    rows = conn.execute(
        sa.select(
            e.entry_date,
            e.number,
            e.source_number,
            e.description,
            ln.debit,
            ln.credit,
            sa.func.coalesce(own.c.number, undone.c.number).label("cash_number"),
            sa.func.coalesce(own.c.kind, undone.c.kind).label("kind"),
            sa.func.coalesce(own.c.counter_account, undone.c.counter_account).label("counter_account"),
            undone.c.id.label("undone_id"),
        )
        .select_from(
            acc.lines.join(acc.entries, acc.entries.c.id == ln.entry_id)
            .outerjoin(own, own.c.entry_id == ln.entry_id)
            .outerjoin(undone, undone.c.cancel_entry_id == ln.entry_id)
        )
        .where(ln.account == account, e.status == POSTED, e.entry_date >= first, e.entry_date <= last)
        .order_by(e.entry_date, e.number, ln.line_no)
    )
    return [
        RegisterLine(
            on=r.entry_date,
            entry_number=r.number,
            document=r.cash_number or r.source_number,
            kind=r.kind,
            storno=r.undone_id is not None,
            description=r.description,
            counter_account=r.counter_account,
            receipt=from_bani(int(r.debit)),
            payment=from_bani(int(r.credit)),
        )
        for r in rows
    ]


def get_operation(conn: Connection, operation_id: str, *, for_update: bool = False) -> Any:
    query = sa.select(t.operations).where(t.operations.c.id == operation_id)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return conn.execute(query).first()


def cancelled_state(row: Any) -> CancelledState | None:
    """How the operation ``row`` was cancelled; None while it stands."""
    if row.status != CANCELLED:
        return None
    return CancelledState(row.cancel_date, row.cancelled_by, row.cancel_reason or "", row.cancel_entry_id)


def mark_cancelled(
    conn: Connection, operation_id: str, *, on: date, by: str | None, at: datetime, reason: str, entry_id: str
) -> None:
    conn.execute(
        t.operations.update()
        .where(t.operations.c.id == operation_id)
        .values(
            status=CANCELLED,
            cancel_date=on,
            cancelled_by=by,
            cancelled_at=at,
            cancel_reason=reason,
            cancel_entry_id=entry_id,
        )
    )


def list_operations(conn: Connection, account: str, first: date, last: date) -> list[Any]:
    op = t.operations.c
    return list(
        conn.execute(
            sa.select(t.operations)
            .where(op.register == account, op.op_date >= first, op.op_date <= last)
            .order_by(op.op_date, op.number)
        )
    )
