"""A `genius` command run as a child process on the embedded defaults (SQLite, the local transport)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.web.conftest import MASTER_KEY

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def embedded_env(data_dir: Path) -> dict[str, str]:
    """This environment with the data in ``data_dir``, no config file and no backend URLs."""
    env = {
        **os.environ,
        "GENIUS_DATA_DIR": str(data_dir),
        "GENIUS_MASTER_KEY": MASTER_KEY,
        "GENIUS_LOG_JSON": "false",
        "GENIUS_CONFIG_FILE": str(data_dir / "none.toml"),
    }
    for name in ("GENIUS_DATABASE_URL", "GENIUS_AMQP_URL", "GENIUS_REDIS_URL"):
        env.pop(name, None)  # the embedded default: SQLite and the local transport
    return env


@contextmanager
def running_genius(args: list[str], data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """``genius <args>`` running on ``data_dir`` (stdout and stderr together, as text); killed at
    the end of the block if it is still running."""
    process = subprocess.Popen(
        [sys.executable, "-m", "genius.cli.main", *args],
        cwd=PROJECT_ROOT,
        env=embedded_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def stop_genius(process: subprocess.Popen[str]) -> str:
    """SIGTERM, as an orchestrator stops it; its whole output once it exited cleanly (30 s at most)."""
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    return output
