"""Cash operations can be cancelled: their state, the storno's date, user, reason and entry.

A cancelled operation keeps its row (a posted document is never deleted); the register joins the
ledger's lines to an operation by its entry or by its storno entry, hence the two indexes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

S = "cash"
T = "cash_operations"


def _schema() -> str | None:
    # SQLite has no schemas; the engine's translation does not reach ALTER TABLE.
    return None if op.get_bind().dialect.name == "sqlite" else S


def upgrade() -> None:
    op.add_column(
        T, sa.Column("status", sa.String(10), nullable=False, server_default="active"), schema=_schema()
    )
    op.add_column(T, sa.Column("cancel_date", sa.Date), schema=_schema())
    op.add_column(T, sa.Column("cancelled_by", sa.String(64)), schema=_schema())
    op.add_column(T, sa.Column("cancelled_at", sa.DateTime(timezone=True)), schema=_schema())
    op.add_column(T, sa.Column("cancel_reason", sa.String(300)), schema=_schema())
    op.add_column(T, sa.Column("cancel_entry_id", sa.String(64)), schema=_schema())
    op.create_index("ix_cash_operations_entry", T, ["entry_id"], schema=_schema())
    op.create_index("ix_cash_operations_cancel_entry", T, ["cancel_entry_id"], schema=_schema())


def downgrade() -> None:
    op.drop_index("ix_cash_operations_cancel_entry", T, schema=_schema())
    op.drop_index("ix_cash_operations_entry", T, schema=_schema())
    with op.batch_alter_table(T, schema=_schema()) as batch:
        for name in (
            "cancel_entry_id",
            "cancel_reason",
            "cancelled_at",
            "cancelled_by",
            "cancel_date",
            "status",
        ):
            batch.drop_column(name)
