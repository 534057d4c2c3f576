"""Control plane: tenants, placements, users, roles, signing keys, refresh tokens, settings, flags.

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

S = "control"


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("slug", sa.String(40), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("cui", sa.String(12), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("external_issuer", sa.String(500)),
        sa.Column("external_audience", sa.String(200)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        schema=S,
    )
    op.create_table(
        "placements",
        sa.Column(
            "tenant_id", sa.String(36), sa.ForeignKey(f"{S}.tenants.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("cluster", sa.String(500), nullable=False),
        sa.Column("database_name", sa.String(100), nullable=False),
        schema=S,
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "tenant_id", sa.String(36), sa.ForeignKey(f"{S}.tenants.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(200)),
        sa.Column("display_name", sa.String(200)),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("attributes", sa.JSON, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant_id", "email", name="uq_users_tenant_email"),
        schema=S,
    )
    op.create_table(
        "roles",
        sa.Column(
            "tenant_id", sa.String(36), sa.ForeignKey(f"{S}.tenants.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("name", sa.String(80), primary_key=True),
        sa.Column("permissions", sa.JSON, nullable=False),
        sa.Column("description", sa.Text),
        schema=S,
    )
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(64), primary_key=True),
        sa.Column(
            "tenant_id", sa.String(36), sa.ForeignKey(f"{S}.tenants.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("algorithm", sa.String(10), nullable=False),
        sa.Column("private_key", sa.LargeBinary, nullable=False),
        sa.Column("public_jwk", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True)),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        schema=S,
    )
    op.create_index("ix_signing_keys_tenant", "signing_keys", ["tenant_id"], schema=S)
    op.create_table(
        "refresh_tokens",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "tenant_id", sa.String(36), sa.ForeignKey(f"{S}.tenants.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "user_id", sa.String(36), sa.ForeignKey(f"{S}.users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
        sa.Column("family", sa.String(64), nullable=False),
        schema=S,
    )
    op.create_table(
        "runtime_settings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("tenant_id", sa.String(36), sa.ForeignKey(f"{S}.tenants.id", ondelete="CASCADE")),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("value", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(254)),
        sa.UniqueConstraint("tenant_id", "key", name="uq_runtime_settings_tenant_key"),
        schema=S,
    )
    op.create_table(
        "feature_flags",
        sa.Column(
            "tenant_id", sa.String(36), sa.ForeignKey(f"{S}.tenants.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("key", sa.String(120), primary_key=True),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("rollout_percent", sa.Integer, nullable=False),
        sa.Column("segments", sa.JSON, nullable=False),
        sa.Column("killed", sa.Boolean, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(254)),
        schema=S,
    )


def downgrade() -> None:
    for table in (
        "feature_flags",
        "runtime_settings",
        "refresh_tokens",
        "signing_keys",
        "roles",
        "users",
        "placements",
        "tenants",
    ):
        op.drop_table(table, schema=S)
