"""Bank: statements and lines, candidates, reconciliations, the open-items read model.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

S = "bank"
DEC = 40
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "bank_candidates",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("line_id", sa.String(36), nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("allocations", sa.Text, nullable=False),
        sa.Column("reasons", sa.Text, nullable=False),
        sa.Column("partner_id", sa.String(64)),
        sa.Column("created_at", TS, nullable=False),
        schema=S,
    )
    op.create_index("bank_candidates_line", "bank_candidates", ["line_id", "rank"], unique=True, schema=S)
    op.create_table(
        "bank_lines",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("statement_id", sa.String(36), nullable=False),
        sa.Column("account_iban", sa.String(34), nullable=False),
        sa.Column("dedup_key", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("booking_date", sa.Date, nullable=False),
        sa.Column("value_date", sa.Date, nullable=False),
        sa.Column("amount", sa.String(DEC), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("counterparty_name", sa.String(140)),
        sa.Column("counterparty_iban", sa.String(34)),
        sa.Column("counterparty_cui", sa.String(12)),
        sa.Column("remittance", sa.Text, nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("bank_reference", sa.String(35)),
        sa.Column("end_to_end_id", sa.String(35)),
        sa.Column("customer_reference", sa.String(35)),
        sa.Column("transaction_code", sa.String(40)),
        sa.Column("reversal", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("applied_amount", sa.String(DEC), nullable=False),
        sa.Column("matched_at", TS),
        sa.Column("match_job_id", sa.String(36)),
        sa.Column("note", sa.Text),
        schema=S,
    )
    op.create_index("bank_lines_status", "bank_lines", ["status"], schema=S)
    op.create_index(
        "bank_lines_account_key", "bank_lines", ["account_iban", "dedup_key"], unique=True, schema=S
    )
    op.create_index("bank_lines_statement", "bank_lines", ["statement_id", "position"], schema=S)
    op.create_table(
        "bank_open_items",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("partner_id", sa.String(64)),
        sa.Column("partner_name", sa.String(200), nullable=False),
        sa.Column("partner_cui", sa.String(12)),
        sa.Column("partner_iban", sa.String(34)),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("total", sa.String(DEC), nullable=False),
        sa.Column("open_amount", sa.String(DEC), nullable=False),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("corrects_id", sa.String(64)),
        sa.Column("source_event_id", sa.String(64)),
        sa.Column("updated_at", TS, nullable=False),
        schema=S,
    )
    op.create_index("bank_open_items_corrects", "bank_open_items", ["corrects_id"], schema=S)
    op.create_index("bank_open_items_status", "bank_open_items", ["kind", "status"], schema=S)
    op.create_table(
        "bank_partner_ibans",
        sa.Column("iban", sa.String(34), primary_key=True),
        sa.Column("partner_id", sa.String(64), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("learned_at", TS, nullable=False),
        schema=S,
    )
    op.create_table(
        "bank_partners",
        sa.Column("partner_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("cui", sa.String(12)),
        sa.Column("updated_at", TS, nullable=False),
        schema=S,
    )
    op.create_table(
        "bank_reconciliations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("line_id", sa.String(36), nullable=False),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("amount", sa.String(DEC), nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("confidence", sa.Float),
        sa.Column("entry_id", sa.String(36)),
        sa.Column("posting", sa.String(12), nullable=False),
        sa.Column("posting_note", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(36)),
        schema=S,
    )
    op.create_index("bank_reconciliations_line", "bank_reconciliations", ["line_id"], schema=S)
    op.create_index("bank_reconciliations_item", "bank_reconciliations", ["item_id"], schema=S)
    op.create_table(
        "bank_statements",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("account_iban", sa.String(34), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("format", sa.String(10), nullable=False),
        sa.Column("bank", sa.String(20)),
        sa.Column("statement_ref", sa.String(35), nullable=False),
        sa.Column("sequence", sa.String(35)),
        sa.Column("opening_balance", sa.String(DEC), nullable=False),
        sa.Column("opening_date", sa.Date, nullable=False),
        sa.Column("closing_balance", sa.String(DEC), nullable=False),
        sa.Column("closing_date", sa.Date, nullable=False),
        sa.Column("file_name", sa.String(255)),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("line_count", sa.Integer, nullable=False),
        sa.Column("new_lines", sa.Integer, nullable=False),
        sa.Column("duplicate_lines", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Text, nullable=False),
        sa.Column("imported_at", TS, nullable=False),
        sa.Column("imported_by", sa.String(36)),
        schema=S,
    )
    op.create_index(
        "bank_statements_account_date", "bank_statements", ["account_iban", "closing_date"], schema=S
    )


def downgrade() -> None:
    op.drop_table("bank_statements", schema=S)
    op.drop_table("bank_reconciliations", schema=S)
    op.drop_table("bank_partners", schema=S)
    op.drop_table("bank_partner_ibans", schema=S)
    op.drop_table("bank_open_items", schema=S)
    op.drop_table("bank_lines", schema=S)
    op.drop_table("bank_candidates", schema=S)
