"""Layout upgrades of the local queue file, run once when a transport opens it (``PRAGMA user_version``).

Version 1 (issue 3, dotted worker tags): queues, bindings, waiting messages and dead letters of the
old one-word tags (``worker.pdf_render``, ``worker.request.pdf_render``) move to the new names, so
``genius dlq replay`` after an upgrade reaches the renamed worker and its request decodes.
"""

from __future__ import annotations

import sqlite3

from genius.platform.bus.renames import rename_envelope, renamed_queues, renamed_types

LAYOUT_VERSION = 1


def upgrade_layout(db: sqlite3.Connection) -> None:
    """Bring the file to ``LAYOUT_VERSION``; several processes opening it at once upgrade it once."""
    if _version(db) >= LAYOUT_VERSION:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        if _version(db) < 1:
            _dotted_worker_tags(db)
        db.execute(f"PRAGMA user_version = {LAYOUT_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _dotted_worker_tags(db: sqlite3.Connection) -> None:
    queues, types = renamed_queues(), renamed_types()
    for old, new in queues.items():
        db.execute(
            "INSERT OR IGNORE INTO queues (name, created_at) SELECT ?, created_at FROM queues WHERE name = ?",
            (new, old),
        )
        for (pattern,) in db.execute("SELECT pattern FROM bindings WHERE queue = ?", (old,)).fetchall():
            db.execute(
                "INSERT OR IGNORE INTO bindings (queue, pattern) VALUES (?, ?)",
                (new, types.get(pattern, pattern)),
            )
        db.execute("DELETE FROM bindings WHERE queue = ?", (old,))
        db.execute("DELETE FROM queues WHERE name = ?", (old,))
    marks = ", ".join("?" * len(queues))
    type_marks = ", ".join("?" * len(types))
    rows = db.execute(
        f"SELECT id, queue, type, body FROM messages WHERE queue IN ({marks}) OR type IN ({type_marks})",
        (*queues, *types),
    ).fetchall()
    for row_id, queue, type_, body in rows:
        text = body.decode() if isinstance(body, bytes) else body
        db.execute(
            "UPDATE messages SET queue = ?, type = ?, body = ? WHERE id = ?",
            (queues.get(queue, queue), types.get(type_, type_), rename_envelope(text).encode(), row_id),
        )
