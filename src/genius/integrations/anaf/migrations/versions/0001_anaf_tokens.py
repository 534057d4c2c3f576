"""ANAF: the tenant's OAuth tokens, sealed (AES-256-GCM), one row per CUI they serve.

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

S = "anaf"


def upgrade() -> None:
    op.create_table(
        "anaf_oauth_tokens",
        sa.Column("cui", sa.String(12), primary_key=True),
        sa.Column("access_token_sealed", sa.LargeBinary, nullable=False),
        sa.Column("refresh_token_sealed", sa.LargeBinary, nullable=False),
        sa.Column("access_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refresh_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("obtained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        schema=S,
    )


def downgrade() -> None:
    op.drop_table("anaf_oauth_tokens", schema=S)
