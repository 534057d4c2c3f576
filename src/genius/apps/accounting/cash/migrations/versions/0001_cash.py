"""Cash register: registers, their numbering, operations.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

S = "cash"
DEC = 40
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "cash_registers",
        sa.Column("account", sa.String(20), primary_key=True),
        sa.Column("created_at", TS, nullable=False),
        schema=S,
    )
    op.create_table(
        "cash_sequences",
        sa.Column("account", sa.String(20), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last_number", sa.Integer, nullable=False),
        schema=S,
    )
    op.create_table(
        "cash_operations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("register", sa.String(20), nullable=False),
        sa.Column("number", sa.String(30), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("op_date", sa.Date, nullable=False),
        sa.Column("amount", sa.String(DEC), nullable=False),
        sa.Column("partner_id", sa.String(64)),
        sa.Column("partner_kind", sa.String(12)),
        sa.Column("document_type", sa.String(40)),
        sa.Column("document_id", sa.String(64)),
        sa.Column("document_number", sa.String(60)),
        sa.Column("counter_account", sa.String(20), nullable=False),
        sa.Column("description", sa.String(300), nullable=False),
        sa.Column("entry_id", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(64)),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("register", "number", name="uq_cash_operation_number"),
        schema=S,
    )
    op.create_index("ix_cash_operations_day", "cash_operations", ["register", "op_date"], schema=S)
    op.create_index("ix_cash_operations_partner", "cash_operations", ["partner_id", "op_date"], schema=S)
    op.create_index(
        "ix_cash_operations_document", "cash_operations", ["document_type", "document_id"], schema=S
    )


def downgrade() -> None:
    op.drop_table("cash_operations", schema=S)
    op.drop_table("cash_sequences", schema=S)
    op.drop_table("cash_registers", schema=S)
