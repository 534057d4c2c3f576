"""Writers of one SQLite file take turns on ``<file>-writer`` across processes: held from BEGIN
IMMEDIATE until the COMMIT or ROLLBACK has returned, so another process never waits for the
write lock in SQLite's busy handler (engine.py, measured in bench/bus.py)."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from genius.platform.db.engine import SQLITE_IMMEDIATE, WRITER_TURN_SUFFIX, make_engine, sqlite_url


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
