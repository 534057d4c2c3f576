"""The control-plane tables: tenants and their placement, users, roles, keys, runtime settings.

One control-plane database per installation (SQLite file ``control.db`` in the data folder, or
the database named by ``GENIUS_DATABASE_URL``). Tenant data never lives here.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

CONTROL_SCHEMA = "control"

metadata = MetaData(schema=CONTROL_SCHEMA)

tenants = Table(
    "tenants",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("slug", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("cui", String(12), nullable=False),
    # provisioning -> active; a tenant whose creation failed half-way never becomes active.
    Column("status", String(20), nullable=False),
    # Issuer of this tenant's tokens when an external IdP (a Keycloak realm) is used; null = built-in.
    Column("external_issuer", String(500)),
    Column("external_audience", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

placements = Table(
    "placements",
    metadata,
    Column("tenant_id", String(36), ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    # Which cluster the tenant's database lives on: a DSN (secret) or "sqlite" for the data folder.
    Column("cluster", String(500), nullable=False),
    Column("database_name", String(100), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(36), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("email", String(254), nullable=False),
    Column("password_hash", String(200)),
    Column("display_name", String(200)),
    Column("roles", JSON, nullable=False),
    # ABAC attributes of the user: branch, warehouses, amount limits...
    Column("attributes", JSON, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("tenant_id", "email", name="uq_users_tenant_email"),
)

roles = Table(
    "roles",
    metadata,
    Column("tenant_id", String(36), ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(80), primary_key=True),
    Column("permissions", JSON, nullable=False),
    Column("description", Text),
)

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("tenant_id", String(36), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("algorithm", String(10), nullable=False),
    # The private key, encrypted with the installation's master key (AES-256-GCM).
    Column("private_key", LargeBinary, nullable=False),
    Column("public_jwk", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Set at rotation: the key stops signing then and stops verifying at retired_at + grace.
    Column("retired_at", DateTime(timezone=True)),
    Column("expires_at", DateTime(timezone=True)),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("tenant_id", String(36), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    # A used refresh token is replaced by a new one; reuse of a used token revokes the family.
    Column("used_at", DateTime(timezone=True)),
    Column("family", String(64), nullable=False),
)

runtime_settings = Table(
    "runtime_settings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # Null tenant = installation-wide value; a tenant's own row wins over it.
    Column("tenant_id", String(36), ForeignKey("tenants.id", ondelete="CASCADE")),
    Column("key", String(120), nullable=False),
    Column("value", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(254)),
    UniqueConstraint("tenant_id", "key", name="uq_runtime_settings_tenant_key"),
)

feature_flags = Table(
    "feature_flags",
    metadata,
    Column("tenant_id", String(36), ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(120), primary_key=True),
    Column("enabled", Boolean, nullable=False),
    # Percentage of users (0-100) that see the flag, chosen by a stable hash of the user id.
    Column("rollout_percent", Integer, nullable=False),
    # Segment rules, e.g. {"roles": ["accountant"], "attributes": {"branch": ["CJ"]}, "users": [...]}.
    Column("segments", JSON, nullable=False),
    # The kill switch wins over everything: the flag is off for all while it is set.
    Column("killed", Boolean, nullable=False, default=False),
    Column("description", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(254)),
)
