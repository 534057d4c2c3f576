"""Payments: posted bank and cash entries that touch a customer or supplier account."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import tables as t
from genius.apps.accounting.saft import tables as st
from genius.apps.accounting.saft.streams.rows import (
    PAYMENT_MEANS,
    STREAM_BATCH,
    TREASURY_KINDS,
    PartnerRoles,
    Tick,
    bani,
    day,
    entry_groups,
    entry_totals,
    foreign_amount,
    posted_in,
    raw,
    stream_rows,
)
from genius.fiscal.ro.saft.model import (
    NO_TAX,
    Amount,
    Payment,
    PaymentLine,
    SectionTotals,
    Settlement,
    Side,
)


def _payment_filter(first: date, last: date) -> Any:
    e, j = t.entries.c, t.journals.c
    inner, acc = t.lines.alias("pl"), t.accounts.alias("pa")
    touches_partner = (
        sa.select(sa.literal(1))
        .select_from(inner.join(acc, acc.c.code == inner.c.account))
        .where(
            inner.c.entry_id == e.id,
            sa.func.substr(acc.c.synthetic, 1, 2).in_(("40", "41")),
        )
        .exists()
    )
    treasury = sa.select(j.code).where(j.kind.in_(TREASURY_KINDS))
    return posted_in(first, last) & e.journal.in_(treasury) & touches_partner


def payment_totals(conn: Connection, first: date, last: date) -> SectionTotals:
    return entry_totals(conn, _payment_filter(first, last))


def payments(
    conn: Connection,
    first: date,
    last: date,
    own_id: str,
    tick: Tick | None = None,
    batch: int = STREAM_BATCH,
) -> Iterator[Payment]:
    e, line, a, j, p = t.entries.c, t.lines.c, t.accounts.c, t.journals.c, st.partners.c
    query = (
        sa.select(
            e.id,
            e.number,
            raw(e.entry_date),
            e.description,
            j.kind,
            line.line_no,
            a.saft_account_id,
            a.synthetic,
            p.saft_id.label("partner_saft_id"),
            line.debit,
            line.credit,
            line.currency,
            line.currency_amount,
            line.exchange_rate,
            line.description.label("line_description"),
        )
        .select_from(
            t.lines.join(t.entries, e.id == line.entry_id)
            .join(t.journals, j.code == e.journal)
            .join(t.accounts, a.code == line.account)
            .outerjoin(st.partners, p.partner_id == line.partner_id)
        )
        .where(_payment_filter(first, last))
        .order_by(e.entry_date, e.number, line.line_no)
    )
    rows = stream_rows(conn, query, batch)
    roles = PartnerRoles()
    for group in entry_groups(rows):
        if tick is not None:
            tick(1)
        head = group[0]
        method, mechanism = PAYMENT_MEANS.get(head.kind, ("99", None))
        lines = []
        for r in group:
            (line_no, account, synthetic, partner_saft, debit, credit, currency, foreign, rate_text,
             line_text) = r[5:]  # fmt: skip
            side, value = (Side.DEBIT, bani(debit)) if debit else (Side.CREDIT, bani(credit))
            customer = supplier = own_id
            role = roles[synthetic]
            if role == "customer" and partner_saft:
                customer = partner_saft
            elif role == "supplier" and partner_saft:
                supplier = partner_saft
            lines.append(
                PaymentLine(
                    account,
                    customer,
                    supplier,
                    side,
                    Amount(value)
                    if currency == "RON"
                    else foreign_amount(value, currency, foreign, rate_text),
                    (NO_TAX,),
                    line_number=str(line_no),
                    description=line_text[:256] if line_text else None,
                )
            )
        on = day(head.entry_date)
        yield Payment(
            payment_ref_no=head.number[:35],
            transaction_date=on,
            payment_method=method,
            description=(head.description or "-")[:256],
            lines=tuple(lines),
            period=on.month,
            period_year=on.year,
            transaction_id=head.number[:70],
            settlement=Settlement(payment_mechanism=mechanism) if mechanism else None,
        )
