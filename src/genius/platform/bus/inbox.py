"""The inbox: a consumer records each event id in the same transaction as its effect, so effects happen once.

Delivery is at least once (a relay crash after publishing, a consumer crash before its ack, a
broker failover all repeat a message); ``handle_once`` turns that into exactly-once effects.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from genius.kernel.clock import utcnow
from genius.kernel.errors import ValidationError
from genius.platform.bus.tables import inbox


def handle_once(conn: Connection, consumer_name: str, event_id: str) -> bool:
    """Claim ``event_id`` for ``consumer_name`` in the caller's transaction.

    True: first time, do the effect in this same transaction. False: already handled, skip it.
    ``INSERT .. ON CONFLICT DO NOTHING`` instead of catching the integrity error, because on
    PostgreSQL a failed INSERT would abort the caller's whole transaction. A concurrent duplicate
    waits on the primary key until the first transaction ends, then sees the row.
    """
    if not consumer_name:
        raise ValidationError.for_field("consumer_name", "required")
    if not event_id:
        raise ValidationError.for_field("event_id", "required")
    values = {"consumer": consumer_name, "event_id": event_id, "processed_at": utcnow()}
    dialect = conn.dialect.name
    if dialect == "postgresql":
        stmt = postgresql.insert(inbox).values(**values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite.insert(inbox).values(**values).on_conflict_do_nothing()
    else:  # pragma: no cover - the product supports these two databases only
        raise ValidationError.for_field("database", f"{dialect} is not supported by the inbox")
    # RETURNING rather than rowcount: psycopg 3 under SQLAlchemy 2.1 reports -1 for this INSERT.
    return conn.execute(stmt.returning(inbox.c.event_id)).first() is not None


def handle_once_many(conn: Connection, consumer_name: str, event_ids: Sequence[str]) -> set[str]:
    """``handle_once`` for a batch in one statement: the ids seen for the first time."""
    if not consumer_name:
        raise ValidationError.for_field("consumer_name", "required")
    if not event_ids or not all(event_ids):
        raise ValidationError.for_field("event_ids", "one or more non-empty ids are required")
    now = utcnow()
    rows = [{"consumer": consumer_name, "event_id": e, "processed_at": now} for e in dict.fromkeys(event_ids)]
    # One cached statement run as executemany: SQLAlchemy batches it into multi-row INSERTs
    # ("insertmanyvalues") and still returns the rows that went in.
    insert = _dialect_insert(conn)(inbox).on_conflict_do_nothing().returning(inbox.c.event_id)
    return set(conn.execute(insert, rows).scalars())


def _dialect_insert(conn: Connection):  # type: ignore[no-untyped-def]
    dialect = conn.dialect.name
    if dialect == "postgresql":
        return postgresql.insert
    if dialect == "sqlite":
        return sqlite.insert
    raise ValidationError.for_field(
        "database", f"{dialect} is not supported by the inbox"
    )  # pragma: no cover


def prune_handled(conn: Connection, older_than: timedelta) -> int:
    """Forget event ids handled longer ago than ``older_than`` (a later duplicate would apply again)."""
    if older_than <= timedelta(0):
        raise ValidationError.for_field("older_than", "must be positive")
    deleted = conn.execute(
        inbox.delete().where(inbox.c.processed_at < utcnow() - older_than).returning(inbox.c.event_id)
    )
    return len(deleted.all())


def was_handled(conn: Connection, consumer_name: str, event_id: str) -> bool:
    found = conn.execute(
        inbox.select().where(inbox.c.consumer == consumer_name, inbox.c.event_id == event_id)
    ).first()
    return found is not None
