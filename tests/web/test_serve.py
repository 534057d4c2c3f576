"""`genius serve` end to end: first start makes the demo tenant and prints the admin's password;
a real client signs in with it and calls an authenticated route; a second start reuses the data."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from queue import Empty, Queue

import httpx
import pytest
import sqlalchemy as sa

from genius.platform.db.engine import make_engine

GENIUS = Path(sys.executable).parent / "genius"
START_TIMEOUT_SECONDS = 60
# uvicorn shuts down gracefully on SIGINT, then re-raises it: the shell's 130 (or -2 unhandled).
STOPPED_BY_CTRL_C = (0, 130, -signal.SIGINT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Served:
    """A running `genius serve` whose stdout is read line by line in a thread."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.lines: list[str] = []
        self._queue: Queue[str] = Queue()
        self.process = subprocess.Popen(
            [str(GENIUS), "serve"],
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
    postgres_url = request.getfixturevalue("postgres_url")
    control_db = f"gtest_serve_{uuid.uuid4().hex[:10]}"
    server = make_engine(postgres_url)
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{control_db}"'))
    env["GENIUS_DATABASE_URL"] = (
        sa.make_url(postgres_url).set(database=control_db).render_as_string(hide_password=False)
    )
    try:
        yield env
    finally:
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for name in (f"{demo}_core", control_db):
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.mark.slow
def test_serve_from_scratch_then_again(serve_env: dict[str, str], tmp_path: Path) -> None:
    demo = serve_env["GENIUS_DEMO_TENANT"]
    first = Served(serve_env, tmp_path)
    try:
        email = first.wait_for(r"admin login:\s+(\S+)").group(1)
        password = first.wait_for(r"password:\s+(\S+)").group(1)
        url = first.wait_for(r"serving on (http://\S+)").group(1)
        with httpx.Client(base_url=url, timeout=10) as client:
            assert client.get("/healthz").json() == {"status": "ok"}
            assert client.get("/readyz").status_code == 200
            grant = {"grant_type": "password", "tenant": demo, "username": email, "password": password}
            token = client.post("/api/v1/auth/token", json=grant).json()["access_token"]
            me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
            assert me.status_code == 200 and me.json()["tenant"] == demo
            assert len(me.headers["x-trace-id"]) == 32
    finally:
        assert first.stop() in STOPPED_BY_CTRL_C, "\n".join(first.lines)

    second = Served(serve_env, tmp_path)
    try:
        second.wait_for(rf"demo tenant '{demo}' exists")
        url = second.wait_for(r"serving on (http://\S+)").group(1)
        assert not any(re.match(r"\s+password:\s", line) for line in second.lines), second.lines
        with httpx.Client(base_url=url, timeout=10) as client:
            grant = {"grant_type": "password", "tenant": demo, "username": email, "password": password}
            response = client.post("/api/v1/auth/token", json=grant)
            assert response.status_code == 200, response.text  # the same admin, from the kept data
    finally:
        assert second.stop() in STOPPED_BY_CTRL_C, "\n".join(second.lines)
