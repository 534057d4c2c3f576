"""A `genius serve` child process for tests, and the environment it runs in: the embedded defaults
(SQLite) or a throwaway PostgreSQL control database dropped afterwards with the demo tenant's."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from queue import Empty, Queue

import pytest

from tests.integrations.serving import free_port
from tests.platforms import throwaway_control_database

GENIUS = Path(sys.executable).parent / "genius"
START_TIMEOUT_SECONDS = 60
# uvicorn shuts down gracefully on SIGINT, then re-raises it: the shell's 130 (or -2 unhandled).
STOPPED_BY_CTRL_C = (0, 130, -signal.SIGINT)


class Served:
    """A running `genius serve <args>` whose stdout is read line by line in a thread."""

    def __init__(self, env: dict[str, str], cwd: Path, args: tuple[str, ...] = ()) -> None:
        self.lines: list[str] = []
        self._queue: Queue[str] = Queue()
        self.process = subprocess.Popen(
            [str(GENIUS), "serve", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))

    def wait_for(self, pattern: str) -> re.Match[str]:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.2)
            except Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.lines.append(line)
            match = re.search(pattern, line)
            if match:
                return match
        raise AssertionError(f"no line matching {pattern!r}; output:\n" + "\n".join(self.lines))

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # what Ctrl+C after `make run` does
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def serve_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of `genius serve`: data in the test's folder, a demo tenant of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GENIUS_")}
    demo = f"demo_{uuid.uuid4().hex[:8]}"  # tenant databases are server-wide names on PostgreSQL
    env.update(
        GENIUS_DATA_DIR=str(tmp_path / "var"),
        GENIUS_PORT=str(free_port()),
        GENIUS_DEMO_TENANT=demo,
        GENIUS_LOG_LEVEL="WARNING",
    )
    if request.param == "sqlite":
        yield env
        return
    with throwaway_control_database(request.getfixturevalue("postgres_url"), "gtest_serve") as control:
        control.tenant_databases.append(f"{demo}_core")
        env["GENIUS_DATABASE_URL"] = control.url
        yield env
