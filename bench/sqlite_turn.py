"""CPU cost of an SQLite write transaction with its writer turn, on one file and on many.

``python -m bench sqlite_turn``. Every writing unit of work on SQLite takes the in-process lock
and the cross-process turn (an flock of ``<file>-writer``, platform/db/engine.py) around BEGIN
IMMEDIATE ... COMMIT. This times that path through ``make_engine`` in CPU time (the VM is shared:
wall time is noise): one tenant file written over and over, and more tenant files than the turn
table keeps open (each write then reopens one ``-writer`` file and closes the least recently used).
Also counts the ``-writer`` descriptors left open.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from genius.platform.db import engine as engine_module
from genius.platform.db.engine import SQLITE_IMMEDIATE, WRITER_TURN_SUFFIX, make_engine, sqlite_url

WRITES = 20_000
MANY_FILES = 300  # more than SQLITE_WRITER_TURN_FILES (128): every write reopens a turn file
REPEATS = 3  # the best of three, each in the same process


def _open_turn_files(folder: Path) -> int:
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        count += target.startswith(str(folder)) and target.endswith(WRITER_TURN_SUFFIX)
    return count


def _cpu_us_per_write(folder: Path, files: int) -> float:
    engines = [
        make_engine(sqlite_url(folder / f"t{files}_{i}.db")).execution_options(**{SQLITE_IMMEDIATE: True})
        for i in range(files)
    ]
    for engine in engines:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
    connections = [engine.connect() for engine in engines]
    best = float("inf")
    try:
        for _ in range(REPEATS):
            started = time.process_time()
            for n in range(WRITES):
                conn = connections[n % files]
                with conn.begin():
                    conn.exec_driver_sql("INSERT INTO t VALUES (1)")
            best = min(best, (time.process_time() - started) / WRITES * 1e6)
    finally:
        for conn in connections:
            conn.close()
        for engine in engines:
            engine.dispose()
    return best


def run() -> str:
    rows = ["| tenant files written in turn | CPU per write transaction | `-writer` files left open |"]
    rows.append("|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for files in (1, MANY_FILES):
            per_write = _cpu_us_per_write(folder, files)
            rows.append(f"| {files} | {per_write:.0f} µs | {_open_turn_files(folder)} |")
    limit = getattr(getattr(engine_module, "_turn_files", None), "limit", "unbounded")
    return (
        f"## SQLite writer turn\n\n{WRITES:,} write transactions (BEGIN IMMEDIATE, one INSERT, COMMIT) "
        f"per row, best of {REPEATS}; turn files kept open: {limit}.\n\n" + "\n".join(rows) + "\n"
    )
