"""Procurement tables (schema ``procurement``; ``procurement_`` names for SQLite).

- ``procurement_supplier_invoices``: the register; one row per supplier document, unique by
  supplier CUI + number + issue date (the same invoice reaching us twice is one entry) and by
  ANAF download id; amounts as exact decimal text; the UBL as received.
- ``procurement_spv_messages``: every received SPV message seen, so each is downloaded once:
  ``registered`` (its entry), ``duplicate`` (the entry existed), ``unreadable`` (with why).
- ``procurement_documents``: the readable PDF of an entry and the job that rendered it.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Index,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

PROCUREMENT_SCHEMA = "procurement"
metadata = MetaData(schema=PROCUREMENT_SCHEMA)
TS = DateTime(timezone=True)
DEC = 40

supplier_invoices = Table(
    "procurement_supplier_invoices",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("status", String(20), nullable=False),  # draft (received, to be checked and booked)
    Column("document_kind", String(20), nullable=False),  # invoice | credit_note
    Column("type_code", String(3), nullable=False),
    Column("supplier_cui", String(20), nullable=False),
    Column("supplier_name", String(300), nullable=False),
    Column("supplier_vat_id", String(30)),
    Column("buyer_cui", String(20)),
    Column("number", String(100), nullable=False),
    Column("issue_date", Date, nullable=False),
    Column("due_date", Date),
    Column("currency", String(3), nullable=False),
    Column("tax_exclusive_amount", String(DEC), nullable=False),
    Column("vat_total", String(DEC), nullable=False),
    Column("vat_total_ron", String(DEC), nullable=False),
    Column("payable_amount", String(DEC), nullable=False),
    Column("vat_breakdown_json", Text, nullable=False),
    Column("ubl", LargeBinary, nullable=False),
    Column("xml_sha256", String(64), nullable=False),
    Column("source", String(20), nullable=False),  # spv
    Column("anaf_download_id", String(50)),
    Column("anaf_upload_index", String(50)),
    Column("archive_key", String(400)),
    Column("received_at", TS, nullable=False),
    Column("created_at", TS, nullable=False),
    UniqueConstraint("supplier_cui", "number", "issue_date", name="uq_procurement_supplier_invoice"),
    UniqueConstraint("anaf_download_id", name="uq_procurement_supplier_invoice_download"),
)
Index("ix_procurement_supplier_invoices_date", supplier_invoices.c.issue_date)

spv_messages = Table(
    "procurement_spv_messages",
    metadata,
    Column("download_id", String(50), primary_key=True),
    Column("upload_index", String(50)),
    Column("state", String(20), nullable=False),  # registered | duplicate | unreadable
    Column("supplier_invoice_id", String(36)),
    Column("archive_key", String(400)),
    Column("error", Text),
    Column("seen_at", TS, nullable=False),
)

documents = Table(
    "procurement_documents",
    metadata,
    Column("supplier_invoice_id", String(36), primary_key=True),
    Column("storage_key", String(400), nullable=False),
    Column("job_id", String(36), nullable=False),
    Column("created_at", TS, nullable=False),
)
