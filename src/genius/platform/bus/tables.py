"""The bus tables in every tenant database: outbox, inbox and the relay's lease (schema "bus").

On SQLite the schema is translated away, so the table names carry a ``bus_`` prefix to stay unique
across components (DESIGN: one file per tenant holds every app's tables).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, MetaData, String, Table, Text, text

BUS_SCHEMA = "bus"

metadata = MetaData(schema=BUS_SCHEMA)

# SQLite only auto-increments an INTEGER PRIMARY KEY (the rowid alias); PostgreSQL gets a BIGINT.
SeqType = BigInteger().with_variant(Integer(), "sqlite")

outbox = Table(
    "bus_outbox",
    metadata,
    # Insertion order: the relay publishes a tenant's rows in this order.
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("type", String(200), nullable=False),
    # Set when a dead letter is replayed to one queue only (not to every subscriber).
    Column("target_queue", String(200)),
    # The structured-mode CloudEvent (JSON), exactly as it will be published.
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
)
Index(
    "ix_bus_outbox_pending",
    outbox.c.seq,
    sqlite_where=outbox.c.published_at.is_(None),
    postgresql_where=outbox.c.published_at.is_(None),
)

inbox = Table(
    "bus_inbox",
    metadata,
    Column("consumer", String(200), primary_key=True),
    Column("event_id", String(64), primary_key=True),
    Column("processed_at", DateTime(timezone=True), nullable=False),
)

relay_lease = Table(
    "bus_relay_lease",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("holder", String(100), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)
