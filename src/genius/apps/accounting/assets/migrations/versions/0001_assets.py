"""Fixed-asset register: assets and their monthly depreciation.

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

S = "assets"
DEC = 40
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ast_assets",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("inventory_no", sa.String(40), nullable=False, unique=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("asset_account", sa.String(20), nullable=False),
        sa.Column("depreciation_account", sa.String(20), nullable=False),
        sa.Column("acquisition_date", sa.Date, nullable=False),
        sa.Column("acquisition_value", sa.String(DEC), nullable=False),
        sa.Column("commissioning_date", sa.Date, nullable=False),
        sa.Column("catalogue_code", sa.String(20)),
        sa.Column("life_months", sa.Integer, nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("supplier_name", sa.String(300)),
        sa.Column("supplier_cui", sa.String(20)),
        sa.Column("supplier_city", sa.String(100)),
        sa.Column("supplier_country", sa.String(2)),
        sa.Column("document_ref", sa.String(100)),
        sa.Column("location", sa.String(100)),
        sa.Column("cost_centre", sa.String(50)),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("acquisition_entry_id", sa.String(36)),
        sa.Column("disposed_on", sa.Date),
        sa.Column("disposal_kind", sa.String(12)),
        sa.Column("proceeds", sa.String(DEC)),
        sa.Column("disposal_entry_id", sa.String(36)),
        sa.Column("proceeds_entry_id", sa.String(36)),
        sa.Column("note", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(64)),
        schema=S,
    )
    op.create_table(
        "ast_depreciation",
        sa.Column("asset_id", sa.String(36), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("month", sa.Integer, primary_key=True),
        sa.Column("amount", sa.String(DEC), nullable=False),
        sa.Column("entry_id", sa.String(36), nullable=False),
        sa.Column("posted_at", TS, nullable=False),
        schema=S,
    )


def downgrade() -> None:
    op.drop_table("ast_depreciation", schema=S)
    op.drop_table("ast_assets", schema=S)
