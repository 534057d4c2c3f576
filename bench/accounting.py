"""Accounting: the trial balance over 1,000,000 journal lines (target < 1 s), SQLite and PostgreSQL.

``python -m bench accounting``. Builds a tenant ledger with ``bench.ledger_data.generate`` (1M
lines over 24 months; set ``GENIUS_BENCH_LEDGER_LINES`` for another size), then times, median of
5 runs (wall clock, warm cache): the trial balance of a month and of a year at analytic and
synthetic level (read from the per-month summary ``acc_balances``), the same figures aggregated
from the lines (what the summary saves), an account statement, the D300 values of a month, the
receivables ageing, and streaming one month of entries as the D406 export will. PostgreSQL runs
when ``GENIUS_TEST_DATABASE_URL`` is set (own database, dropped afterwards).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from bench.ledger_data import LedgerStats, generate, tenant_ledger
from genius.apps.accounting import tables as t
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.queries import PeriodRange, account_statement, ageing, d300, trial_balance
from genius.apps.accounting.queries.saft import stream_entries

LINES = int(os.environ.get("GENIUS_BENCH_LEDGER_LINES", "1000000"))
REPEAT = 5
YEAR = PeriodRange(Period(2026, 1), Period(2026, 12))
MONTH = PeriodRange(Period(2026, 6), Period(2026, 6))


def _median(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _fmt(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1e3:.1f} ms"


def _from_lines(conn: sa.Connection) -> int:
    """The year's per-account turnovers aggregated from the lines: the work the summary avoids."""
    e, line = t.entries.c, t.lines.c
    rows = conn.execute(
        sa.select(line.account, sa.func.sum(line.debit), sa.func.sum(line.credit))
        .join(t.entries, e.id == line.entry_id)
        .where(e.status == "posted", e.entry_date <= date(2026, 12, 31))
        .group_by(line.account)
    ).all()
    return len(rows)


def _stream(conn: sa.Connection) -> int:
    return sum(len(entry.lines) for entry in stream_entries(conn, date(2026, 6, 1), date(2026, 6, 30)))


def _one(kind: str, tmp: Path) -> tuple[LedgerStats, list[tuple[str, str]]]:
    with tenant_ledger(kind, tmp) as (engine, _slug):
        stats = generate(engine, lines=LINES)
        results: list[tuple[str, str]] = []
        with engine.connect() as conn:
            customer = "4111.00001"
            checks = trial_balance(conn, YEAR, "analytic")
            assert all(
                checks.facts[f"{p}_equal"] for p in ("opening", "previous", "period", "total", "closing")
            )
            streamed = _stream(conn)
            for label, fn in [
                (
                    "trial balance, year 2026, analytic (2,400 accounts)",
                    lambda: trial_balance(conn, YEAR, "analytic"),
                ),
                ("trial balance, year 2026, synthetic II", lambda: trial_balance(conn, YEAR, "synthetic2")),
                ("trial balance, June 2026, synthetic II", lambda: trial_balance(conn, MONTH, "synthetic2")),
                ("same turnovers aggregated from the lines (no summary)", lambda: _from_lines(conn)),
                (f"account statement {customer}, year", lambda: account_statement(conn, YEAR, customer)),
                ("D300 values, June 2026", lambda: d300(conn, MONTH)),
                ("receivables ageing at 2026-12-31", lambda: ageing(conn, "receivables", date(2026, 12, 31))),
                (f"D406 stream of June 2026 ({streamed:,} lines)", lambda: _stream(conn)),
            ]:
                repeat = 1 if "aggregated" in label or "stream" in label else REPEAT
                results.append((label, _fmt(_median(fn, repeat))))
    return stats, results


def run() -> str:
    kinds = ["sqlite"] + (["postgres"] if os.environ.get("GENIUS_TEST_DATABASE_URL") else [])
    out = ["### Accounting: trial balance", ""]
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            stats, results = _one(kind, Path(folder) / kind)
            out += [
                f"**{kind}**: generated {stats.lines:,} lines in {stats.entries:,} entries "
                f"({stats.first} to {stats.last}, {stats.customers:,} customers, "
                f"{stats.suppliers:,} suppliers) "
                f"in {stats.seconds:.1f} s ({stats.lines / stats.seconds:,.0f} lines/s, guards and summary "
                "trigger included)",
                "",
                "| operation | median |",
                "| --- | --- |",
                *(f"| {label} | {value} |" for label, value in results),
                "",
            ]
    if len(kinds) == 1:
        out.append("PostgreSQL skipped: set GENIUS_TEST_DATABASE_URL.")
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(run())
