"""`genius serve --workers N`: several API processes, exactly one running the relay, subscribers and
workers (the holder of the primary lock); refused on SQLite; ``--api-only`` runs them in none."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.web.served import GENIUS, STOPPED_BY_CTRL_C, Served, serve_env  # noqa: F401  (the fixture)

pytestmark = pytest.mark.slow


def _lock_holders(root_pid: int, lock: Path) -> int:
    """How many processes under ``root_pid`` hold ``lock`` open."""
    children = Path(f"/proc/{root_pid}/task/{root_pid}/children").read_text().split()
    holders = 0
    for pid in children:
        try:
            targets = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()}
        except (FileNotFoundError, PermissionError):
            continue
        holders += str(lock) in targets
    return holders


def test_several_processes_are_refused_on_sqlite(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GENIUS_")}
    env.update(GENIUS_DATA_DIR=str(tmp_path / "var"), GENIUS_LOG_LEVEL="WARNING")
    done = subprocess.run(
        [str(GENIUS), "serve", "--workers", "2"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "--workers" in done.stderr and "PostgreSQL" in done.stderr, done.stderr


@pytest.mark.postgres
@pytest.mark.parametrize("serve_env", ["postgres"], indirect=True)
@pytest.mark.parametrize(
    ("args", "primaries"), [(("--workers", "2"), 1), (("--workers", "2", "--api-only"), 0)]
)
def test_two_api_processes_on_postgresql(
    serve_env: dict[str, str],  # noqa: F811
    tmp_path: Path,
    args: tuple[str, ...],
    primaries: int,
) -> None:
    served = Served(serve_env, tmp_path, args)
    try:
        served.wait_for(r"2 API processes on (http://\S+)")
        url = f"http://127.0.0.1:{serve_env['GENIUS_PORT']}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "\n".join(served.lines)
            time.sleep(0.2)
        time.sleep(1)  # both processes up
        lock = Path(serve_env["GENIUS_DATA_DIR"]) / "serve.primary.lock"
        assert _lock_holders(served.process.pid, lock) == primaries
    finally:
        assert served.stop() in STOPPED_BY_CTRL_C, "\n".join(served.lines)
