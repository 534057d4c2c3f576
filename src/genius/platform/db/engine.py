"""SQLAlchemy engines for SQLite (the embedded default) and PostgreSQL, with our connection rules."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections import OrderedDict
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


# Resolving a path costs an lstat per component (~20-45 us, as much as the rest of taking a turn),
# so a writer resolves an absolute database path once per process; a relative one each time, as it
# depends on the working directory. A tenant file's folders are not re-linked while processes run.
_resolved_files: dict[str, str] = {}


def _database_file(database: str | None) -> str | None:
    """The resolved path of an SQLite database file; None for an in-memory database."""
    if not database or database == ":memory:":
        return None
    path = _resolved_files.get(database)
    if path is None:
        path = str(Path(database).resolve())
        if os.path.isabs(database):
            _resolved_files[database] = path
    return path


def _write_lock(path: str | None, database: str | None) -> threading.Lock:
    key = path if path is not None else f"memory:{database}"
    with _write_locks_guard:
        return _write_locks.setdefault(key, threading.Lock())


def _sqlite_on_begin(connection) -> None:  # type: ignore[no-untyped-def]
    # A writer takes the write lock up front (BEGIN IMMEDIATE), so concurrent writers queue
    # instead of failing when a read transaction upgrades ("database is locked"). Readers stay
    # deferred and never block anyone under WAL.
    if not connection.get_execution_options().get(SQLITE_IMMEDIATE, False):
        connection.exec_driver_sql("BEGIN")
        return
    database = connection.engine.url.database
    path = _database_file(database)
    lock = _write_lock(path, database)
    if not lock.acquire(timeout=SQLITE_WRITER_WAIT_SECONDS):
        raise OperationalError(
            "BEGIN IMMEDIATE",
            None,
            Exception(f"no write turn on {database} within {SQLITE_WRITER_WAIT_SECONDS} s"),
        )
    connection.info[_WRITE_LOCK_KEY] = lock
    try:
        if path is not None:  # an in-memory database lives in this process only
            connection.info[_WRITE_TURN_KEY] = _process_turn(path)
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
        try:
            fcntl.flock(turn.fd, fcntl.LOCK_UN)
        finally:
            _turn_files.give_back(turn)
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
# A process keeps the ``-writer`` descriptors of the files it wrote last open, so a write costs no
# open()/close(); at most this many (settings: sqlite_writer_turn_files), so an installation with
# thousands of tenant files does not run out of descriptors. Reopening an evicted one is one open().
SQLITE_WRITER_TURN_FILES = 128  # the default of Settings.sqlite_writer_turn_files


class _TurnFile:
    """One open ``-writer`` descriptor and how many writers of this process hold or await its turn."""

    __slots__ = ("fd", "held")

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.held = 0


class _TurnFiles:
    """This process's open ``-writer`` descriptors, least recently used first.

    At most ``limit`` stay open: taking a file not open yet closes the least recently used ones
    beyond the limit, skipping any whose turn is held or awaited (closing it would drop the flock).
    While more turns than ``limit`` are held at once the table grows past it and shrinks back as
    they are given back.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._files: OrderedDict[str, _TurnFile] = OrderedDict()
        self._guard = threading.Lock()

    def take(self, path: str) -> _TurnFile:
        """The open descriptor of ``path``'s turn file, marked held until ``give_back``."""
        with self._guard:
            turn = self._files.get(path)
            if turn is None:
                turn = self._files[path] = _TurnFile(
                    os.open(f"{path}{WRITER_TURN_SUFFIX}", os.O_RDWR | os.O_CREAT, 0o600)
                )
                turn.held = 1
                self._trim()
            else:
                self._files.move_to_end(path)
                turn.held += 1
            return turn

    def give_back(self, turn: _TurnFile) -> None:
        """The caller no longer holds nor awaits ``turn`` (its flock is already released)."""
        with self._guard:
            turn.held -= 1
            self._trim()

    def resize(self, limit: int) -> None:
        with self._guard:
            self.limit = limit
            self._trim()

    def open_count(self) -> int:
        with self._guard:
            return len(self._files)

    def _trim(self) -> None:
        excess = len(self._files) - self.limit
        if excess <= 0:
            return
        idle: list[str] = []
        for path, turn in self._files.items():  # least recently used first
            if not turn.held:
                idle.append(path)
                if len(idle) == excess:
                    break
        for path in idle:
            os.close(self._files.pop(path).fd)

    def close(self, path: str) -> None:
        """Close ``path``'s descriptor if open; refuses while a writer of this process holds or awaits it."""
        with self._guard:
            turn = self._files.get(path)
            if turn is None:
                return
            if turn.held:
                raise RuntimeError(f"the write turn of {path} is held by a writer of this process")
            os.close(self._files.pop(path).fd)

    def forget_inherited(self) -> None:
        # In a forked child: the parent's descriptors share the parent's open file descriptions, so
        # the child's turns need descriptors of its own. The inherited ones are left open, not
        # closed: the child may have reused those numbers for other files by the time it writes.
        self._files = OrderedDict()
        self._guard = threading.Lock()


_turn_files = _TurnFiles(SQLITE_WRITER_TURN_FILES)
os.register_at_fork(after_in_child=_turn_files.forget_inherited)


def limit_writer_turn_files(limit: int) -> None:
    """Keep at most ``limit`` (>= 1) ``-writer`` descriptors open in this process (bootstrap sets it)."""
    if limit < 1:
        raise ValueError(f"sqlite_writer_turn_files must be at least 1, got {limit}")
    _turn_files.resize(limit)


def remove_writer_turn_file(database: Path) -> None:
    """Delete the ``-writer`` turn file of the SQLite database at ``database`` (it is being dropped),
    closing this process's descriptor first: left open on the deleted file, it would flock a file no
    other process sees once a database of that name is created again. Other processes' descriptors
    are theirs to close; until they do, their writers of a new database of that name still meet at
    SQLite's own lock (busy_timeout), only without the turn's order."""
    path = _database_file(str(database))
    if path is not None:
        _turn_files.close(path)
        Path(f"{path}{WRITER_TURN_SUFFIX}").unlink(missing_ok=True)


def _process_turn(path: str) -> _TurnFile:
    """Take this process's turn to write the file at ``path`` (the in-process lock is already held)."""
    turn = _turn_files.take(path)
    try:
        deadline = time.monotonic() + SQLITE_WRITER_WAIT_SECONDS
        attempt = 0
        while True:
            try:
                fcntl.flock(turn.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return turn
            except BlockingIOError:
                pass
            if time.monotonic() > deadline:
                raise OperationalError(
                    "BEGIN IMMEDIATE",
                    None,
                    Exception(f"no write turn on {path} within {SQLITE_WRITER_WAIT_SECONDS} s"),
                )
            time.sleep(_TURN_POLL_SECONDS[min(attempt, len(_TURN_POLL_SECONDS) - 1)])
            attempt += 1
    except BaseException:
        _turn_files.give_back(turn)  # neither held nor awaited any more: the file may be closed
        raise
