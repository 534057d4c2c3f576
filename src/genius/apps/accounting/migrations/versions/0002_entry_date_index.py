"""Index entries by date: reports and the D406 stream select posted entries of a date range.

Without it PostgreSQL read every entry to find a month's (1.6 s for June in a 1M-line ledger).

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


def upgrade() -> None:
    op.create_index("ix_acc_entries_date", "acc_entries", ["entry_date", "status"], schema=S)


def downgrade() -> None:
    op.drop_index("ix_acc_entries_date", "acc_entries", schema=S)
