"""Entries by date: an index for reports and the D406 stream, and year/month bound to the entry date.

Without the index PostgreSQL read every entry to find a month's (1.6 s for June in a 1M-line
ledger). ``year``/``month`` feed the per-month summary (``acc_balances``), so the database
refuses an entry whose period columns disagree with its date (a CHECK on PostgreSQL; triggers on
SQLite, where adding a CHECK would mean rebuilding the table and its triggers).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

S = "accounting"

_SQLITE_MISMATCH = (
    "NEW.year != CAST(strftime('%Y', NEW.entry_date) AS INTEGER) "
    "OR NEW.month != CAST(strftime('%m', NEW.entry_date) AS INTEGER)"
)


def upgrade() -> None:
    op.create_index("ix_acc_entries_date", "acc_entries", ["entry_date", "status"], schema=S)
    if op.get_bind().dialect.name == "sqlite":
        for event in ("INSERT", "UPDATE OF entry_date, year, month"):
            name = "acc_entries_period_insert" if event == "INSERT" else "acc_entries_period_update"
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON acc_entries WHEN {_SQLITE_MISMATCH} "
                "BEGIN SELECT RAISE(ABORT, 'acc_period_mismatch: year and month must match entry_date'); "
                "END"
            )
    else:
        op.execute(
            "ALTER TABLE accounting.acc_entries ADD CONSTRAINT ck_acc_entries_period CHECK "
            "(year = EXTRACT(YEAR FROM entry_date)::int AND month = EXTRACT(MONTH FROM entry_date)::int)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS acc_entries_period_insert")
        op.execute("DROP TRIGGER IF EXISTS acc_entries_period_update")
    else:
        op.execute("ALTER TABLE accounting.acc_entries DROP CONSTRAINT IF EXISTS ck_acc_entries_period")
    op.drop_index("ix_acc_entries_date", "acc_entries", schema=S)
