"""Accounting's copy of BNR rates (acc_fx_rates) and the tenant's bank accounts (acc_bank_accounts).

``acc_fx_rates`` values the bank side of a foreign-currency receipt or payment at the BNR rate of
its date; it is written beside the sales app's copy by the ``bnr.rates`` worker and ``genius bnr
import`` (accounting reads no other app's tables). ``acc_bank_accounts`` says which treasury
account (5121 / 5124 or an analytic of them) a statement's IBAN posts to.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

S = "accounting"


def upgrade() -> None:
    op.create_table(
        "acc_fx_rates",
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("rate_date", sa.Date, primary_key=True),
        sa.Column("rate", sa.String(20), nullable=False),
        sa.Column("multiplier", sa.Integer, nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        schema=S,
    )
    op.create_table(
        "acc_bank_accounts",
        sa.Column("iban", sa.String(34), primary_key=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("account", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        schema=S,
    )


def downgrade() -> None:
    op.drop_table("acc_bank_accounts", schema=S)
    op.drop_table("acc_fx_rates", schema=S)
