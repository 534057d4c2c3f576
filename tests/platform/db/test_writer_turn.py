"""Writers of one SQLite file take turns on ``<file>-writer`` across processes: held from BEGIN
IMMEDIATE until the COMMIT or ROLLBACK has returned, so another process never waits for the
write lock in SQLite's busy handler (engine.py, measured in bench/bus.py)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from genius.platform.db import engine as engine_module
from genius.platform.db.engine import (
    SQLITE_IMMEDIATE,
    WRITER_TURN_SUFFIX,
    limit_writer_turn_files,
    make_engine,
    sqlite_url,
)
from genius.platform.settings import Settings


def _turn_is_free(database: Path) -> bool:
    """What another process sees: can it take the turn right now?"""
    fd = os.open(f"{database}{WRITER_TURN_SUFFIX}", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing drops a lock taken here
    return True


def test_a_writer_holds_the_turn_until_it_commits(tmp_path: Path) -> None:
    database = tmp_path / "t.db"
    engine = make_engine(sqlite_url(database)).execution_options(**{SQLITE_IMMEDIATE: True})
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t VALUES (1)"))
        assert not _turn_is_free(database)
    assert _turn_is_free(database)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM t")).scalar_one() == 1
    engine.dispose()


def test_a_rolled_back_writer_hands_the_turn_over_and_keeps_nothing(tmp_path: Path) -> None:
    database = tmp_path / "t.db"
    engine = make_engine(sqlite_url(database)).execution_options(**{SQLITE_IMMEDIATE: True})
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
    with pytest.raises(RuntimeError), engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t VALUES (1)"))
        raise RuntimeError("the effect failed")
    assert _turn_is_free(database)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM t")).scalar_one() == 0
    engine.dispose()


def test_readers_do_not_take_the_turn(tmp_path: Path) -> None:
    database = tmp_path / "t.db"
    engine = make_engine(sqlite_url(database))
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
        assert _turn_is_free(database)
    engine.dispose()


# -- the bounded table of open turn files --------------------------------------------------------


@pytest.fixture
def turn_files_limit() -> Iterator[Callable[[int], None]]:
    """Set this process's limit of open ``-writer`` descriptors for one test."""
    before = engine_module._turn_files.limit
    yield limit_writer_turn_files
    limit_writer_turn_files(before)


def _open_turn_files(folder: Path) -> set[str]:
    """The ``-writer`` files under ``folder`` this process has a descriptor of."""
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except FileNotFoundError:  # the descriptor listdir itself used
            continue
        if target.startswith(str(folder)) and target.endswith(WRITER_TURN_SUFFIX):
            found.add(target)
    return found


