"""Foreign-currency items of the ledger: balances per account, partner and currency, and revaluations.

Read from posted lines with a currency other than RON: the currency balance adds each line's
currency amount on its side (debit +, credit -; red storno lines are negative already), the lei
balance the same lines' debit minus credit. Revaluation lines (``fx_revaluation`` entries) carry
the currency with a currency amount of 0, so they move the lei balance only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import tables as t
from genius.apps.accounting.domain.fx import CurrencyItem

from .rows import from_bani

REVALUATION_SOURCE = "fx_revaluation"


def currency_items(
    conn: Connection,
    until: date,
    prefixes: Sequence[str],
    *,
    only: tuple[str, str | None, str] | None = None,
) -> list[CurrencyItem]:
    """Every (account, partner, currency) of ``prefixes`` with posted currency lines up to ``until``
    (inclusive) whose currency or lei balance is not zero; ``only``: that one item."""
    line, entry = t.lines.c, t.entries.c
    signed = sa.case((line.debit != 0, line.currency_amount), else_=-line.currency_amount)
    query = (
        sa.select(
            line.account,
            line.partner_id,
            line.currency,
            sa.func.coalesce(sa.func.sum(signed), 0).label("amount"),
            sa.func.coalesce(sa.func.sum(line.debit - line.credit), 0).label("carrying"),
        )
        .select_from(t.lines.join(t.entries, entry.id == line.entry_id))
        .where(
            entry.status == "posted",
            entry.entry_date <= until,
            line.currency != "RON",
            sa.or_(*(line.account.startswith(p, autoescape=True) for p in prefixes)),
        )
        .group_by(line.account, line.partner_id, line.currency)
        .order_by(line.account, line.partner_id, line.currency)
    )
    if only is not None:
        account, partner_id, currency = only
        query = query.where(line.account == account, line.currency == currency, _partner(partner_id))
    out = []
    for row in conn.execute(query):
        amount, carrying = from_bani(row.amount), from_bani(row.carrying)
        if amount or carrying:
            out.append(CurrencyItem(row.account, row.partner_id, row.currency, amount, carrying))
    return out


def _partner(partner_id: str | None) -> sa.ColumnElement[bool]:
    column = t.lines.c.partner_id
    return column.is_(None) if partner_id is None else column == partner_id


def last_revaluation(
    conn: Connection, account: str, partner_id: str | None, currency: str, before: date
) -> tuple[date, Decimal] | None:
    """The latest revaluation of the item dated before ``before``: (its date, the rate it used)."""
    line, entry = t.lines.c, t.entries.c
    row = conn.execute(
        sa.select(entry.entry_date, line.exchange_rate)
        .select_from(t.lines.join(t.entries, entry.id == line.entry_id))
        .where(
            entry.source_type == REVALUATION_SOURCE,
            entry.status == "posted",
            entry.entry_date < before,
            line.account == account,
            line.currency == currency,
            _partner(partner_id),
        )
        .order_by(entry.entry_date.desc(), entry.posted_at.desc())
        .limit(1)
    ).first()
    return (row.entry_date, Decimal(row.exchange_rate)) if row is not None and row.exchange_rate else None


def revaluation_entries(conn: Connection, period_id: str) -> list[str]:
    """Ids of the posted revaluation entries of a month (``YYYY-MM``), oldest first."""
    entry = t.entries.c
    return list(
        conn.execute(
            sa.select(entry.id)
            .where(entry.source_type == REVALUATION_SOURCE, entry.source_id == period_id)
            .order_by(entry.posted_at, entry.id)
        ).scalars()
    )


def revalued_after(conn: Connection, after: date) -> list[str]:
    """The months (``YYYY-MM``) after ``after`` that already have a revaluation entry."""
    entry = t.entries.c
    rows = conn.execute(
        sa.select(entry.source_id)
        .where(entry.source_type == REVALUATION_SOURCE, entry.entry_date > after)
        .distinct()
        .order_by(entry.source_id)
    ).scalars()
    return list(rows)
