"""Audit: hash-chained append-only records, the chain head, and the append-only triggers.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

S = "audit"
GENESIS_HASH = "0" * 64


def upgrade() -> None:
    op.create_table(
        "audit_records",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.String(36)),
        sa.Column("user_email", sa.String(254)),
        sa.Column("action", sa.String(200), nullable=False),
        sa.Column("resource_type", sa.String(100)),
        sa.Column("resource_id", sa.String(200)),
        sa.Column("before_json", sa.Text),
        sa.Column("after_json", sa.Text),
        sa.Column("reason", sa.Text),
        sa.Column("result", sa.String(10), nullable=False),
        sa.Column("result_details_json", sa.Text),
        sa.Column("client_ip", sa.String(64)),
        sa.Column("service", sa.String(200)),
        sa.Column("trace_id", sa.String(64)),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        schema=S,
    )
    op.create_index("ix_audit_records_occurred_at", "audit_records", ["occurred_at"], schema=S)
    op.create_index("ix_audit_records_action", "audit_records", ["action"], schema=S)
    op.create_index("ix_audit_records_resource", "audit_records", ["resource_type", "resource_id"], schema=S)
    op.create_index("ix_audit_records_user_id", "audit_records", ["user_id"], schema=S)
    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        schema=S,
    )
    op.bulk_insert(head, [{"id": 1, "last_seq": 0, "last_hash": GENESIS_HASH}])
    if op.get_bind().dialect.name == "postgresql":
        # Append-only at the database level: no role that writes through the application can
        # change or remove a record. Someone with DDL rights can drop the trigger; verify() still
        # catches what they then change, because every record is hash-chained.
        op.execute(
            f"""
            CREATE FUNCTION {S}.audit_records_refuse_change() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit records are append-only: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END;
            $$
            """
        )
        op.execute(
            f"CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON {S}.audit_records "
            f"FOR EACH ROW EXECUTE FUNCTION {S}.audit_records_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON {S}.audit_records "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {S}.audit_records_refuse_change()"
        )
    else:
        # SQLite has no schemas (the engine translates "audit" away) and no TRUNCATE.
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_records_no_{operation.lower()} BEFORE {operation} ON audit_records "
                f"BEGIN SELECT RAISE(ABORT, 'audit records are append-only: {operation} refused'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS audit_records_no_truncate ON {S}.audit_records")
        op.execute(f"DROP TRIGGER IF EXISTS audit_records_append_only ON {S}.audit_records")
        op.execute(f"DROP FUNCTION IF EXISTS {S}.audit_records_refuse_change()")
    op.drop_table("audit_chain_head", schema=S)
    op.drop_table("audit_records", schema=S)
