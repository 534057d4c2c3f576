"""Sales SPV: archives of ANAF's downloads, leases, VAT registry cache, BNR rates, documents, mails, schedule.

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

S = "sales_spv"
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "spv_archives",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("invoice_id", sa.String(36), nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("download_id", sa.String(50), nullable=False),
        sa.Column("upload_index", sa.String(50)),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("storage_key", sa.String(400), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("stored_at", TS, nullable=False),
        sa.UniqueConstraint("download_id", name="uq_spv_archives_download"),
        schema=S,
    )
    op.create_index("ix_spv_archives_invoice", "spv_archives", ["invoice_id"], schema=S)
    op.create_table(
        "spv_leases",
        sa.Column("invoice_id", sa.String(36), primary_key=True),
        sa.Column("holder", sa.String(100), nullable=False),
        sa.Column("until", TS, nullable=False),
        schema=S,
    )
    op.create_table(
        "spv_taxpayers",
        sa.Column("cui", sa.String(10), primary_key=True),
        sa.Column("found", sa.Boolean, nullable=False),
        sa.Column("for_date", sa.Date, nullable=False),
        sa.Column("fetched_at", TS, nullable=False),
        sa.Column("record_json", sa.Text, nullable=False),
        schema=S,
    )
    op.create_table(
        "spv_bnr_rates",
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("rate_date", sa.Date, nullable=False),
        sa.Column("rate", sa.String(40), nullable=False),
        sa.Column("multiplier", sa.Integer, nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("imported_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("currency", "rate_date", name="pk_spv_bnr_rates"),
        schema=S,
    )
    op.create_table(
        "spv_documents",
        sa.Column("invoice_id", sa.String(36), nullable=False),
        sa.Column("variant", sa.String(64), nullable=False),
        sa.Column("storage_key", sa.String(400), nullable=False),
        sa.Column("job_id", sa.String(36), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("invoice_id", "variant", name="pk_spv_documents"),
        schema=S,
    )
    op.create_table(
        "spv_mail_requests",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("invoice_id", sa.String(36), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("pdf_key", sa.String(400), nullable=False),
        sa.Column("xml_key", sa.String(400), nullable=False),
        sa.Column("request_json", sa.Text, nullable=False),
        sa.Column("pdf_job_id", sa.String(36)),
        sa.Column("email_job_id", sa.String(36)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(36)),
        sa.Column("updated_at", TS, nullable=False),
        schema=S,
    )
    op.create_index("ix_spv_mail_requests_state", "spv_mail_requests", ["state"], schema=S)
    op.create_index("ix_spv_mail_requests_invoice", "spv_mail_requests", ["invoice_id"], schema=S)
    op.create_table(
        "spv_schedule",
        sa.Column("name", sa.String(60), primary_key=True),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("last_job_id", sa.String(36)),
        sa.Column("last_claimed_at", TS),
        schema=S,
    )


def downgrade() -> None:
    for table in (
        "spv_schedule",
        "spv_mail_requests",
        "spv_documents",
        "spv_bnr_rates",
        "spv_taxpayers",
        "spv_leases",
        "spv_archives",
    ):
        op.drop_table(table, schema=S)
