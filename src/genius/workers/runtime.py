"""The worker runtime: consumes ``worker.<tag>`` queues, runs each tag's handler as a job, reports it.

    runtime = WorkerRuntime(platform, select_handlers(["pdf.render", "email.send"]))
    await runtime.start()          # consumers, the outbox relay, heartbeats
    ...
    await runtime.stop(grace=30)   # in-flight jobs finish, or go back to the queue

Per tag: at most ``concurrency`` jobs at once (the consumer's bounded concurrency and the tag's own
thread pool are its bulkhead), each cut off after ``job_timeout`` seconds. One delivery of
``worker.request.<tag>``:

1. the job row goes ``running`` (attempt + 1); a job that already finished is acknowledged and
   skipped, so a redelivered request never runs twice after it succeeded;
2. the handler runs on the tag's threads with a ``JobContext`` (progress goes to the job row);
3. success: the result (``worker.response.<tag>``) is stored on the job and published, in one
   transaction; a caller error (bad input, missing settings) fails the job without retries; any
   other error or a timeout puts it back to ``queued`` for the consumer's delayed retry, and on the
   last attempt marks it ``dead`` (the request is then in the dead letters, ``genius dlq``).

A worker killed mid-job (SIGKILL) never acknowledged its delivery: the transport delivers it again
(lease expiry locally, connection loss on RabbitMQ) and the job runs again; handlers are idempotent.

One run of a job at a time, on any transport. A delivery is not proof that nobody else works on
the job: a local lease can lapse under load while its run goes on, RabbitMQ redelivers after a
lost connection while the handler still runs, a relay may publish a request twice. So step 1
claims the job on its row (``genius.platform.jobs.runs``): the run beats every
``heartbeat_seconds`` while its handler thread lives, and the claim ends when both the thread
has ended and the delivery is settled (the job row says succeeded/failed/queued). A delivery of
a job held by a live run waits for it, then finds the job finished (acknowledged, skipped) or
queued again (it runs it). A claim whose heartbeat stopped (the worker died) is taken over, so
the killed worker's job runs again, once.

A Python thread cannot be killed, so a handler past its timeout finishes in the background: the
job is queued for its retry, but its claim holds until that thread ends, so the retry waits
instead of overlapping it. Handlers pass ``JobContext.remaining()`` to subprocesses and sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import importlib
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from genius.kernel.errors import (
    AuthenticationFailed,
    Conflict,
    GeniusError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from genius.kernel.ids import new_id
from genius.platform.bus.catalogue import CATALOGUE
from genius.platform.bus.consumer import Consumer, Unprocessable
from genius.platform.bus.handlers import RegistryTenants
from genius.platform.bus.process import settle_process
from genius.platform.bus.relay import Relay
from genius.platform.bus.renames import RENAMED_TAGS
from genius.platform.bus.transport import Delivery, RetryPolicy, Transport
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs.context import JobContext
from genius.platform.jobs.registry import HEARTBEAT_SECONDS, WorkerRegistry
from genius.platform.jobs.runs import Run, RunClaims
from genius.platform.jobs.service import Job, JobService, JobState
from genius.platform.tenancy import TenantContext

if TYPE_CHECKING:
    from fastapi import FastAPI

    from genius.bootstrap import Platform

log = logging.getLogger("genius.workers")

WorkerHandler = Callable[[Any, JobContext, "Platform"], Any]
# The product's workers: tag (as on the wire, worker.request.<tag>) -> module with
# ``handle(request, job, platform)``. Module names spell the tag's dots as underscores.
WORKER_MODULES = {
    "pdf.render": "genius.workers.pdf_render",
    "email.send": "genius.workers.email_send",
    "ocr": "genius.workers.ocr",
    "match": "genius.workers.match",
    "anaf.saft": "genius.workers.anaf_saft",
    "anaf.efactura": "genius.workers.anaf_efactura",
    "anaf.taxpayer": "genius.workers.anaf_taxpayer",
    "bnr.rates": "genius.workers.bnr_rates",
    "fx.revaluation": "genius.workers.fx_revaluation",
}
# The one-word spellings the dotted tags had before issue 3 renamed them (``pdf_render``): still
# accepted by select_handlers (``genius worker --tags``) with a deprecation warning; never on the bus.
DEPRECATED_TAGS = RENAMED_TAGS
DEFAULT_CONCURRENCY = 2
DEFAULT_JOB_TIMEOUT = 600.0
DEFAULT_RETRY = RetryPolicy(max_attempts=5, base_delay=2.0, max_delay=300.0)
DEFAULT_GRACE = 30.0
# Errors that say the request itself is wrong: retrying cannot help, the job fails at once.
CALLER_ERRORS = (ValidationError, NotFound, Conflict, PermissionDenied, AuthenticationFailed)


class JobTimedOut(GeniusError):
    code = "job_timed_out"


def normalise_tag(tag: str) -> str:
    """A tag as typed (`` Pdf.Render``) -> the bus tag (``pdf.render``); old ``pdf_render`` warns."""
    cleaned = tag.strip().lower()
    renamed = DEPRECATED_TAGS.get(cleaned)
    if renamed is not None:
        log.warning(
            "worker tag %r is deprecated and will be refused in a later release: use %r", cleaned, renamed
        )
        return renamed
    return cleaned


def select_handlers(tags: Iterable[str] | None = None) -> dict[str, WorkerHandler]:
    """The handlers of ``tags`` (every product worker when None); unknown tags are refused."""
    wanted = [normalise_tag(t) for t in tags] if tags is not None else list(WORKER_MODULES)
    unknown = sorted(t for t in wanted if t not in WORKER_MODULES)
    if unknown or not wanted:
        known = ", ".join(WORKER_MODULES)
        raise ValidationError.for_field(
            "tags", f"unknown worker tag(s) {', '.join(unknown) or '(none)'}; known: {known}"
        )
    return {tag: importlib.import_module(WORKER_MODULES[tag]).handle for tag in dict.fromkeys(wanted)}


@dataclass
class TagStats:
    processed: int = 0
    failed: int = 0
    in_flight: int = 0


class WorkerRuntime:
    """See the module docstring."""

    def __init__(
        self,
        platform: Platform,
        handlers: Mapping[str, WorkerHandler],
        *,
        concurrency: int | Mapping[str, int] = DEFAULT_CONCURRENCY,
        job_timeout: float = DEFAULT_JOB_TIMEOUT,
        retry: RetryPolicy = DEFAULT_RETRY,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        run_relay: bool = True,
        run_schedules: bool = True,
        transport: Transport | None = None,
    ) -> None:
        if not handlers:
            raise ValidationError.for_field("tags", "at least one worker tag")
        if job_timeout <= 0:
            raise ValidationError.for_field("job_timeout", "must be positive (seconds)")
        self.platform = platform
        self.handlers = dict(handlers)
        self.concurrency = {
            tag: (concurrency if isinstance(concurrency, int) else concurrency.get(tag, DEFAULT_CONCURRENCY))
            for tag in self.handlers
        }
        if any(n < 1 for n in self.concurrency.values()):
            raise ValidationError.for_field("concurrency", "at least 1 per tag")
        self.job_timeout = job_timeout
        self.retry = retry
        self.heartbeat_seconds = heartbeat_seconds
        self.run_relay = run_relay
        # Periodic jobs of the tags served here (genius.workers.schedules), claimed once per period.
        self.run_schedules = run_schedules
        self._schedules: asyncio.Task[None] | None = None
        self.transport = transport or platform.bus.transport
        self.instance_id = new_id()
        self.jobs = JobService(platform.databases)
        self.registry = WorkerRegistry(platform.control, heartbeat_seconds=heartbeat_seconds)
        self.tenants = RegistryTenants(platform.tenants)
        self.stats = {tag: TagStats() for tag in self.handlers}
        self._pools = {
            tag: ThreadPoolExecutor(max_workers=n, thread_name_prefix=f"worker-{tag}")
            for tag, n in self.concurrency.items()
        }
        self._consumers: list[Consumer] = []
        self._relay: Relay | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        # One run per job at a time: the claims of this process's runs and their heartbeats.
        self.runs = RunClaims(self.jobs, self.instance_id, heartbeat_seconds=heartbeat_seconds)

    # -- lifecycle -----------------------------------------------------------------------------
    async def start(self) -> None:
        await self.transport.start()
        for tag, handler in self.handlers.items():
            consumer = Consumer.for_worker(
                self.transport,
                tag,
                self._on_delivery(tag, handler),
                concurrency=self.concurrency[tag],
                prefetch=self.concurrency[tag],
                retry=self.retry,
            )
            await consumer.start()
            self._consumers.append(consumer)
        if self.run_relay:
            tenants = self.platform.tenants
            self._relay = Relay(
                self.transport,
                self.platform.databases,
                lambda: [t.slug for t in tenants.list() if t.status == "active"],
            )
            await self._relay.start()
        await asyncio.to_thread(self._beat)
        self._heartbeat = asyncio.create_task(self._beat_forever(), name="worker-heartbeat")
        if self.run_schedules:
            from genius.workers.schedules import run_forever

            self._schedules = asyncio.create_task(
                run_forever(self.platform, set(self.handlers)), name="worker-schedules"
            )
        log.info("worker %s consuming %s", self.instance_id, ", ".join(self.handlers))

    async def stop(self, grace: float = DEFAULT_GRACE) -> None:
        """Take no more jobs; in-flight ones get ``grace`` seconds, then go back to the queue."""
        await asyncio.gather(*(c.stop(grace) for c in self._consumers))
        self._consumers.clear()
        await self.runs.stop()
        if self._schedules is not None:
            self._schedules.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._schedules
            self._schedules = None
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
            self._heartbeat = None
        with contextlib.suppress(Exception):
            await asyncio.to_thread(self._beat)
            await asyncio.to_thread(self.registry.stopped, self.instance_id)
        if self._relay is not None:
            await self._relay.stop()
            self._relay = None
        for pool in self._pools.values():
            pool.shutdown(wait=False, cancel_futures=True)

    # -- heartbeats ------------------------------------------------------------------------------
    def _beat(self) -> None:
        for tag, stats in self.stats.items():
            self.registry.beat(
                self.instance_id,
                tag,
                concurrency=self.concurrency[tag],
                processed=stats.processed,
                failed=stats.failed,
                in_flight=stats.in_flight,
            )

    async def _beat_forever(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            try:
                await asyncio.to_thread(self._beat)
            except Exception as exc:  # the control database is busy or away: try next time
                log.warning("worker heartbeat failed: %r", exc)

    # -- one delivery ----------------------------------------------------------------------------
    def _on_delivery(self, tag: str, handler: WorkerHandler) -> Callable[[Delivery], Any]:
        async def on_delivery(delivery: Delivery) -> None:
            env = delivery.envelope
            assert env is not None  # the consumer dead-letters invalid envelopes
            job_id = env.idempotencykey or env.id
            try:
                tenant = await asyncio.to_thread(self.tenants, env.tenant)
            except GeniusError as exc:
                raise Unprocessable(f"tenant {env.tenant!r}: {exc.message}") from exc
            claimed = await self.runs.claim(tenant.slug, job_id, tag, env.id)
            if claimed is None:
                return  # finished before: a repeated delivery
            run, job = claimed
            try:
                await self._attempt(tag, handler, delivery, tenant, run, job)
            finally:
                run.settle()

        return on_delivery

    async def _attempt(
        self,
        tag: str,
        handler: WorkerHandler,
        delivery: Delivery,
        tenant: TenantContext,
        run: Run,
        job: Job,
    ) -> None:
        """Run the claimed job once: decode, handle, then record success or the error."""
        env = delivery.envelope
        assert env is not None
        job_id = run.job_id
        stats = self.stats[tag]
        try:
            spec = CATALOGUE.get(env.type, CATALOGUE.version_of_schema(env.dataschema))
            request = spec.decode(env.data)
        except GeniusError as exc:
            await self._failed(tenant, job_id, JobState.FAILED, exc)
            stats.failed += 1
            raise Unprocessable(f"{env.type}: {exc.message}") from exc
        stats.in_flight += 1
        try:
            result = await self._run(tag, handler, request, tenant, run, job.attempts)
        except CALLER_ERRORS as exc:
            await self._failed(tenant, job_id, JobState.FAILED, exc)
            stats.failed += 1
            return  # acknowledged: the request can never succeed as it is
        except asyncio.CancelledError:
            # Shutdown past its grace: the consumer hands the delivery back to the queue.
            with contextlib.suppress(Exception):
                await asyncio.shield(
                    asyncio.to_thread(
                        self.jobs.fail, tenant.slug, job_id, JobState.QUEUED, "interrupted", "worker stopped"
                    )
                )
            raise
        except Exception as exc:
            last = delivery.attempt >= self.retry.max_attempts
            await self._failed(tenant, job_id, JobState.DEAD if last else JobState.QUEUED, exc)
            stats.failed += last
            raise  # the consumer retries later, or dead-letters it on the last attempt
        finally:
            stats.in_flight -= 1
        await asyncio.to_thread(self._succeed, tenant, job_id, env.id, result)
        stats.processed += 1

    async def _run(
        self, tag: str, handler: WorkerHandler, request: Any, tenant: TenantContext, run: Run, attempt: int
    ) -> Any:
        job_id = run.job_id

        def report(percent: int, message: str) -> None:
            self.jobs.progress(tenant.slug, job_id, percent, message)

        job = JobContext(
            job_id=job_id,
            tag=tag,
            tenant=tenant,
            attempt=attempt,
            deadline=time.monotonic() + self.job_timeout,
            report=report,
            run_id=run.id,
        )
        ctx = contextvars.copy_context()
        thread = self._pools[tag].submit(ctx.run, handler, request, job, self.platform)
        run.watch(thread)  # the claim holds until this thread ends, even past the timeout
        try:
            return await asyncio.wait_for(asyncio.wrap_future(thread), self.job_timeout)
        except TimeoutError:
            raise JobTimedOut(f"{tag} job {job_id} ran past {self.job_timeout:g}s") from None

    def _succeed(self, tenant: TenantContext, job_id: str, request_id: str, result: Any) -> None:
        spec = CATALOGUE.for_message(result)
        with UnitOfWork(self.platform.databases, tenant=tenant) as uow:
            self.jobs.succeed(uow.connection, job_id, spec.encode(result))
            # The reply correlates with the request; the job id is its subject.
            uow.publish(result, correlation_id=request_id, subject=job_id)

    async def _failed(self, tenant: TenantContext, job_id: str, state: JobState, exc: BaseException) -> None:
        code = exc.code if isinstance(exc, GeniusError) else type(exc).__name__
        message = exc.message if isinstance(exc, GeniusError) else f"{type(exc).__name__}: {exc}"
        log.warning("job %s (%s): %s", job_id, state.value, message)
        await asyncio.to_thread(self.jobs.fail, tenant.slug, job_id, state, code, message)


def embed_workers(app: FastAPI, platform: Platform, tags: Iterable[str] | None = None) -> None:
    """Run every worker (or ``tags``) and the outbox relay inside the app's process (``genius serve``).

    Wraps the app's lifespan: the workers start after the app's own startup and stop before its
    shutdown, so in-flight jobs finish or go back to the queue when the server stops.
    """
    inner = app.router.lifespan_context
    handlers = select_handlers(tags)

    @asynccontextmanager
    async def lifespan(the_app: Any):  # type: ignore[no-untyped-def]
        async with inner(the_app) as state:
            runtime = WorkerRuntime(platform, handlers)
            await runtime.start()
            settle_process()  # the server has started: short garbage collections from now on
            try:
                yield state
            finally:
                await runtime.stop()

    app.router.lifespan_context = lifespan
