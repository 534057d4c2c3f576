"""The per-tag bulkhead of the worker runtime: N slow jobs of one tag, limit k, never more than k at once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from genius.bootstrap import Platform
from genius.platform.bus.messages import EchoReplied, EchoRequested
from genius.platform.jobs import JobService, JobState
from genius.platform.jobs.context import JobContext
from genius.platform.tenancy import TenantContext
from tests.workers.test_runtime import eventually, runtime, start, state

JOBS = 8
LIMIT = 3


class Gauge:
    """How many handler calls run right now, and the most ever seen at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = self.peak = self.done = 0

    def slow(self, request: EchoRequested, _job: JobContext, _platform: Platform) -> EchoReplied:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        time.sleep(0.3)  # long enough that every queued job is waiting while the first ones run
        with self.lock:
            self.now -= 1
            self.done += 1
        return EchoReplied(text=request.text)


async def test_a_tag_never_runs_more_jobs_at_once_than_its_limit(
    platform: Platform, tenant: TenantContext, tmp_path: Path
) -> None:
    ids = [start(platform, tenant, EchoRequested(text=f"j{n}")) for n in range(JOBS)]
    gauge = Gauge()
    worker = runtime(platform, tmp_path, {"echo": gauge.slow}, concurrency={"echo": LIMIT})
    await worker.start()
    try:
        await eventually(
            lambda: all(state(platform, tenant, i).terminal for i in ids), timeout=60, what="every job"
        )
    finally:
        await worker.stop(grace=5)
        await worker.transport.close()
    assert gauge.done == JOBS
    assert all(JobService(platform.databases).get(tenant.slug, i).state is JobState.SUCCEEDED for i in ids)
    # The limit holds, and is used: with 8 jobs waiting the runtime does run 3 side by side.
    assert gauge.peak == LIMIT
