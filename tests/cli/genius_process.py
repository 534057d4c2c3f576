"""A `genius` command run as a child process on the embedded defaults (SQLite, the local transport)."""

from __future__ import annotations

import os
import subprocess
import sys
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


def start_genius(args: list[str], data_dir: Path) -> subprocess.Popen[str]:
    """``genius <args>`` started on ``data_dir``; stdout and stderr together as text."""
    return subprocess.Popen(
        [sys.executable, "-m", "genius.cli.main", *args],
        cwd=PROJECT_ROOT,
        env=embedded_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
