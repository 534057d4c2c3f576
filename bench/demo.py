"""Demo data: how long `genius demo` takes to seed the full demo tenant, phase by phase (SQLite).

Seeds a fresh tenant in a temporary data folder through ``genius.cli.demo.seed_in_process`` (the
ANAF double on a local port, subscribers, the ``anaf.efactura`` worker and the relay in this
process), timestamps each progress line and reports the phases and the counts. The submission
phase is paced under ANAF's 1,000 calls a minute, so it has a floor of about a minute for ~320
documents whatever the machine.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

TODAY = date(2026, 11, 25)
MASTER_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="  # 32 zero bytes: a throwaway folder


def run() -> str:
    from genius.bootstrap import build_platform
    from genius.cli.demo import seed_in_process
    from genius.platform.settings import Settings

    with tempfile.TemporaryDirectory(prefix="genius-bench-demo-") as folder:
        settings = Settings(
            data_dir=Path(folder), master_key=MASTER_KEY, database_url=None, redis_url=None, amqp_url=None
        )
        platform = build_platform(settings)
        platform.tenants.create("demo", name="Demo SRL", cui="12345674")
        marks: list[tuple[float, str]] = []
        started = time.monotonic()

        def echo(line: str) -> None:
            marks.append((time.monotonic() - started, line.strip()))

        async def seed() -> Any:
            try:
                return await seed_in_process(platform, "demo", today=TODAY, seed=2026, echo=echo)
            finally:
                await platform.bus.transport.close()

        try:
            summary = asyncio.run(seed())
        finally:
            platform.close()
    total = time.monotonic() - started
    rows = [f"| {at:6.1f} s | {line} |" for at, line in marks]
    counts = ", ".join(f"{k} {v}" for k, v in summary.counts.items())
    return "\n".join(
        [
            "### Demo data: `genius demo` on SQLite",
            "",
            f"Total {total:.0f} s. {counts}.",
            "",
            "| at | progress |",
            "|---|---|",
            *rows,
        ]
    )


if __name__ == "__main__":
    print(run())
