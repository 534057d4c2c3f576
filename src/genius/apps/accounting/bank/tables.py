"""The bank tables (schema ``bank``, names prefixed ``bank_``) as SQLAlchemy Core metadata.

Amounts are exact decimal text (``"1190.00"``), signed on lines (credits positive). Tables:

* ``bank_statements`` / ``bank_lines``: what was imported; a line exists once per bank account
  and ``dedup_key`` (see ``domain.dedup``), so a re-import adds nothing twice.
* ``bank_candidates``: the matcher's proposals for a line waiting for a person.
* ``bank_reconciliations``: which line settled which open item, by how much, how (auto/manual)
  and the ledger entry it was posted with.
* ``bank_open_items``, ``bank_partners``, ``bank_partner_ibans``: the read model of open
  receivables and payables, fed by sales/procurement events (``subscriptions``) and by what
  reconciliations teach (a payer's IBAN).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Float, Index, Integer, MetaData, String, Table, Text

SCHEMA = "bank"
metadata = MetaData(schema=SCHEMA)
DEC = 40
TS = DateTime(timezone=True)

statements = Table(
    "bank_statements",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("account_iban", String(34), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("format", String(10), nullable=False),
    Column("bank", String(20)),
    Column("statement_ref", String(35), nullable=False),
    Column("sequence", String(35)),
    Column("opening_balance", String(DEC), nullable=False),
    Column("opening_date", Date, nullable=False),
    Column("closing_balance", String(DEC), nullable=False),
    Column("closing_date", Date, nullable=False),
    Column("file_name", String(255)),
    Column("file_sha256", String(64), nullable=False),
    Column("line_count", Integer, nullable=False),
    Column("new_lines", Integer, nullable=False),
    Column("duplicate_lines", Integer, nullable=False),
    Column("warnings", Text, nullable=False),  # JSON list of strings
    Column("imported_at", TS, nullable=False),
    Column("imported_by", String(36)),
    Index("bank_statements_account_date", "account_iban", "closing_date"),
)

lines = Table(
    "bank_lines",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("statement_id", String(36), nullable=False),
    Column("account_iban", String(34), nullable=False),
    Column("dedup_key", String(64), nullable=False),
    Column("position", Integer, nullable=False),
    Column("booking_date", Date, nullable=False),
    Column("value_date", Date, nullable=False),
    Column("amount", String(DEC), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("counterparty_name", String(140)),
    Column("counterparty_iban", String(34)),
    Column("counterparty_cui", String(12)),
    Column("remittance", Text, nullable=False),
    Column("details", Text, nullable=False),
    Column("bank_reference", String(35)),
    Column("end_to_end_id", String(35)),
    Column("customer_reference", String(35)),
    Column("transaction_code", String(40)),
    Column("reversal", Boolean, nullable=False),
    Column(
        "status", String(12), nullable=False
    ),  # new | proposed | unmatched | reconciled | fee | posted | transfer | reopened
    Column("applied_amount", String(DEC), nullable=False),
    Column("matched_at", TS),
    Column("match_job_id", String(36)),
    Column("note", Text),
    # How many times a person cancelled what the line was (handlers.cancel); part of the ledger
    # source role of its next posting, so the ledger's one-posting-per-source rule still holds.
    Column("reopened", Integer, nullable=False, server_default="0"),
    Index("bank_lines_account_key", "account_iban", "dedup_key", unique=True),
    Index("bank_lines_statement", "statement_id", "position"),
    Index("bank_lines_status", "status"),
)

candidates = Table(
    "bank_candidates",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("line_id", String(36), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("allocations", Text, nullable=False),  # JSON [{"item_id", "amount"}]
    Column("reasons", Text, nullable=False),  # JSON list of strings
    Column("partner_id", String(64)),
    Column("created_at", TS, nullable=False),
    Index("bank_candidates_line", "line_id", "rank", unique=True),
)

reconciliations = Table(
    "bank_reconciliations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("line_id", String(36), nullable=False),
    Column("item_id", String(64), nullable=False),
    Column("amount", String(DEC), nullable=False),
    Column("method", String(10), nullable=False),  # auto | manual
    Column("confidence", Float),
    Column("entry_id", String(36)),
    Column("posting", String(12), nullable=False),  # posted | not_posted
    Column("posting_note", Text),
    Column("booked_amount", String(DEC)),  # lei of the receivable/payable cleared (currency lines)
    Column("created_at", TS, nullable=False),
    Column("created_by", String(36)),
    Index("bank_reconciliations_line", "line_id"),
    Index("bank_reconciliations_item", "item_id"),
)

open_items = Table(
    "bank_open_items",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(12), nullable=False),  # receivable | payable | credit_note
    Column("number", String(64), nullable=False),
    Column("partner_id", String(64)),
    Column("partner_name", String(200), nullable=False),
    Column("partner_cui", String(12)),
    Column("partner_iban", String(34)),
    Column("currency", String(3), nullable=False),
    Column("exchange_rate", String(DEC)),  # lei per unit of a foreign currency (the document's rate)
    Column("total", String(DEC), nullable=False),
    Column("open_amount", String(DEC), nullable=False),
    Column("issue_date", Date, nullable=False),
    Column("due_date", Date),
    Column("status", String(12), nullable=False),  # open | settled | cancelled | pending | applied
    Column("corrects_id", String(64)),  # a credit note: the invoice it reduces
    Column("source_event_id", String(64)),
    Column("updated_at", TS, nullable=False),
    Index("bank_open_items_status", "kind", "status"),
    Index("bank_open_items_corrects", "corrects_id"),
)

partners = Table(
    "bank_partners",
    metadata,
    Column("partner_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("cui", String(12)),
    Column("updated_at", TS, nullable=False),
)

partner_ibans = Table(
    "bank_partner_ibans",
    metadata,
    Column("iban", String(34), primary_key=True),
    Column("partner_id", String(64), nullable=False),
    Column("source", String(20), nullable=False),  # reconciliation | supplier_invoice
    Column("learned_at", TS, nullable=False),
)
