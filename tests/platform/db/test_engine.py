"""SQLite writers of one file in one process take turns; a failed writer gives its turn back."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from genius.platform.db.engine import SQLITE_IMMEDIATE, make_engine, sqlite_url

WRITERS = 24


def test_many_in_process_writers_all_commit(tmp_path: Path) -> None:
    # Two engines on one file, as two platform objects in one process would have.
    engines = [make_engine(sqlite_url(tmp_path / "w.db")) for _ in range(2)]
    with engines[0].begin() as conn:
        conn.execute(sa.text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        conn.execute(sa.text("INSERT INTO counter VALUES (0)"))
    errors: list[BaseException] = []

    def write(index: int) -> None:
        try:
            writer = engines[index % 2].execution_options(**{SQLITE_IMMEDIATE: True})
            with writer.begin() as conn:
                n = conn.execute(sa.text("SELECT n FROM counter")).scalar_one()
                time.sleep(0.02)  # hold the write turn long enough for the others to pile up
                conn.execute(sa.text("UPDATE counter SET n = :n"), {"n": n + 1})
        except BaseException as exc:  # collected: assert below names them
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engines[0].connect() as conn:
        assert conn.execute(sa.text("SELECT n FROM counter")).scalar_one() == WRITERS
    for engine in engines:
        engine.dispose()


def test_a_failed_writer_releases_its_turn(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "f.db"))
    writer = engine.execution_options(**{SQLITE_IMMEDIATE: True})
    with writer.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
    with pytest.raises(sa.exc.IntegrityError), writer.begin() as conn:
        conn.execute(sa.text("INSERT INTO t VALUES (1)"))
        conn.execute(sa.text("INSERT INTO t VALUES (1)"))
    # An abandoned connection (closed with its transaction open) gives the turn back too.
    conn = writer.connect()
    conn.begin()
    conn.execute(sa.text("INSERT INTO t VALUES (2)"))
    conn.close()
    done = threading.Event()

    def next_writer() -> None:
        with writer.begin() as other:
            other.execute(sa.text("INSERT INTO t VALUES (3)"))
        done.set()

    thread = threading.Thread(target=next_writer)
    thread.start()
    assert done.wait(10), "the next writer never got its turn"
    thread.join()
    with engine.connect() as check:
        assert check.execute(sa.text("SELECT id FROM t ORDER BY id")).scalars().all() == [3]
    engine.dispose()
