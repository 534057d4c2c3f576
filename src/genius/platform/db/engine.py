"""SQLAlchemy engines for SQLite (the embedded default) and PostgreSQL, with our connection rules."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

# SQLite waits this long for a writer lock instead of failing at once with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 10_000
POSTGRES_POOL_SIZE = 10
POSTGRES_MAX_OVERFLOW = 20


def normalise_url(url: str | URL) -> URL:
    """``postgresql://`` means psycopg 3 here (SQLAlchemy's default driver would be psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def sqlite_url(path: Path) -> URL:
    return URL.create("sqlite+pysqlite", database=str(path))


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str | URL, *, schemas: Iterable[str] = ()) -> Engine:
    """An engine with our rules; ``schemas`` are the app schemas tables may name.

    Tables carry their app's schema (``sales``, ``audit``...). PostgreSQL keeps them; SQLite has
    no schemas, so they are translated away and every app's tables live in the one file.
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        event.listen(engine, "commit", _sqlite_on_end)
        event.listen(engine, "rollback", _sqlite_on_end)
        translate = {name: None for name in schemas}
        return engine.execution_options(schema_translate_map=translate) if translate else engine
    return create_engine(
        parsed,
        pool_size=POSTGRES_POOL_SIZE,
        max_overflow=POSTGRES_MAX_OVERFLOW,
        pool_pre_ping=True,
    )


def _sqlite_on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # Let SQLAlchemy issue BEGIN itself (see _sqlite_on_begin) so transactions really start.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; safe with WAL
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


# Execution option a writing unit of work sets: its transaction starts with BEGIN IMMEDIATE.
SQLITE_IMMEDIATE = "sqlite_immediate"


# In one process, writers of one SQLite file queue on a lock before BEGIN IMMEDIATE. SQLite's own
# busy handler polls with growing sleeps, so under many in-process writers (the API, the relay,
# every subscriber) a waiter can starve past busy_timeout; a lock hands the file over in order.
# Other processes still meet at SQLite's lock, with busy_timeout.
SQLITE_WRITER_WAIT_SECONDS = 60.0
_WRITE_LOCK_KEY = "genius_sqlite_write_lock"
_write_locks: dict[str, threading.Lock] = {}
_write_locks_guard = threading.Lock()


def _write_lock(database: str | None) -> threading.Lock:
    key = str(Path(database).resolve()) if database and database != ":memory:" else f"memory:{database}"
    with _write_locks_guard:
        return _write_locks.setdefault(key, threading.Lock())


def _sqlite_on_begin(connection) -> None:  # type: ignore[no-untyped-def]
    # A writer takes the write lock up front (BEGIN IMMEDIATE), so concurrent writers queue
    # instead of failing when a read transaction upgrades ("database is locked"). Readers stay
    # deferred and never block anyone under WAL.
    if not connection.get_execution_options().get(SQLITE_IMMEDIATE, False):
        connection.exec_driver_sql("BEGIN")
        return
    lock = _write_lock(connection.engine.url.database)
    if not lock.acquire(timeout=SQLITE_WRITER_WAIT_SECONDS):
        raise OperationalError(
            "BEGIN IMMEDIATE",
            None,
            Exception(
                f"no write turn on {connection.engine.url.database} within {SQLITE_WRITER_WAIT_SECONDS} s"
            ),
        )
    connection.info[_WRITE_LOCK_KEY] = lock
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        connection.info.pop(_WRITE_LOCK_KEY, None)
        lock.release()
        raise


def _sqlite_on_end(connection) -> None:  # type: ignore[no-untyped-def]
    # Fired as the transaction ends (commit or rollback, including a close with it still open);
    # the next writer's BEGIN IMMEDIATE waits on busy_timeout the few ms the COMMIT still takes.
    lock = connection.info.pop(_WRITE_LOCK_KEY, None)
    if lock is not None:
        lock.release()
