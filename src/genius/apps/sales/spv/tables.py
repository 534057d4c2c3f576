"""Tables of the sales SPV component (schema ``sales_spv``; ``spv_`` names, unique on SQLite).

- ``spv_archives``: every ZIP ANAF returned for our uploads (signed invoice or error document +
  ANAF's signature), kept in the tenant's storage as the legal original; one row per download id.
- ``spv_leases``: who works on an invoice's submission now (one worker at a time per invoice).
- ``spv_taxpayers``: the VAT payer registry's answer per CUI, with when it was fetched (TTL).
- ``spv_bnr_rates``: BNR reference rates, effective-dated (RON per ``multiplier`` units).
- ``spv_documents``: rendered PDFs of invoices per variant (content + ANAF index), their jobs.
- ``spv_mail_requests``: e-mails of invoices waiting for their PDF, then queued to ``email.send``.
- ``spv_schedule``: when each periodic job of this tenant is next due (claimed compare-and-set).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SPV_SCHEMA = "sales_spv"
metadata = MetaData(schema=SPV_SCHEMA)
TS = DateTime(timezone=True)

archives = Table(
    "spv_archives",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("invoice_id", String(36), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("download_id", String(50), nullable=False),
    Column("upload_index", String(50)),
    Column("verdict", String(20), nullable=False),  # accepted | rejected
    Column("storage_key", String(400), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("stored_at", TS, nullable=False),
    UniqueConstraint("download_id", name="uq_spv_archives_download"),
)
Index("ix_spv_archives_invoice", archives.c.invoice_id)

leases = Table(
    "spv_leases",
    metadata,
    Column("invoice_id", String(36), primary_key=True),
    Column("holder", String(100), nullable=False),
    Column("until", TS, nullable=False),
)

taxpayers = Table(
    "spv_taxpayers",
    metadata,
    Column("cui", String(10), primary_key=True),
    Column("found", Boolean, nullable=False),
    Column("for_date", Date, nullable=False),
    Column("fetched_at", TS, nullable=False),
    Column("record_json", Text, nullable=False),
)

bnr_rates = Table(
    "spv_bnr_rates",
    metadata,
    Column("currency", String(3), nullable=False),
    Column("rate_date", Date, nullable=False),
    Column("rate", String(40), nullable=False),  # exact decimal text, as BNR published it
    Column("multiplier", Integer, nullable=False),
    Column("source", String(40), nullable=False),
    Column("imported_at", TS, nullable=False),
    PrimaryKeyConstraint("currency", "rate_date", name="pk_spv_bnr_rates"),
)

documents = Table(
    "spv_documents",
    metadata,
    Column("invoice_id", String(36), nullable=False),
    Column("variant", String(64), nullable=False),
    Column("storage_key", String(400), nullable=False),
    Column("job_id", String(36), nullable=False),
    Column("created_at", TS, nullable=False),
    PrimaryKeyConstraint("invoice_id", "variant", name="pk_spv_documents"),
)

mail_requests = Table(
    "spv_mail_requests",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("invoice_id", String(36), nullable=False),
    Column("state", String(20), nullable=False),  # waiting_pdf | queued
    Column("pdf_key", String(400), nullable=False),
    Column("xml_key", String(400), nullable=False),
    Column("request_json", Text, nullable=False),
    Column("pdf_job_id", String(36)),
    Column("email_job_id", String(36)),
    Column("created_at", TS, nullable=False),
    Column("created_by", String(36)),
    Column("updated_at", TS, nullable=False),
)
Index("ix_spv_mail_requests_state", mail_requests.c.state)
Index("ix_spv_mail_requests_invoice", mail_requests.c.invoice_id)

schedule = Table(
    "spv_schedule",
    metadata,
    Column("name", String(60), primary_key=True),
    Column("due_at", TS, nullable=False),
    Column("last_job_id", String(36)),
    Column("last_claimed_at", TS),
)
