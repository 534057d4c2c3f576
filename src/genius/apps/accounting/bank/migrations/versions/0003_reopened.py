"""Cancelling what a bank line was: ``bank_lines.reopened`` counts the cancellations of a line.

A cancelled line (``handlers.cancel``) is posted again under a new ledger source role
(``settle#1``, ``fee#1``, ...), since the ledger keeps one entry per source and role.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

S = "bank"


def _schema() -> str | None:
    # SQLite has no schemas; the engine's translation does not reach ALTER TABLE.
    return None if op.get_bind().dialect.name == "sqlite" else S


def upgrade() -> None:
    op.add_column(
        "bank_lines", sa.Column("reopened", sa.Integer, nullable=False, server_default="0"), schema=_schema()
    )


def downgrade() -> None:
    with op.batch_alter_table("bank_lines", schema=_schema()) as batch:
        batch.drop_column("reopened")
