"""D406: the read model of issued documents and partners, and the register of exports.

Tables ``acc_saft_*`` (see ``genius.apps.accounting.saft.tables``): the company's and partners'
D406 data, issued sales documents with their lines, products, and the exports done. Fed by the
``accounting.saft`` consumer; read by the D406 export in the same snapshot as the ledger.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

S = "accounting"
DEC = 40
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "acc_saft_company",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(300)),
        sa.Column("vat_id", sa.String(30)),
        sa.Column("street", sa.String(300)),
        sa.Column("city", sa.String(100)),
        sa.Column("postal_code", sa.String(20)),
        sa.Column("region", sa.String(10)),
        sa.Column("country_code", sa.String(2)),
        sa.Column("iban", sa.String(34)),
        sa.Column("telephone", sa.String(100)),
        sa.Column("email", sa.String(200)),
        sa.Column("document_id", sa.String(64)),
        sa.Column("contact_first_name", sa.String(100)),
        sa.Column("contact_last_name", sa.String(100)),
        sa.Column("contact_telephone", sa.String(100)),
        sa.Column("contact_email", sa.String(200)),
        sa.Column("iban_override", sa.String(34)),
        sa.Column("tax_accounting_basis", sa.String(10)),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.String(64)),
        schema=S,
    )
    op.create_table(
        "acc_saft_partners",
        sa.Column("partner_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(20)),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("cui", sa.String(20)),
        sa.Column("vat_id", sa.String(30)),
        sa.Column("country_code", sa.String(2)),
        sa.Column("saft_id", sa.String(35)),
        sa.Column("street", sa.String(300)),
        sa.Column("city", sa.String(100)),
        sa.Column("postal_code", sa.String(20)),
        sa.Column("region", sa.String(10)),
        sa.Column("address_country", sa.String(2)),
        sa.Column("updated_at", TS, nullable=False),
        schema=S,
    )
    op.create_table(
        "acc_saft_documents",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("source_type", sa.String(40), nullable=False),
        sa.Column("number", sa.String(70), nullable=False),
        sa.Column("type_code", sa.String(3), nullable=False),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("tax_point_date", sa.Date, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("exchange_rate", sa.String(DEC)),
        sa.Column("partner_id", sa.String(64)),
        sa.Column("buyer_saft_id", sa.String(35), nullable=False),
        sa.Column("buyer_name", sa.String(300), nullable=False),
        sa.Column("street", sa.String(300)),
        sa.Column("city", sa.String(100)),
        sa.Column("postal_code", sa.String(20)),
        sa.Column("region", sa.String(10)),
        sa.Column("country_code", sa.String(2), nullable=False),
        sa.Column("corrected_number", sa.String(70)),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("net_bani", sa.BigInteger, nullable=False),
        sa.Column("vat_bani", sa.BigInteger, nullable=False),
        sa.Column("line_count", sa.Integer, nullable=False),
        sa.Column("xml_sha256", sa.String(64)),
        sa.Column("event_id", sa.String(64)),
        sa.Column("recorded_at", TS, nullable=False),
        sa.CheckConstraint("status IN ('issued', 'cancelled')", name="ck_acc_saft_documents_status"),
        schema=S,
    )
    op.create_index("ix_acc_saft_documents_date", "acc_saft_documents", ["issue_date", "status"], schema=S)
    op.create_table(
        "acc_saft_document_lines",
        sa.Column("document_id", sa.String(64), primary_key=True),
        sa.Column("line_no", sa.Integer, primary_key=True),
        sa.Column("line_ref", sa.String(70)),
        sa.Column("description", sa.String(256), nullable=False),
        sa.Column("product_code", sa.String(35), nullable=False),
        sa.Column("quantity", sa.String(DEC), nullable=False),
        sa.Column("unit_code", sa.String(9), nullable=False),
        sa.Column("unit_price", sa.String(DEC), nullable=False),
        sa.Column("net_amount", sa.String(DEC), nullable=False),
        sa.Column("net_bani", sa.BigInteger, nullable=False),
        sa.Column("vat_category", sa.String(2), nullable=False),
        sa.Column("vat_rate", sa.String(DEC)),
        sa.Column("vat_bani", sa.BigInteger, nullable=False),
        sa.Column("vat_treatment", sa.String(30), nullable=False),
        sa.Column("tax_code", sa.String(6), nullable=False),
        sa.Column("goods_services", sa.String(2)),
        schema=S,
    )
    op.create_table(
        "acc_saft_products",
        sa.Column("code", sa.String(35), primary_key=True),
        sa.Column("description", sa.String(256), nullable=False),
        sa.Column("unit_code", sa.String(9), nullable=False),
        sa.Column("commodity_code", sa.String(8), nullable=False),
        sa.Column("goods_services", sa.String(2)),
        sa.Column("updated_at", TS, nullable=False),
        schema=S,
    )
    op.create_table(
        "acc_saft_exports",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("report_type", sa.String(2), nullable=False),
        sa.Column("first_day", sa.Date, nullable=False),
        sa.Column("last_day", sa.Date, nullable=False),
        sa.Column("storage_key", sa.String(1024)),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("stored_size", sa.BigInteger),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(64)),
        schema=S,
    )
    op.create_index("ix_acc_saft_exports_period", "acc_saft_exports", ["period", "created_at"], schema=S)


def downgrade() -> None:
    op.drop_index("ix_acc_saft_exports_period", "acc_saft_exports", schema=S)
    op.drop_index("ix_acc_saft_documents_date", "acc_saft_documents", schema=S)
    for table in (
        "acc_saft_exports",
        "acc_saft_products",
        "acc_saft_document_lines",
        "acc_saft_documents",
        "acc_saft_partners",
        "acc_saft_company",
    ):
        op.drop_table(table, schema=S)
