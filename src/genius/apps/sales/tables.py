"""The sales tables (schema ``sales``, in every tenant database; ``sales_`` prefix for SQLite).

Decimals are stored as their exact text (``"1234.50"``): SQLite has no exact numeric type, and
amounts must survive a round trip unchanged. Issued documents are frozen in the database too:
the migration adds a trigger refusing any change to an issued document's number, dates,
content or XML (only its status and cancellation fields still move).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SALES_SCHEMA = "sales"
metadata = MetaData(schema=SALES_SCHEMA)

DECIMAL_TEXT = 40
COMPANY_ROW_ID = 1  # the profile is one row per tenant database

company = Table(
    "sales_company",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("cui", String(10), nullable=False),
    Column("vat_payer", Boolean, nullable=False),
    Column("trade_register", String(40)),
    Column("street", String(150), nullable=False),
    Column("additional_street", String(100)),
    Column("city", String(50), nullable=False),
    Column("postal_code", String(20)),
    Column("county", String(50)),
    Column("country_code", String(2), nullable=False),
    Column("iban", String(34)),
    Column("bank_name", String(200)),
    Column("bic", String(11)),
    Column("email", String(100)),
    Column("phone", String(100)),
    Column("share_capital", String(DECIMAL_TEXT)),
    Column("vat_on_collection", Boolean, nullable=False),
    Column("payment_term_days", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(36)),
)

partners = Table(
    "sales_partners",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("name", String(200), nullable=False),
    Column("cui", String(10), unique=True),
    Column("vat_payer", Boolean, nullable=False),
    Column("vat_id", String(20), unique=True),
    Column("trade_register", String(40)),
    # The CNP sealed with the tenant's key (AES-GCM, bound to the row), a keyed digest to find
    # duplicates without decrypting, and the last 4 digits that lists show.
    Column("cnp_sealed", LargeBinary),
    Column("cnp_digest", String(64), unique=True),
    Column("cnp_last4", String(4)),
    Column("tax_id", String(50)),
    Column("street", String(150), nullable=False),
    Column("additional_street", String(100)),
    Column("city", String(50), nullable=False),
    Column("postal_code", String(20)),
    Column("county", String(50)),
    Column("country_code", String(2), nullable=False),
    Column("iban", String(34)),
    Column("bank_name", String(200)),
    Column("bic", String(11)),
    Column("email", String(100)),
    Column("phone", String(100)),
    Column("payment_term_days", Integer),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(36)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(36)),
)
Index("ix_sales_partners_name", partners.c.name)
Index("ix_sales_partners_country", partners.c.country_code)

products = Table(
    "sales_products",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("code", String(50), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("description", String(200)),
    Column("unit_code", String(3), nullable=False),
    Column("vat_category", String(2), nullable=False),
    Column("vat_rate_kind", String(30)),
    Column("vatex_code", String(30)),
    Column("exemption_reason", String(100)),
    Column("cpv_code", String(12)),
    Column("nc_code", String(8)),
    Column("price", String(DECIMAL_TEXT)),
    Column("currency", String(3), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(36)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(36)),
)
Index("ix_sales_products_name", products.c.name)

series = Table(
    "sales_series",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("prefix", String(20), nullable=False, unique=True),
    Column("document_kind", String(20), nullable=False),
    Column("reset", String(10), nullable=False),
    Column("width", Integer, nullable=False),
    # The counter: locked (SELECT ... FOR UPDATE) and moved inside each issuing transaction.
    Column("next_number", BigInteger, nullable=False),
    Column("year", Integer),
    Column("last_issue_date", Date),
    Column("is_default", Boolean, nullable=False),
    Column("description", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(36)),
)

invoices = Table(
    "sales_invoices",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("document_type", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("series_id", String(36), ForeignKey("sales.sales_series.id")),
    Column("number", String(64), unique=True),
    Column("partner_id", String(36), ForeignKey("sales.sales_partners.id")),
    Column("corrects_invoice_id", String(36), ForeignKey("sales.sales_invoices.id")),
    Column("issue_date", Date),
    Column("tax_point_date", Date),
    Column("due_date", Date),
    Column("currency", String(3), nullable=False),
    Column("exchange_rate", String(DECIMAL_TEXT)),
    Column("buyer_name", String(200), nullable=False),
    Column("buyer_kind", String(20), nullable=False),
    Column("buyer_vat_id", String(30)),
    # The draft as the caller sent it (with partner/product references), canonical JSON.
    Column("draft_json", Text, nullable=False),
    # Once issued: the complete computed document in the e-Factura JSON form, and its UBL.
    Column("document_json", Text),
    Column("xml", LargeBinary),
    Column("xml_sha256", String(64)),
    Column("line_net_total", String(DECIMAL_TEXT), nullable=False),
    Column("tax_exclusive_amount", String(DECIMAL_TEXT), nullable=False),
    Column("vat_total", String(DECIMAL_TEXT), nullable=False),
    Column("vat_total_ron", String(DECIMAL_TEXT), nullable=False),
    Column("payable_amount", String(DECIMAL_TEXT), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(36)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(36)),
    Column("issued_at", DateTime(timezone=True)),
    Column("issued_by", String(36)),
    Column("cancelled_at", DateTime(timezone=True)),
    Column("cancelled_by", String(36)),
    Column("cancel_reason", Text),
)
Index("ix_sales_invoices_status", invoices.c.status)
Index("ix_sales_invoices_partner", invoices.c.partner_id)
Index("ix_sales_invoices_issue_date", invoices.c.issue_date)
Index("ix_sales_invoices_corrects", invoices.c.corrects_invoice_id)
Index("ix_sales_invoices_created_at", invoices.c.created_at)

submissions = Table(
    "sales_efactura_submissions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("invoice_id", String(36), ForeignKey("sales.sales_invoices.id"), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("state", String(20), nullable=False),
    Column("b2c", Boolean, nullable=False),
    Column("upload_index", String(50)),
    Column("download_id", String(50)),
    Column("messages_json", Text, nullable=False),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("uploaded_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    UniqueConstraint("invoice_id", "attempt", name="uq_sales_submissions_attempt"),
)
Index("ix_sales_submissions_state", submissions.c.state)
