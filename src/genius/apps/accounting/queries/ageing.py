"""Receivables and payables ageing (vechimea soldurilor): open amounts per partner by days overdue.

Per partner, on the receivable (4111*) or payable (401*) accounts: amounts that raise the balance
(invoices) are open items with their due date (the entry date when the line has none); amounts
that lower it (receipts, payments, credit notes) settle the oldest items first (FIFO). What
remains is bucketed by days past due on ``as_of``: not due, 1-30, 31-60, 61-90, over 90.
A partner who paid more than owed shows the unapplied amount as a negative "not due" value.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

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


def _bucket(days: int) -> int:
    if days <= 0:
        return 0
    if days <= 30:
        return 1
    if days <= 60:
        return 2
    if days <= 90:
        return 3
    return 4


def ageing(conn: Connection, kind: str, as_of: date) -> ReportTable:
    if kind not in ("receivables", "payables"):
        raise ValidationError.for_field("kind", f"{kind!r}: use receivables or payables")
    settings = repo.load_settings(conn)
    synthetic = settings.receivable_account if kind == "receivables" else settings.payable_account
    e, line = t.entries.c, t.lines.c
    query = (
        sa.select(line.partner_id, e.entry_date, line.due_date, line.debit, line.credit)
        .join(t.entries, e.id == line.entry_id)
        .where(
            e.status == "posted",
            e.entry_date <= as_of,
            line.partner_id.is_not(None),
            # One pass over the receivable (payable) lines: a LIKE scan measured faster here than
            # 2,000 index probes for the partners' analytics (bench/accounting.py).
            (line.account == synthetic) | line.account.startswith(f"{synthetic}.", autoescape=True),
        )
        .order_by(line.partner_id, sa.func.coalesce(line.due_date, e.entry_date), e.entry_date, line.id)
    )
    items: dict[str, list[tuple[date, int]]] = defaultdict(list)
    settled: dict[str, int] = defaultdict(int)
    for partner_id, entry_date, due, debit, credit in conn.execute(query):
        signed = int(debit) - int(credit) if kind == "receivables" else int(credit) - int(debit)
        if signed > 0:
            items[partner_id].append((due or entry_date, signed))
        else:
            settled[partner_id] += -signed
    names = {r.id: r.name for r in conn.execute(sa.select(t.partners.c.id, t.partners.c.name))}
    rows = []
    totals = [0] * 6
    for partner_id in sorted(set(items) | set(settled), key=lambda p: names.get(p, p)):
        buckets = [0] * 5
        left = settled[partner_id]
        for due, amount in items[partner_id]:
            applied = min(left, amount)
            left -= applied
            if amount > applied:
                buckets[_bucket((as_of - due).days)] += amount - applied
        buckets[0] -= left  # paid in advance / more than owed
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
