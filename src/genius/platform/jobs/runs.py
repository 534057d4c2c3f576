"""One run of a job at a time: a run's claim on its job row, its heartbeat, and the waiting delivery.

A transport's delivery is not proof that nobody else works on the job. The local transport's
lease can lapse under load while its run goes on (the lease heartbeat stuck behind SQLite's
writer lock), RabbitMQ redelivers after a lost connection or its consumer timeout while the
handler still runs, a relay may publish a request twice. So the worker runtime runs a job only
under a claim on the job row (``JobService.begin``, compare-and-set):

- ``claim`` takes the job for a new run (``run_id``; the claim lasts ``RUN_CLAIM_BEATS``
  heartbeats); a job held by a live run makes the delivery wait (polling the row every
  ``RUN_WAIT_SECONDS`` at most, with no time limit: the holder's heartbeat proves it is at work)
  until the job is finished (the delivery is acknowledged and skipped) or queued again (this
  delivery runs it). A claim whose heartbeat stopped is taken over: its worker died, and its job
  runs again, once;
- while the run lasts, its claim is extended every ``heartbeat_seconds``; a beat that cannot
  land (the database is busy) is tried again at the next one, so a run survives
  ``RUN_CLAIM_BEATS - 1`` lost beats;
- the claim ends when the delivery is settled (the job row says succeeded, failed or queued)
  AND the handler's thread has ended: a handler past its timeout (a thread cannot be killed)
  keeps its claim until it returns, so the job's retry waits instead of overlapping it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from concurrent.futures import Future
from datetime import timedelta
from typing import Any

from genius.kernel.clock import utcnow
from genius.kernel.ids import new_id
from genius.platform.jobs.service import Job, JobRunning, JobService

log = logging.getLogger("genius.workers")

# A claim holds this many heartbeats without one: 40 s at the default 5 s heartbeat.
RUN_CLAIM_BEATS = 8
# A delivery of a job held by a live run looks at the job row again this often (seconds, at most).
RUN_WAIT_SECONDS = 1.0
# On stop, runs that are over get this long to clear their claims.
STOP_SECONDS = 2.0


class Run:
    """One run of one job: over once its delivery is settled and its handler thread has ended."""

    def __init__(self, slug: str, job_id: str) -> None:
        self.id = new_id()
        self.slug = slug
        self.job_id = job_id
        self.over = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._settled = False
        self._thread: Future[Any] | None = None

    def watch(self, thread: Future[Any]) -> None:
        """The handler's thread: the claim holds until it ends, even past the job's timeout."""
        self._thread = thread
        thread.add_done_callback(self._thread_done)

    def settle(self) -> None:
        """The job row says how this delivery ended."""
        self._settled = True
        self._check()

    def _thread_done(self, _future: Future[Any]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: the process is stopping
            self._loop.call_soon_threadsafe(self._check)

    def _check(self) -> None:
        if self._settled and (self._thread is None or self._thread.done()):
            self.over.set()


class RunClaims:
    """The claims of one worker process's runs; see the module docstring."""

    def __init__(self, jobs: JobService, worker: str, *, heartbeat_seconds: float) -> None:
        self.jobs = jobs
        self.worker = worker
        self.heartbeat_seconds = heartbeat_seconds
        self._keepers: set[asyncio.Task[None]] = set()

    @property
    def window(self) -> float:
        """Seconds a claim holds without a heartbeat."""
        return self.heartbeat_seconds * RUN_CLAIM_BEATS

    def _until(self) -> Any:
        return utcnow() + timedelta(seconds=self.window)

    async def claim(self, slug: str, job_id: str, tag: str, event_id: str) -> tuple[Run, Job] | None:
        """A new run holding the job, and the job (running); None when the job already finished."""
        run = Run(slug, job_id)
        next_note = time.monotonic()
        while True:
            try:
                job = await asyncio.to_thread(
                    self.jobs.begin,
                    slug,
                    job_id,
                    tag,
                    event_id,
                    self.worker,
                    run_id=run.id,
                    run_until=self._until(),
                )
                break
            except JobRunning as busy:
                if time.monotonic() >= next_note:
                    log.info("job %s: %s; this delivery waits for it", job_id, busy.message)
                    next_note = time.monotonic() + 60.0
                await asyncio.sleep(min(RUN_WAIT_SECONDS, self.heartbeat_seconds))
        if job is None:
            return None
        keeper = asyncio.create_task(self._keep(run), name=f"job-run-{job_id}")
        self._keepers.add(keeper)
        keeper.add_done_callback(self._keepers.discard)
        return run, job

    async def _keep(self, run: Run) -> None:
        """Beat ``run``'s claim until the run is over, then clear it."""
        try:
            while not run.over.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(run.over.wait(), self.heartbeat_seconds)
                if run.over.is_set():
                    break
                try:
                    held = await asyncio.to_thread(
                        self.jobs.beat, run.slug, run.job_id, run.id, self._until()
                    )
                except Exception as exc:  # the database is busy: the claim has beats to spare
                    log.warning("job %s: run heartbeat failed: %r", run.job_id, exc)
                    continue
                if not held:
                    log.error(
                        "job %s: run %s lost its claim (no heartbeat landed for %gs): another run took over",
                        run.job_id,
                        run.id,
                        self.window,
                    )
        finally:
            if run.over.is_set():
                with contextlib.suppress(Exception):
                    await asyncio.shield(asyncio.to_thread(self.jobs.end_run, run.slug, run.job_id, run.id))

    async def stop(self) -> None:
        """Runs that are over clear their claims; a handler thread still running keeps its claim
        until it lapses (the thread may run on until the process exits)."""
        if not self._keepers:
            return
        _over, running = await asyncio.wait(set(self._keepers), timeout=STOP_SECONDS)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
