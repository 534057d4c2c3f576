"""The cash register's tables (schema ``cash``, names prefixed ``cash_``) as SQLAlchemy Core.

* ``cash_registers``: one row per register account (5311 or an analytic); recording an operation
  locks its row, so two operations of one register are checked against the balance one at a time;
  it also holds the last document number given per year (``cash_sequences``);
* ``cash_operations``: one row per receipt, payment or plain operation, with the ledger entry that
  posted it (the ledger holds the amounts that count; this row says what the document was); a
  cancelled one keeps its row with ``status`` cancelled, the storno's date, user, reason and entry.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Index, Integer, MetaData, String, Table, UniqueConstraint

SCHEMA = "cash"
metadata = MetaData(schema=SCHEMA)
DEC = 40
TS = DateTime(timezone=True)

registers = Table(
    "cash_registers",
    metadata,
    Column("account", String(20), primary_key=True),
    Column("created_at", TS, nullable=False),
)

sequences = Table(
    "cash_sequences",
    metadata,
    Column("account", String(20), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last_number", Integer, nullable=False),
)

operations = Table(
    "cash_operations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("register", String(20), nullable=False),
    Column("number", String(30), nullable=False),
    Column("kind", String(10), nullable=False),  # receipt | payment | cash_in | cash_out
    Column("op_date", Date, nullable=False),
    Column("amount", String(DEC), nullable=False),
    Column("partner_id", String(64)),
    Column("partner_kind", String(12)),  # company | individual | foreign (limits per Law 70/2015)
    Column("document_type", String(40)),  # sales_invoice | supplier_invoice
    Column("document_id", String(64)),
    Column("document_number", String(60)),
    Column("counter_account", String(20), nullable=False),
    Column("description", String(300), nullable=False),
    Column("entry_id", String(64), nullable=False),
    Column("created_by", String(64)),
    Column("created_at", TS, nullable=False),
    Column("status", String(10), nullable=False, server_default="active"),  # active | cancelled
    Column("cancel_date", Date),
    Column("cancelled_by", String(64)),
    Column("cancelled_at", TS),
    Column("cancel_reason", String(300)),
    Column("cancel_entry_id", String(64)),  # the red-storno reversal of entry_id
    UniqueConstraint("register", "number", name="uq_cash_operation_number"),
)
Index("ix_cash_operations_day", operations.c.register, operations.c.op_date)
Index("ix_cash_operations_partner", operations.c.partner_id, operations.c.op_date)
Index("ix_cash_operations_document", operations.c.document_type, operations.c.document_id)
Index("ix_cash_operations_entry", operations.c.entry_id)
Index("ix_cash_operations_cancel_entry", operations.c.cancel_entry_id)