def _write(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
        conn.execute(sa.text("INSERT INTO t VALUES (1)"))


def _writer(database: Path) -> sa.Engine:
    return make_engine(sqlite_url(database)).execution_options(**{SQLITE_IMMEDIATE: True})


def test_writing_many_tenant_files_keeps_only_the_latest_turn_files_open(
    tmp_path: Path, turn_files_limit: Callable[[int], None]
) -> None:
    turn_files_limit(4)
    databases = [tmp_path / f"tenant{i}.db" for i in range(30)]
    for database in databases:
        engine = _writer(database)
        _write(engine)
        engine.dispose()
        assert len(_open_turn_files(tmp_path)) <= 4
    # the four written last, and every turn is free for other processes
    assert _open_turn_files(tmp_path) == {f"{database}{WRITER_TURN_SUFFIX}" for database in databases[-4:]}
    assert all(_turn_is_free(database) for database in databases)
    # an evicted file takes its turn again (reopened) and pushes out the least recently used one
    engine = _writer(databases[0])
    _write(engine)
    engine.dispose()
    assert _open_turn_files(tmp_path) == {
        f"{database}{WRITER_TURN_SUFFIX}" for database in [databases[0], *databases[-3:]]
    }


def test_a_held_turn_is_never_closed_to_make_room(
    tmp_path: Path, turn_files_limit: Callable[[int], None]
) -> None:
    turn_files_limit(1)
    held = tmp_path / "held.db"
    held_engine = _writer(held)
    _write(held_engine)
    others = [tmp_path / f"other{i}.db" for i in range(5)]
    with held_engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t VALUES (2)"))
        for database in others:
            engine = _writer(database)
            with engine.begin() as other:  # two turns held at once: over the limit of one
                other.execute(sa.text("CREATE TABLE t (x INTEGER)"))
                assert len(_open_turn_files(tmp_path)) == 2
            # given back, the other file is the idle one closed to return within the limit
            assert _open_turn_files(tmp_path) == {f"{held}{WRITER_TURN_SUFFIX}"}
            assert not _turn_is_free(held)
            engine.dispose()
    # given back, the held file is the most recent and the table is back within its limit
    assert _open_turn_files(tmp_path) == {f"{held}{WRITER_TURN_SUFFIX}"}
    assert _turn_is_free(held)
    with held_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM t")).scalar_one() == 2
    held_engine.dispose()


def test_a_lowered_limit_closes_idle_turn_files_at_once(
    tmp_path: Path, turn_files_limit: Callable[[int], None]
) -> None:
    turn_files_limit(10)
    for i in range(6):
        engine = _writer(tmp_path / f"t{i}.db")
        _write(engine)
        engine.dispose()
    assert len(_open_turn_files(tmp_path)) == 6
    turn_files_limit(2)
    assert _open_turn_files(tmp_path) == {f"{tmp_path / f't{i}.db'}{WRITER_TURN_SUFFIX}" for i in (4, 5)}


def test_the_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="sqlite_writer_turn_files must be at least 1"):
        limit_writer_turn_files(0)
    with pytest.raises(ValidationError, match="sqlite_writer_turn_files"):
        Settings(sqlite_writer_turn_files=0)


# The other process: with at most one open turn file, it writes other files between its writes
# to ``database`` (so that file's descriptor is closed and reopened), then holds a turn on it until
# told to go on.
_OTHER_PROCESS = """
import sys
import sqlalchemy as sa
from genius.platform.db.engine import SQLITE_IMMEDIATE, limit_writer_turn_files, make_engine, sqlite_url

limit_writer_turn_files(1)
database, folder = sys.argv[1], sys.argv[2]

def writer(path):
    return make_engine(sqlite_url(path)).execution_options(**{SQLITE_IMMEDIATE: True})

for i in range(3):
    for path in (database, f"{folder}/other{i}.db"):
        engine = writer(path)
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
        engine.dispose()
engine = writer(database)
with engine.begin() as conn:
    conn.execute(sa.text("INSERT INTO t VALUES (7)"))
    print("holding", flush=True)
    sys.stdin.readline()
print("done", flush=True)
"""


def test_turns_still_exclude_across_processes_after_files_were_closed_and_reopened(
    tmp_path: Path, turn_files_limit: Callable[[int], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    turn_files_limit(1)
    database = tmp_path / "shared.db"
    engine = _writer(database)
    _write(engine)
    for i in range(3):  # this process's descriptor of the shared file is closed and reopened too
        other = _writer(tmp_path / f"mine{i}.db")
        _write(other)
        other.dispose()
        _write(engine)
    child = subprocess.Popen(
        [sys.executable, "-c", _OTHER_PROCESS, str(database), str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline().strip() == "holding"
        monkeypatch.setattr(engine_module, "SQLITE_WRITER_WAIT_SECONDS", 0.3)
        with pytest.raises(sa.exc.OperationalError, match="no write turn"):
            _write(engine)
        child.stdin.write("go on\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "done"
        assert child.wait(timeout=30) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    _write(engine)
    with engine.connect() as conn:
        assert sorted(conn.execute(sa.text("SELECT x FROM t")).scalars()) == [1, 1, 1, 1, 1, 7]
    engine.dispose()
