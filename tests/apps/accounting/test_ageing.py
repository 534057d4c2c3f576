"""Ageing summed in the database per partner and bucket gives what the item-by-item FIFO walk gave.

The reference below is the report as it was before (every receivable/payable line read, sorted by
partner and due date, settlements applied to the oldest items first); the ledger is the benchmark
generator's (overpayments, partial payments, many partners) plus lines it lacks: due dates in every
bucket and past ``as_of``, red-storno lines, a draft, an entry after ``as_of``, a line without a
partner.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from bench.ledger_data import generate

from genius.apps.accounting import repository as repo
from genius.apps.accounting import tables as t
from genius.apps.accounting.domain.entries import EntryDraft, Line, reversal_of
from genius.apps.accounting.handlers import entries as entry_handlers
from genius.apps.accounting.queries import ageing
from genius.kernel.clock import utcnow
from genius.kernel.ids import new_id
from tests.apps.accounting.conftest import Ledger

D = Decimal
AS_OF = [date(2024, 12, 31), date(2025, 3, 15), date(2025, 6, 30), date(2025, 12, 31), date(2026, 1, 10)]


def _bucket(days: int) -> int:
    return 0 if days <= 0 else 1 if days <= 30 else 2 if days <= 60 else 3 if days <= 90 else 4


def reference(conn: sa.Connection, kind: str, as_of: date) -> list[list[object]]:
    """The rows of the ageing as the line-by-line FIFO computed them (the report before session 5)."""
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
    rows: list[list[object]] = []
    for partner_id in sorted(set(items) | set(settled), key=lambda p: names.get(p, p)):
        buckets = [0] * 5
        left = settled[partner_id]
        for due, amount in items[partner_id]:
            applied = min(left, amount)
            left -= applied
            if amount > applied:
                buckets[_bucket((as_of - due).days)] += amount - applied
        buckets[0] -= left
        if sum(buckets) == 0 and not any(buckets):
            continue
        values = [*buckets, sum(buckets)]
        rows.append([partner_id, names.get(partner_id, partner_id), *(repo.from_bani(v) for v in values)])
    return rows


def post(ledger: Ledger, on: date, *lines: Line) -> str:
    with ledger.uow() as uow:
        return entry_handlers.post(uow, EntryDraft("NC", on, "Ageing case", lines)).id


def odd_cases(ledger: Ledger) -> None:
    """Lines the generator does not make: due dates around the buckets' edges, storno, draft, no partner."""
    c1, c2, s1 = "4111.00001", "4111.00002", "401.00001"
    p1, p2, ps = "p-4111.00001", "p-4111.00002", "p-401.00001"
    for due in (
        date(2025, 3, 15),
        date(2025, 3, 16),
        date(2025, 2, 13),
        date(2025, 2, 12),
        date(2024, 12, 15),
    ):
        post(
            ledger,
            date(2024, 12, 1),
            Line(c1, debit=D("100.00"), partner_id=p1, due_date=due),
            Line("707", credit=D("100.00")),
        )
        post(
            ledger,
            date(2024, 12, 1),
            Line("628", debit=D("80.00")),
            Line(s1, credit=D("80.00"), partner_id=ps, due_date=due),
        )
    sale = post(
        ledger, date(2025, 1, 20), Line(c2, debit=D("500.00"), partner_id=p2), Line("707", credit=D("500.00"))
    )
    paid = post(
        ledger,
        date(2025, 1, 25),
        Line("5121", debit=D("200.00")),
        Line(c2, credit=D("200.00"), partner_id=p2),
    )
    with ledger.engine.connect() as conn:
        original, receipt = repo.get_entry(conn, sale), repo.get_entry(conn, paid)
    with ledger.uow() as uow:  # red storno of a sale and of a receipt: negative debit / credit lines
        entry_handlers.post(uow, reversal_of(original, date(2025, 2, 1)))
        entry_handlers.post(uow, reversal_of(receipt, date(2025, 2, 2)))
    with ledger.uow() as uow:  # a draft counts for nothing
        draft = EntryDraft(
            "NC",
            date(2025, 1, 5),
            "Ciornă",
            (Line(c1, debit=D("999.00"), partner_id=p1), Line("707", credit=D("999.00"))),
        )
        repo.insert_draft(uow.connection, new_id(), draft, created_by="u-1", created_at=utcnow())
    post(ledger, date(2025, 2, 10), Line(c1, debit=D("70.00")), Line("707", credit=D("70.00")))  # no partner
    post(
        ledger,
        date(2026, 1, 5),
        Line("5121", debit=D("1000.00")),
        Line(c1, credit=D("1000.00"), partner_id=p1),
    )


@pytest.mark.parametrize("kind", ["receivables", "payables"])
def test_ageing_matches_the_line_by_line_fifo(any_ledger: Ledger, kind: str) -> None:
    generate(any_ledger.engine, lines=12_000, seed=7, first_year=2025, months=12)
    odd_cases(any_ledger)
    seen: list[list[object]] = []
    with any_ledger.engine.connect() as conn:
        for as_of in AS_OF:
            expected = reference(conn, kind, as_of)
            report = ageing(conn, kind, as_of)
            assert report.rows == expected, as_of
            sums = [sum((row[i] for row in expected), D("0.00")) for i in range(2, 8)]  # type: ignore[misc]
            assert report.totals == ["Total", "", *sums]
            seen += expected
        # A connection a D406 stream left in yield_per mode (SQLAlchemy 2 changes it in place).
        streaming = conn.execution_options(yield_per=50)
        assert ageing(streaming, kind, AS_OF[-1]).rows == expected
    # The data reach every bucket, and overpaid partners (a negative "not due") are among them.
    assert all(any(row[i] for row in seen) for i in range(2, 7)) and any(row[2] < 0 for row in seen)  # type: ignore[operator]
