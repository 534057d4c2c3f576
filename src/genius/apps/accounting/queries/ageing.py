"""Receivables and payables ageing (vechimea soldurilor): open amounts per partner by days overdue.

Per partner, on the receivable (4111*) or payable (401*) accounts: amounts that raise the balance
(invoices) are open items with their due date (the entry date when the line has none); amounts
that lower it (receipts, payments, credit notes) settle the oldest items first (FIFO). What
remains is bucketed by days past due on ``as_of``: not due, 1-30, 31-60, 61-90, over 90.
A partner who paid more than owed shows the unapplied amount as a negative "not due" value.

The database adds up, per partner, the open items of each bucket and what settles them, so only
one row per partner leaves it (2,000 rows instead of the ~190,000 lines of a 1M-line ledger, and
no sort of them). That gives the same figures as walking the items one by one: the bucket only
falls as the due date rises, so settling the oldest items first empties the over-90 bucket,
then 61-90 and so on down to not due (``_settle``), whatever the order inside a bucket.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import repository as repo
from genius.apps.accounting import tables as t
from genius.apps.accounting.queries.report import Column, ReportTable
from genius.kernel.errors import ValidationError

BUCKETS = (
    ("not_due", "Nescadent"),
    ("d1_30", "1-30 zile"),
    ("d31_60", "31-60 zile"),
    ("d61_90", "61-90 zile"),
    ("d90_plus", "Peste 90 zile"),
)


# 2,000 rows: one buffered read, even on a connection left streaming (SQLAlchemy 2's
# Connection.execution_options(yield_per=...) changes the connection itself, as the D406 streams
# do). Through PostgreSQL's server-side cursor the planner favours the first rows, no parallel
# workers, and walks the partner index with an entry probe per line: 3.5-4 s instead of 0.4-0.7 s.
BUFFERED = {"yield_per": None, "stream_results": False}


def _bucket_bounds(as_of: date) -> tuple[date, date, date, date]:
    """First due dates of buckets 1-30, 31-60, 61-90 and of not due: days past due = as_of - due."""
    return (
        as_of - timedelta(days=90),  # due before this: over 90 days
        as_of - timedelta(days=60),  # 61-90 from here
        as_of - timedelta(days=30),  # 31-60 from here
        as_of,  # 1-30 before this day; not due from it on
    )


def _settle(buckets: list[int], settled: int) -> list[int]:
    """Apply ``settled`` to the open amounts, oldest bucket first (FIFO by due date)."""
    left = settled
    out = list(buckets)
    for index in range(len(out) - 1, -1, -1):
        applied = min(left, out[index])
        out[index] -= applied
        left -= applied
    out[0] -= left  # paid in advance / more than owed
    return out


def ageing(conn: Connection, kind: str, as_of: date) -> ReportTable:
    if kind not in ("receivables", "payables"):
        raise ValidationError.for_field("kind", f"{kind!r}: use receivables or payables")
    settings = repo.load_settings(conn)
    synthetic = settings.receivable_account if kind == "receivables" else settings.payable_account
    e, line = t.entries.c, t.lines.c
    signed = line.debit - line.credit if kind == "receivables" else line.credit - line.debit
    due = sa.func.coalesce(line.due_date, e.entry_date)
    over_90, from_61, from_31, not_due = _bucket_bounds(as_of)
    owed = [  # open items (amounts raising the balance) by bucket, not due first
        due >= not_due,
        (due < not_due) & (due >= from_31),
        (due < from_31) & (due >= from_61),
        (due < from_61) & (due >= over_90),
        due < over_90,
    ]
    zero = sa.literal(0, sa.BigInteger)
    sums = [sa.func.sum(sa.case(((signed > 0) & when, signed), else_=zero)) for when in owed]
    query = (
        sa.select(line.partner_id, sa.func.sum(sa.case((signed <= 0, -signed), else_=zero)), *sums)
        .join(t.entries, e.id == line.entry_id)
        .where(
            e.status == "posted",
            e.entry_date <= as_of,
            # One pass over the receivable (payable) lines: a LIKE scan measured faster here than
            # 2,000 index probes for the partners' analytics (bench/accounting.py).
            (line.account == synthetic) | line.account.startswith(f"{synthetic}.", autoescape=True),
        )
        # No "partner_id IS NOT NULL" here: with it SQLite walks the partner index to group
        # without sorting, probing an entry per line (2x the CPU); lines without a partner form
        # one group, left out below.
        .group_by(line.partner_id)
    )
    per_partner = {
        partner_id: _settle([int(v or 0) for v in amounts], int(settled or 0))
        for partner_id, settled, *amounts in conn.execute(query, execution_options=BUFFERED)
        if partner_id is not None
    }
    names = {r.id: r.name for r in conn.execute(sa.select(t.partners.c.id, t.partners.c.name))}
    rows = []
    totals = [0] * 6
    for partner_id in sorted(per_partner, key=lambda p: names.get(p, p)):
        buckets = per_partner[partner_id]
        total = sum(buckets)
        if total == 0 and not any(buckets):
            continue
        values = [*buckets, total]
        totals = [a + v for a, v in zip(totals, values, strict=True)]
        rows.append([partner_id, names.get(partner_id, partner_id), *(repo.from_bani(v) for v in values)])
    columns = [Column("partner_id", "Cod partener"), Column("partner", "Partener")]
    columns += [Column(key, label, "amount") for key, label in BUCKETS] + [Column("total", "Total", "amount")]
    title = "Vechimea creanțelor" if kind == "receivables" else "Vechimea datoriilor"
    return ReportTable(
        f"ageing-{kind}",
        title,
        f"la {as_of.isoformat()}",
        columns,
        rows,
        ["Total", "", *(repo.from_bani(v) for v in totals)],
        {"partners": len(rows)},
    )
