"""Foreign-currency settlements: the document's rate on open items, the lei value each reconciliation cleared.

``bank_open_items.exchange_rate``: lei per unit of the invoice's currency (from the sales or
procurement event; null for RON). ``bank_reconciliations.booked_amount``: the lei value of the
receivable/payable the reconciliation cleared (at the document's rate), so the last settlement of
a document clears exactly what remains booked.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

S = "bank"
DEC = 40


def _schema() -> str | None:
    # SQLite has no schemas; the engine's translation does not reach ALTER TABLE.
    return None if op.get_bind().dialect.name == "sqlite" else S


def upgrade() -> None:
    op.add_column("bank_open_items", sa.Column("exchange_rate", sa.String(DEC)), schema=_schema())
    op.add_column("bank_reconciliations", sa.Column("booked_amount", sa.String(DEC)), schema=_schema())


def downgrade() -> None:
    with op.batch_alter_table("bank_reconciliations", schema=_schema()) as batch:
        batch.drop_column("booked_amount")
    with op.batch_alter_table("bank_open_items", schema=_schema()) as batch:
        batch.drop_column("exchange_rate")
