"""The worker runtime: jobs run once, fail clearly, retry, die, time out, survive a killed worker."""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from genius.bootstrap import Platform
from genius.kernel.errors import ValidationError
from genius.platform.bus.catalogue import MessageKind, kind_of
from genius.platform.bus.local import LocalTransport
from genius.platform.bus.messages import EchoReplied, EchoRequested
from genius.platform.bus.tables import outbox
from genius.platform.bus.transport import RetryPolicy, topic_matches, worker_queue
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs import JobService, JobState, WorkerRegistry
from genius.platform.jobs.context import JobContext
from genius.platform.jobs.messages import PdfRenderRequested
from genius.platform.tenancy import TenantContext
from genius.workers.runtime import WORKER_MODULES, WorkerRuntime, normalise_tag, select_handlers
from tests.workers.worker_process import runtime_for

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FAST_RETRY = RetryPolicy(max_attempts=2, base_delay=0.05, max_delay=0.1)


async def eventually(check: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.05)


def start(platform: Platform, tenant: TenantContext, request: Any) -> str:
    with UnitOfWork(platform.databases, tenant=tenant) as uow:
        return JobService(platform.databases).start(uow, request).id


def state(platform: Platform, tenant: TenantContext, job_id: str) -> JobState:
    return JobService(platform.databases).get(tenant.slug, job_id).state


def responses(platform: Platform, tenant: TenantContext, type_: str) -> list[str]:
    with platform.databases.engine_for_slug(tenant.slug).connect() as conn:
        return list(conn.execute(sa.select(outbox.c.body).where(outbox.c.type == type_)).scalars())


def runtime(platform: Platform, tmp_path: Path, handlers: dict[str, Any], **options: Any) -> WorkerRuntime:
    transport = LocalTransport(tmp_path / "bus" / "queue.db", lease_seconds=1.0)
    return WorkerRuntime(platform, handlers, transport=transport, heartbeat_seconds=0.2, **options)


def test_tags_are_checked_and_dotted_names_are_the_names() -> None:
    assert normalise_tag(" Pdf.Render ") == "pdf.render"
    assert list(select_handlers(["pdf.render", "email.send", "ocr"])) == ["pdf.render", "email.send", "ocr"]
    assert list(select_handlers(None)) == [
        "pdf.render",
        "email.send",
        "ocr",
        "match",
        "anaf.saft",
        "anaf.efactura",
        "anaf.taxpayer",
        "bnr.rates",
        "fx.revaluation",
    ]
    assert list(select_handlers(["anaf.saft"])) == ["anaf.saft"]
    with pytest.raises(ValidationError) as caught:
        select_handlers(["pdf.render", "fax.send"])
    assert caught.value.problems[0].field == "tags" and "fax.send" in caught.value.message
    assert "known: pdf.render, email.send, ocr" in caught.value.message
    with pytest.raises(ValidationError):
        select_handlers(["pdf-render"])
    with pytest.raises(ValidationError):
        select_handlers([])


def test_the_old_one_word_tags_are_accepted_with_a_deprecation_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="genius.workers"):
        assert list(select_handlers(["pdf_render", "anaf_efactura", "ocr"])) == [
            "pdf.render",
            "anaf.efactura",
            "ocr",
        ]
    warned = [r.getMessage() for r in caplog.records if "deprecated" in r.getMessage()]
    assert len(warned) == 2 and "'pdf_render'" in warned[0] and "use 'pdf.render'" in warned[0]


def test_each_worker_module_declares_the_tag_it_is_registered_under() -> None:
    for tag, module in WORKER_MODULES.items():
        assert tag == importlib.import_module(module).TAG
        assert kind_of(f"worker.request.{tag}") is MessageKind.COMMAND
        spec = worker_queue(tag)
        # One stable queue per tag, bound to exactly its request type (no wildcard).
        assert spec.name == f"worker.{tag}" and spec.patterns == (f"worker.request.{tag}",)
        assert topic_matches(spec.patterns[0], f"worker.request.{tag}")
        assert not topic_matches(spec.patterns[0], f"worker.request.{tag}.extra")


async def test_a_pdf_job_runs_through_the_bus_and_reports(
    platform: Platform, tenant: TenantContext, tmp_path: Path
) -> None:
    job_id = start(
        platform,
        tenant,
        PdfRenderRequested(
            template="<p>Factură {{ n }}</p>", key="sales/invoices/F-1.pdf", data={"n": "F-1"}
        ),
    )
    assert state(platform, tenant, job_id) is JobState.QUEUED
    worker = runtime(platform, tmp_path, select_handlers(["pdf.render"]))
    await worker.start()
    try:
        await eventually(lambda: state(platform, tenant, job_id).terminal, what="the job to finish")
        job = JobService(platform.databases).get(tenant.slug, job_id)
        assert job.state is JobState.SUCCEEDED and job.progress == 100 and job.attempts == 1
        assert job.result is not None and job.result["key"] == "sales/invoices/F-1.pdf"
        assert job.result["job_id"] == job_id and job.result["pages"] == 1
        assert platform.storage.stat(tenant.slug, "sales/invoices/F-1.pdf").sha256 == job.result["sha256"]
        assert len(responses(platform, tenant, "worker.response.pdf.render")) == 1
        await eventually(
            lambda: WorkerRegistry(platform.control).summary()[0].processed == 1, what="heartbeat"
        )
        status = WorkerRegistry(platform.control).summary()[0]
        assert (status.tag, status.instances, status.failed) == ("pdf.render", 1, 0)
    finally:
        await worker.stop(grace=5)
        await worker.transport.close()
    assert WorkerRegistry(platform.control).summary()[0].instances == 0


