"""One job never runs twice at the same time, whatever the transport does with its delivery.

A second delivery of a job that is still running (a local lease that lapsed because its heartbeat
was stuck behind SQLite's writer lock, a relay that published the request again, RabbitMQ
redelivering after a lost connection) waits for the live run instead of starting another; a run
whose worker died (its run heartbeat stopped) is taken over.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from genius.bootstrap import Platform
from genius.platform.bus.local import LocalTransport
from genius.platform.bus.messages import EchoReplied, EchoRequested
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs import JobService, JobState
from genius.platform.jobs.context import JobContext
from genius.platform.tenancy import TenantContext
from genius.workers.runtime import WorkerRuntime
from tests.platform.bus.conftest import dispose, namespace
from tests.workers.test_runtime import FAST_RETRY, eventually, responses, start, state


class Overlap:
    """A handler that sleeps and records how many runs of it were in flight at once."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.calls: list[int] = []

    def __call__(self, request: EchoRequested, job: JobContext, _platform: Platform) -> EchoReplied:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.calls.append(job.attempt)
        try:
            time.sleep(self.seconds)
        finally:
            with self.lock:
                self.running -= 1
        return EchoReplied(text=request.text)


def _runtime(platform: Platform, tmp_path: Path, handler: Any, lease: float, **options: Any) -> WorkerRuntime:
    transport = LocalTransport(tmp_path / "bus" / "queue.db", lease_seconds=lease)
    return WorkerRuntime(
        platform, {"echo": handler}, transport=transport, heartbeat_seconds=0.5, concurrency=2, **options
    )


async def test_a_lapsed_lease_does_not_start_a_second_run_of_a_running_job(
    platform: Platform, tenant: TenantContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The lease heartbeat never lands (stuck behind the writer lock): the message is leased again
    # after 0.3 s while the first run works for 1.5 s.
    monkeypatch.setattr(LocalTransport, "_extend", lambda self, ids, owner: 0)
    handler = Overlap(1.5)
    job_id = start(platform, tenant, EchoRequested(text="salut"))
    worker = _runtime(platform, tmp_path, handler, lease=0.3, retry=FAST_RETRY)
    await worker.start()
    try:
        await eventually(lambda: state(platform, tenant, job_id).terminal, what="the job to finish")
        await asyncio.sleep(1.0)  # a waiting second delivery settles now
    finally:
        await worker.stop(grace=5)
        await worker.transport.close()
    job = JobService(platform.databases).get(tenant.slug, job_id)
    assert handler.most == 1 and handler.calls == [1]
    assert job.state is JobState.SUCCEEDED and job.attempts == 1
    assert len(responses(platform, tenant, "worker.response.echo")) == 1


@pytest.mark.parametrize("kind", ["local", pytest.param("rabbitmq", marks=pytest.mark.rabbitmq)])
async def test_the_same_request_published_again_during_the_run_waits_for_it(
    platform: Platform, tenant: TenantContext, tmp_path: Path, kind: str, request: pytest.FixtureRequest
) -> None:
    handler = Overlap(1.0)
    job_id = start(platform, tenant, EchoRequested(text="salut"))
    if kind == "local":
        worker = _runtime(platform, tmp_path, handler, lease=5.0)
    else:  # the guard is the runtime's, not the transport's
        from genius.platform.bus.rabbit import RabbitTransport

        rabbit = RabbitTransport(request.getfixturevalue("amqp_url"), namespace=namespace())
        worker = WorkerRuntime(
            platform, {"echo": handler}, transport=rabbit, heartbeat_seconds=0.5, concurrency=2
        )
    await worker.start()
    try:
        await eventually(lambda: bool(handler.calls), what="the first run")
        with UnitOfWork(platform.databases, tenant=tenant) as uow:  # a relay publishing it twice
            uow.publish(EchoRequested(text="salut"), idempotency_key=job_id)
        await eventually(lambda: state(platform, tenant, job_id).terminal, what="the job to finish")
        await asyncio.sleep(0.8)
    finally:
        await worker.stop(grace=5)
        await dispose(worker.transport)
    assert handler.most == 1 and handler.calls == [1]
    assert len(responses(platform, tenant, "worker.response.echo")) == 1
