"""Mail: the tenant's sender settings (password sealed) and the ledger of sent Message-IDs.

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

S = "mail"


def upgrade() -> None:
    op.create_table(
        "mail_senders",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("from_address", sa.String(320), nullable=False),
        sa.Column("from_name", sa.String(200)),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("port", sa.Integer, nullable=False),
        sa.Column("security", sa.String(10), nullable=False),
        sa.Column("username", sa.String(320)),
        sa.Column("password_sealed", sa.LargeBinary),
        sa.Column("ca_pem", sa.Text),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(64)),
        schema=S,
    )
    op.create_table(
        "mail_sent",
        sa.Column("message_id", sa.String(300), primary_key=True),
        sa.Column("job_id", sa.String(64), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("recipients", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        schema=S,
    )


def downgrade() -> None:
    op.drop_table("mail_sent", schema=S)
    op.drop_table("mail_senders", schema=S)
