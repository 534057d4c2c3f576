"""SQLAlchemy engines for SQLite (the embedded default) and PostgreSQL, with our connection rules."""

from __future__ import annotations

import fcntl
import os
import threading
import time
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
        turn = _process_turn(connection.engine.url.database)
        connection.info[_WRITE_TURN_KEY] = turn
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _release(connection)
        raise


def _sqlite_on_end(connection) -> None:  # type: ignore[no-untyped-def]
    # Fired as the transaction ends (commit or rollback, including a close with it still open),
    # before SQLAlchemy's COMMIT: the next writer's BEGIN IMMEDIATE may meet SQLite's lock for the
    # fraction of a millisecond the COMMIT's WAL append takes (one 1 ms busy-handler sleep). Held
    # until the COMMIT returned instead, the turn would also cover the WAL checkpoint SQLite runs
    # inside every ~1,000th page's COMMIT (two fsyncs): measured with strace in bench bus, those
    # turns took 7 ms typically and up to 350 ms under load, and every other writer waited.
    _release(connection)


def _release(connection) -> None:  # type: ignore[no-untyped-def]
    turn = connection.info.pop(_WRITE_TURN_KEY, None)
    if turn is not None:
        fcntl.flock(turn, fcntl.LOCK_UN)
    lock = connection.info.pop(_WRITE_LOCK_KEY, None)
    if lock is not None:
        lock.release()


# Across processes (an API, the relay, subscriber and worker processes writing one tenant file)
# writers take turns on an flock of ``<database>-writer`` before BEGIN IMMEDIATE. Without it a
# writer that finds the file locked sleeps in SQLite's busy handler (1, 2, 5, 10, 15, 20, 25 ms...,
# measured with strace in bench/bus.py: most of the RabbitMQ bus's p99) even when the lock is
# free again after a fraction of a millisecond; with it, what is left is a 1 ms sleep when a turn
# is taken while the previous COMMIT still runs (see _sqlite_on_end). The turn is polled in short
# steps so a writer still gives up after SQLITE_WRITER_WAIT_SECONDS, as SQLite's busy timeout would.
WRITER_TURN_SUFFIX = "-writer"
_WRITE_TURN_KEY = "genius_sqlite_write_turn"
_TURN_POLL_SECONDS = (0.0001, 0.0002, 0.0005, 0.001)
_turn_files: dict[tuple[int, str], int] = {}


def _process_turn(database: str | None) -> int | None:
    """Take this process's turn to write ``database`` (the in-process lock is already held)."""
    if not database or database == ":memory:":
        return None
    key = (os.getpid(), str(Path(database).resolve()))  # a forked child needs its own descriptor
    with _write_locks_guard:
        fd = _turn_files.get(key)
        if fd is None:
            fd = _turn_files[key] = os.open(f"{key[1]}{WRITER_TURN_SUFFIX}", os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + SQLITE_WRITER_WAIT_SECONDS
    attempt = 0
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise OperationalError(
                    "BEGIN IMMEDIATE",
                    None,
                    Exception(f"no write turn on {database} within {SQLITE_WRITER_WAIT_SECONDS} s"),
                ) from None
            time.sleep(_TURN_POLL_SECONDS[min(attempt, len(_TURN_POLL_SECONDS) - 1)])
            attempt += 1
