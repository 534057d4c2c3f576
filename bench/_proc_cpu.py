"""CPU seconds used by processes, read from /proc (Linux): a server's process tree, PostgreSQL backends.

On a shared machine throughput depends on what else runs; the CPU a run cost per invoice does not
(much), so benchmarks report both. A PostgreSQL backend is found by its process title
(``postgres: <version>/<cluster>: <user> <database> ...``), so only the backends serving the
benchmark's own databases are counted.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user + system CPU seconds) of a live process, None once it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # the command in (...) may hold spaces
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def process_tree(root: int) -> list[int]:
    """``root`` and every descendant (uvicorn --workers forks its workers from the root)."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            children.setdefault(stat[0], []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def postgres_backends(databases: Iterable[str]) -> list[int]:
    wanted = set(databases)
    pids = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        words = title.split()
        if title.startswith("postgres: ") and len(words) > 3 and words[3] in wanted:
            pids.append(int(entry.name))
    return pids


class CpuMeter:
    """CPU seconds the processes ``find()`` names used between ``start()`` and ``stop()``.

    Processes found only at the end count from zero; one that exits in between is lost (the
    servers and the pooled backends live through a run).
    """

    def __init__(self, find: Callable[[], list[int]]) -> None:
        self.find = find
        self._start: dict[int, float] = {}

    def _now(self) -> dict[int, float]:
        return {pid: stat[1] for pid in self.find() if (stat := _stat(pid)) is not None}

    def start(self) -> None:
        self._start = self._now()

    def stop(self) -> float:
        return sum(cpu - self._start.get(pid, 0.0) for pid, cpu in self._now().items())
