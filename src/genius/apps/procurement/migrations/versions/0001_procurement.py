"""Procurement: the supplier invoice register, the SPV messages seen, rendered documents.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

S = "procurement"
TS = sa.DateTime(timezone=True)
DEC = 40


def upgrade() -> None:
    op.create_table(
        "procurement_supplier_invoices",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("document_kind", sa.String(20), nullable=False),
        sa.Column("type_code", sa.String(3), nullable=False),
        sa.Column("supplier_cui", sa.String(20), nullable=False),
        sa.Column("supplier_name", sa.String(300), nullable=False),
        sa.Column("supplier_vat_id", sa.String(30)),
        sa.Column("buyer_cui", sa.String(20)),
        sa.Column("number", sa.String(100), nullable=False),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("tax_exclusive_amount", sa.String(DEC), nullable=False),
        sa.Column("vat_total", sa.String(DEC), nullable=False),
        sa.Column("vat_total_ron", sa.String(DEC), nullable=False),
        sa.Column("payable_amount", sa.String(DEC), nullable=False),
        sa.Column("vat_breakdown_json", sa.Text, nullable=False),
        sa.Column("ubl", sa.LargeBinary, nullable=False),
        sa.Column("xml_sha256", sa.String(64), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("anaf_download_id", sa.String(50)),
        sa.Column("anaf_upload_index", sa.String(50)),
        sa.Column("archive_key", sa.String(400)),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("supplier_cui", "number", "issue_date", name="uq_procurement_supplier_invoice"),
        sa.UniqueConstraint("anaf_download_id", name="uq_procurement_supplier_invoice_download"),
        schema=S,
    )
    op.create_index(
        "ix_procurement_supplier_invoices_date", "procurement_supplier_invoices", ["issue_date"], schema=S
    )
    op.create_table(
        "procurement_spv_messages",
        sa.Column("download_id", sa.String(50), primary_key=True),
        sa.Column("upload_index", sa.String(50)),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("supplier_invoice_id", sa.String(36)),
        sa.Column("archive_key", sa.String(400)),
        sa.Column("error", sa.Text),
        sa.Column("seen_at", TS, nullable=False),
        schema=S,
    )
    op.create_table(
        "procurement_documents",
        sa.Column("supplier_invoice_id", sa.String(36), primary_key=True),
        sa.Column("storage_key", sa.String(400), nullable=False),
        sa.Column("job_id", sa.String(36), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        schema=S,
    )


def downgrade() -> None:
    for table in ("procurement_documents", "procurement_spv_messages", "procurement_supplier_invoices"):
        op.drop_table(table, schema=S)
