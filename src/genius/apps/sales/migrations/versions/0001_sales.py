"""Sales: company profile, partners, products, numbering series, invoices, e-Factura submissions.

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

S = "sales"
DEC = 40
TS = sa.DateTime(timezone=True)
# Columns of an issued document that never change again (the trigger below guards them).
FROZEN = (
    "number",
    "document_type",
    "series_id",
    "partner_id",
    "corrects_invoice_id",
    "issue_date",
    "tax_point_date",
    "due_date",
    "currency",
    "exchange_rate",
    "document_json",
    "xml",
    "xml_sha256",
    "payable_amount",
    "vat_total",
)


def _address() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("street", sa.String(150), nullable=False),
        sa.Column("additional_street", sa.String(100)),
        sa.Column("city", sa.String(50), nullable=False),
        sa.Column("postal_code", sa.String(20)),
        sa.Column("county", sa.String(50)),
        sa.Column("country_code", sa.String(2), nullable=False),
        sa.Column("iban", sa.String(34)),
        sa.Column("bank_name", sa.String(200)),
        sa.Column("bic", sa.String(11)),
        sa.Column("email", sa.String(100)),
        sa.Column("phone", sa.String(100)),
    ]


def upgrade() -> None:
    op.create_table(
        "sales_company",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("cui", sa.String(10), nullable=False),
        sa.Column("vat_payer", sa.Boolean, nullable=False),
        sa.Column("trade_register", sa.String(40)),
        *_address(),
        sa.Column("share_capital", sa.String(DEC)),
        sa.Column("vat_on_collection", sa.Boolean, nullable=False),
        sa.Column("payment_term_days", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.String(36)),
        schema=S,
    )
    op.create_table(
        "sales_partners",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("cui", sa.String(10), unique=True),
        sa.Column("vat_payer", sa.Boolean, nullable=False),
        sa.Column("vat_id", sa.String(20), unique=True),
        sa.Column("trade_register", sa.String(40)),
        sa.Column("cnp_sealed", sa.LargeBinary),
        sa.Column("cnp_digest", sa.String(64), unique=True),
        sa.Column("cnp_last4", sa.String(4)),
        sa.Column("tax_id", sa.String(50)),
        *_address(),
        sa.Column("payment_term_days", sa.Integer),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(36)),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.String(36)),
        schema=S,
    )
    op.create_index("ix_sales_partners_name", "sales_partners", ["name"], schema=S)
    op.create_index("ix_sales_partners_country", "sales_partners", ["country_code"], schema=S)
    op.create_table(
        "sales_products",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("code", sa.String(50), nullable=False, unique=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("description", sa.String(200)),
        sa.Column("unit_code", sa.String(3), nullable=False),
        sa.Column("vat_category", sa.String(2), nullable=False),
        sa.Column("vat_rate_kind", sa.String(30)),
        sa.Column("vatex_code", sa.String(30)),
        sa.Column("exemption_reason", sa.String(100)),
        sa.Column("cpv_code", sa.String(12)),
        sa.Column("nc_code", sa.String(8)),
        sa.Column("price", sa.String(DEC)),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(36)),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.String(36)),
        schema=S,
    )
    op.create_index("ix_sales_products_name", "sales_products", ["name"], schema=S)
    op.create_table(
        "sales_series",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("prefix", sa.String(20), nullable=False, unique=True),
        sa.Column("document_kind", sa.String(20), nullable=False),
        sa.Column("reset", sa.String(10), nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("next_number", sa.BigInteger, nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("last_issue_date", sa.Date),
        sa.Column("is_default", sa.Boolean, nullable=False),
        sa.Column("description", sa.String(200)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(36)),
        schema=S,
    )
    op.create_table(
        "sales_invoices",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("document_type", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("series_id", sa.String(36), sa.ForeignKey(f"{S}.sales_series.id")),
        sa.Column("number", sa.String(64), unique=True),
        sa.Column("partner_id", sa.String(36), sa.ForeignKey(f"{S}.sales_partners.id")),
        sa.Column("corrects_invoice_id", sa.String(36), sa.ForeignKey(f"{S}.sales_invoices.id")),
        sa.Column("issue_date", sa.Date),
        sa.Column("tax_point_date", sa.Date),
        sa.Column("due_date", sa.Date),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("exchange_rate", sa.String(DEC)),
        sa.Column("buyer_name", sa.String(200), nullable=False),
        sa.Column("buyer_kind", sa.String(20), nullable=False),
        sa.Column("buyer_vat_id", sa.String(30)),
        sa.Column("draft_json", sa.Text, nullable=False),
        sa.Column("document_json", sa.Text),
        sa.Column("xml", sa.LargeBinary),
        sa.Column("xml_sha256", sa.String(64)),
        sa.Column("line_net_total", sa.String(DEC), nullable=False),
        sa.Column("tax_exclusive_amount", sa.String(DEC), nullable=False),
        sa.Column("vat_total", sa.String(DEC), nullable=False),
        sa.Column("vat_total_ron", sa.String(DEC), nullable=False),
        sa.Column("payable_amount", sa.String(DEC), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(36)),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.String(36)),
        sa.Column("issued_at", TS),
        sa.Column("issued_by", sa.String(36)),
        sa.Column("cancelled_at", TS),
        sa.Column("cancelled_by", sa.String(36)),
        sa.Column("cancel_reason", sa.Text),
        schema=S,
    )
    for name, column in (
        ("status", "status"),
        ("partner", "partner_id"),
        ("issue_date", "issue_date"),
        ("corrects", "corrects_invoice_id"),
        ("created_at", "created_at"),
    ):
        op.create_index(f"ix_sales_invoices_{name}", "sales_invoices", [column], schema=S)
    op.create_table(
        "sales_efactura_submissions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("invoice_id", sa.String(36), sa.ForeignKey(f"{S}.sales_invoices.id"), nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("b2c", sa.Boolean, nullable=False),
        sa.Column("upload_index", sa.String(50)),
        sa.Column("download_id", sa.String(50)),
        sa.Column("messages_json", sa.Text, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("uploaded_at", TS),
        sa.Column("finished_at", TS),
        sa.UniqueConstraint("invoice_id", "attempt", name="uq_sales_submissions_attempt"),
        schema=S,
    )
    op.create_index("ix_sales_submissions_state", "sales_efactura_submissions", ["state"], schema=S)
    _freeze_issued_documents()


def _freeze_issued_documents() -> None:
    """Refuse, in the database itself, any change to an issued document's content."""
    if op.get_bind().dialect.name == "postgresql":
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN)
        op.execute(
            f"""
            CREATE FUNCTION {S}.sales_invoices_refuse_change() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    RAISE EXCEPTION 'issued sales document % cannot be deleted', OLD.number
                        USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                IF {changed} THEN
                    RAISE EXCEPTION 'issued sales document % cannot be changed', OLD.number
                        USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                RETURN NEW;
            END;
            $$
            """
        )
        op.execute(
            f"CREATE TRIGGER sales_invoices_frozen BEFORE UPDATE OR DELETE ON {S}.sales_invoices "
            f"FOR EACH ROW WHEN (OLD.number IS NOT NULL) EXECUTE FUNCTION {S}.sales_invoices_refuse_change()"
        )
    else:
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN)
        op.execute(
            "CREATE TRIGGER sales_invoices_frozen BEFORE UPDATE ON sales_invoices "
            f"WHEN OLD.number IS NOT NULL AND ({changed}) "
            "BEGIN SELECT RAISE(ABORT, 'issued sales document cannot be changed'); END"
        )
        op.execute(
            "CREATE TRIGGER sales_invoices_no_delete BEFORE DELETE ON sales_invoices "
            "WHEN OLD.number IS NOT NULL "
            "BEGIN SELECT RAISE(ABORT, 'issued sales document cannot be deleted'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS sales_invoices_frozen ON {S}.sales_invoices")
        op.execute(f"DROP FUNCTION IF EXISTS {S}.sales_invoices_refuse_change()")
    for table in (
        "sales_efactura_submissions",
        "sales_invoices",
        "sales_series",
        "sales_products",
        "sales_partners",
        "sales_company",
    ):
        op.drop_table(table, schema=S)
