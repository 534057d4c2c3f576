"""The audit component's tables (schema ``audit``, in every tenant database)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, MetaData, String, Table, Text

AUDIT_SCHEMA = "audit"

metadata = MetaData(schema=AUDIT_SCHEMA)

# Append-only: the migration adds a trigger refusing UPDATE, DELETE and TRUNCATE.
audit_records = Table(
    "audit_records",
    metadata,
    # Position in the tenant's chain: 1, 2, 3... The primary key keeps the chain linear even if
    # two writers ever read the same head: the second insert of a seq fails.
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("id", String(36), nullable=False, unique=True),
    Column("tenant_id", String(36), nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("user_id", String(36)),
    Column("user_email", String(254)),
    Column("action", String(200), nullable=False),
    Column("resource_type", String(100)),
    Column("resource_id", String(200)),
    # JSON values kept as their canonical text (chain.canonical_json) so the hashed bytes survive
    # any database round trip unchanged.
    Column("before_json", Text),
    Column("after_json", Text),
    Column("reason", Text),
    Column("result", String(10), nullable=False),
    Column("result_details_json", Text),
    Column("client_ip", String(64)),
    Column("service", String(200)),
    Column("trace_id", String(64)),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_records_occurred_at", "occurred_at"),
    Index("ix_audit_records_action", "action"),
    Index("ix_audit_records_resource", "resource_type", "resource_id"),
    Index("ix_audit_records_user_id", "user_id"),
)

# One row (id = 1): the chain's last seq and hash. Writers lock it (SELECT ... FOR UPDATE on
# PostgreSQL) so appends are serialised; verify compares it with the last record, which reveals
# records deleted from the end of the chain.
audit_chain_head = Table(
    "audit_chain_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("last_hash", String(64), nullable=False),
)

HEAD_ROW_ID = 1