async def test_a_bad_request_fails_at_once_without_retries(
    platform: Platform, tenant: TenantContext, tmp_path: Path
) -> None:
    job_id = start(platform, tenant, PdfRenderRequested(template="<p>{{ missing }}</p>", key="sales/x.pdf"))
    worker = runtime(platform, tmp_path, select_handlers(["pdf.render"]), retry=FAST_RETRY)
    await worker.start()
    try:
        await eventually(lambda: state(platform, tenant, job_id).terminal, what="the job to fail")
    finally:
        await worker.stop(grace=5)
        await worker.transport.close()
    job = JobService(platform.databases).get(tenant.slug, job_id)
    assert job.state is JobState.FAILED and job.attempts == 1
    assert job.error_code == "pdf_render_failed" and "missing" in (job.error or "")
    assert not platform.storage.exists(tenant.slug, "sales/x.pdf")


async def test_errors_are_retried_then_the_job_is_dead(
    platform: Platform, tenant: TenantContext, tmp_path: Path
) -> None:
    calls: list[int] = []

    def flaky(request: EchoRequested, job: JobContext, _platform: Platform) -> EchoReplied:
        calls.append(job.attempt)
        raise ConnectionError("the outside service is down")

    job_id = start(platform, tenant, EchoRequested(text="salut"))
    worker = runtime(platform, tmp_path, {"echo": flaky}, retry=FAST_RETRY)
    await worker.start()
    try:
        await eventually(lambda: state(platform, tenant, job_id).terminal, what="the job to die")
        letters = await worker.transport.dead_letters(queue="worker.echo")
    finally:
        await worker.stop(grace=5)
        await worker.transport.close()
    job = JobService(platform.databases).get(tenant.slug, job_id)
    assert job.state is JobState.DEAD and calls == [1, 2] and job.attempts == 2
    assert job.error_code == "ConnectionError" and "down" in (job.error or "")
    assert len(letters) == 1 and letters[0].type == "worker.request.echo"


async def test_a_job_past_its_timeout_is_retried(
    platform: Platform, tenant: TenantContext, tmp_path: Path
) -> None:
    calls: list[int] = []

    def slow_once(request: EchoRequested, job: JobContext, _platform: Platform) -> EchoReplied:
        calls.append(job.attempt)
        if job.attempt == 1:
            time.sleep(1.0)
        return EchoReplied(text=request.text)

    job_id = start(platform, tenant, EchoRequested(text="salut"))
    worker = runtime(platform, tmp_path, {"echo": slow_once}, retry=FAST_RETRY, job_timeout=0.3)
    await worker.start()
    try:
        await eventually(lambda: state(platform, tenant, job_id).terminal, what="the job to finish")
    finally:
        await worker.stop(grace=5)
        await worker.transport.close()
    job = JobService(platform.databases).get(tenant.slug, job_id)
    assert job.state is JobState.SUCCEEDED and job.attempts == 2 and calls == [1, 2]


async def test_a_repeated_request_of_a_finished_job_does_not_run_again(
    platform: Platform, tenant: TenantContext, tmp_path: Path
) -> None:
    calls: list[str] = []

    def echo(request: EchoRequested, job: JobContext, _platform: Platform) -> EchoReplied:
        calls.append(job.job_id)
        return EchoReplied(text=request.text)

    job_id = start(platform, tenant, EchoRequested(text="salut"))
    worker = runtime(platform, tmp_path, {"echo": echo})
    await worker.start()
    try:
        await eventually(lambda: state(platform, tenant, job_id) is JobState.SUCCEEDED, what="the job")
        # The same request again (a relay that crashed before marking it sent publishes it again).
        with UnitOfWork(platform.databases, tenant=tenant) as uow:
            uow.publish(EchoRequested(text="salut"), idempotency_key=job_id)
        await eventually(lambda: _relayed(platform, tenant), what="the relay to publish it")
        await asyncio.sleep(0.5)  # time for the worker to take (and skip) it
    finally:
        await worker.stop(grace=5)
        await worker.transport.close()
    assert calls == [job_id]
    assert len(responses(platform, tenant, "worker.response.echo")) == 1


def _relayed(platform: Platform, tenant: TenantContext) -> bool:
    with platform.databases.engine_for_slug(tenant.slug).connect() as conn:
        return not conn.execute(sa.select(outbox.c.seq).where(outbox.c.published_at.is_(None))).first()


async def test_a_worker_killed_mid_job_is_redelivered_and_completes_once(
    platform: Platform, tenant: TenantContext, tmp_path: Path
) -> None:
    job_id = start(platform, tenant, EchoRequested(text="salut"))
    victim = subprocess.Popen(
        [sys.executable, "-m", "tests.workers.worker_process", str(tmp_path), "30"],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        assert victim.stdout is not None and victim.stdout.readline().strip() == "ready"
        await eventually(lambda: (tmp_path / f"started-{job_id}-1").exists(), what="the job to start")
        assert state(platform, tenant, job_id) is JobState.RUNNING
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
    finally:
        if victim.poll() is None:
            victim.kill()
            victim.wait(10)
        if victim.stdout is not None:
            victim.stdout.close()
    assert not (tmp_path / "done").exists(), "the job finished before the kill: the test proved nothing"
    successor = runtime_for(platform, tmp_path, 0.1)
    await successor.start()
    try:
        await eventually(lambda: state(platform, tenant, job_id).terminal, timeout=30, what="redelivery")
        await asyncio.sleep(1.5)  # past the lease: a stray second delivery would show up now
    finally:
        await successor.stop(grace=5)
        await successor.transport.close()
    job = JobService(platform.databases).get(tenant.slug, job_id)
    assert job.state is JobState.SUCCEEDED and job.attempts == 2
    assert (tmp_path / "done").read_text().splitlines() == [f"{job_id} 2"]
    assert len(responses(platform, tenant, "worker.response.echo")) == 1
