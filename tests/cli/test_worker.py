"""`genius worker --tags pdf.render`: a real worker process takes a job, and stops cleanly on SIGTERM."""

from __future__ import annotations

import time
from pathlib import Path

from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs import JobService, JobState, WorkerRegistry
from genius.platform.jobs.messages import PdfRenderRequested
from genius.platform.tenancy import TenantContext
from tests.cli.genius_process import running_genius, stop_genius
from tests.platforms import sqlite_platform


def test_a_worker_process_runs_a_job_and_stops_on_sigterm(tmp_path: Path) -> None:
    with sqlite_platform(tmp_path) as platform:
        created = platform.tenants.create("acme", name="Acme SRL", cui="RO18547290")
        tenant = TenantContext(created.id, created.slug, system=True)
        with UnitOfWork(platform.databases, tenant=tenant) as uow:
            job_id = (
                JobService(platform.databases)
                .start(uow, PdfRenderRequested(template="<p>Țară</p>", key="sales/x.pdf"))
                .id
            )
        with running_genius(["worker", "--tags", "pdf.render", "--grace", "5"], tmp_path) as process:
            deadline = time.monotonic() + 60
            jobs = JobService(platform.databases)
            while jobs.get("acme", job_id).state is not JobState.SUCCEEDED:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                assert time.monotonic() < deadline, "the worker did not finish the job"
                time.sleep(0.1)
            assert platform.storage.exists("acme", "sales/x.pdf")
            assert [s.tag for s in WorkerRegistry(platform.control).summary() if s.instances == 1] == [
                "pdf.render"
            ]
            output = stop_genius(process)
    assert "ready: pdf.render" in output and "stopping" in output
