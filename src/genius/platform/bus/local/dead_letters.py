"""The local queue's dead letters: rows of ``messages`` with ``state = 'dead'``; list, replay, purge.

Functions of a ``sqlite3`` connection, run by ``LocalTransport`` on its database thread (replay and
purge inside its ``BEGIN IMMEDIATE`` write).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from genius.platform.bus.transport import DeadLetter


def _filter(
    queue: str | None, tenant: str | None, type_: str | None, ids: Sequence[str] | None
) -> tuple[str, list[Any]]:
    """The WHERE clause (and its arguments) of the dead letters matching the filters."""
    clauses, args = ["state = 'dead'"], []
    for column, value in (("queue", queue), ("tenant", tenant), ("type", type_)):
        if value is not None:
            clauses.append(f"{column} = ?")
            args.append(value)
    if ids is not None:
        clauses.append(f"event_id IN ({', '.join('?' * len(ids))})" if ids else "0")
        args += list(ids)
    return " AND ".join(clauses), args


def letters(
    db: sqlite3.Connection, queue: str | None, tenant: str | None, type_: str | None, limit: int
) -> list[DeadLetter]:
    sql, args = _filter(queue, tenant, type_, None)
    rows = db.execute(
        "SELECT queue, event_id, type, tenant, dead_reason, attempt, dead_at, body FROM messages"
        f" WHERE {sql} ORDER BY id LIMIT ?",
        (*args, limit),
    ).fetchall()
    return [
        DeadLetter(
            queue=r[0],
            event_id=r[1],
            type=r[2],
            tenant=r[3],
            reason=r[4] or "",
            attempts=r[5],
            dead_at=datetime.fromtimestamp(r[6], UTC) if r[6] else None,
            body=r[7].decode() if isinstance(r[7], bytes) else r[7],
        )
        for r in rows
    ]


def replay(
    db: sqlite3.Connection,
    queue: str,
    ids: Sequence[str] | None,
    tenant: str | None,
    type_: str | None,
) -> list[str]:
    """Make the matching letters of ``queue`` ready again, as first delivered (attempt 1)."""
    sql, args = _filter(queue, tenant, type_, ids)
    rows = db.execute(
        "UPDATE messages SET state = 'ready', attempt = 1, deliveries = 0, available_at = ?,"
        f" dead_reason = NULL, dead_at = NULL, last_error = NULL WHERE {sql} RETURNING event_id",
        (time.time(), *args),
    ).fetchall()
    return [r[0] for r in rows]


def purge(
    db: sqlite3.Connection,
    queue: str,
    ids: Sequence[str] | None,
    tenant: str | None,
    type_: str | None,
) -> list[str]:
    """Delete the matching letters of ``queue`` for good; their event ids."""
    sql, args = _filter(queue, tenant, type_, ids)
    return [r[0] for r in db.execute(f"DELETE FROM messages WHERE {sql} RETURNING event_id", args).fetchall()]
