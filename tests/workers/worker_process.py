"""A worker process for the test that kills one mid-job (SIGKILL).

``python -m tests.workers.worker_process DATA_DIR SECONDS``: runs the ``echo`` worker whose handler
writes ``started`` to DATA_DIR/started-<job>, sleeps SECONDS, then appends a line to DATA_DIR/done.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from genius.bootstrap import Platform, build_platform
from genius.platform.bus.local import LocalTransport
from genius.platform.bus.messages import EchoReplied, EchoRequested
from genius.platform.jobs.context import JobContext
from genius.platform.settings import Settings
from genius.workers.runtime import WorkerRuntime

# Short lease: a killed worker's job comes back after a second, not the default thirty.
LEASE_SECONDS = 1.0
MASTER_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


def slow_echo(data_dir: Path, seconds: float):  # type: ignore[no-untyped-def]
    def handle(request: EchoRequested, job: JobContext, platform: Platform) -> EchoReplied:
        (data_dir / f"started-{job.job_id}-{job.attempt}").write_text("started")
        job.progress(50, "echoing slowly")
        time.sleep(seconds)
        with open(data_dir / "done", "a") as out:
            out.write(f"{job.job_id} {job.attempt}\n")
        return EchoReplied(text=request.text)

    return handle


def runtime_for(platform: Platform, data_dir: Path, seconds: float) -> WorkerRuntime:
    transport = LocalTransport(data_dir / "bus" / "queue.db", lease_seconds=LEASE_SECONDS)
    return WorkerRuntime(
        platform,
        {"echo": slow_echo(data_dir, seconds)},
        transport=transport,
        heartbeat_seconds=0.2,
        run_relay=True,
    )


async def main(data_dir: Path, seconds: float) -> None:
    platform = build_platform(Settings(data_dir=data_dir, master_key=MASTER_KEY))
    runtime = runtime_for(platform, data_dir, seconds)
    await runtime.start()
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), float(sys.argv[2])))
