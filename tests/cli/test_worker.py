"""`genius worker --tags pdf.render`: a real worker process takes a job, and stops cleanly on SIGTERM."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from genius.bootstrap import build_platform
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs import JobService, JobState, WorkerRegistry
from genius.platform.jobs.messages import PdfRenderRequested
from genius.platform.settings import Settings
from genius.platform.tenancy import TenantContext
from tests.cli.genius_process import start_genius
from tests.web.conftest import MASTER_KEY


def test_a_worker_process_runs_a_job_and_stops_on_sigterm(tmp_path: Path) -> None:
    platform = build_platform(Settings(data_dir=tmp_path, master_key=MASTER_KEY))
    created = platform.tenants.create("acme", name="Acme SRL", cui="RO18547290")
    tenant = TenantContext(created.id, created.slug, system=True)
    with UnitOfWork(platform.databases, tenant=tenant) as uow:
        job_id = (
            JobService(platform.databases)
            .start(uow, PdfRenderRequested(template="<p>Țară</p>", key="sales/x.pdf"))
            .id
        )
    process = start_genius(["worker", "--tags", "pdf.render", "--grace", "5"], tmp_path)
    try:
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
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        platform.close()
    assert process.returncode == 0, output
    assert "ready: pdf.render" in output and "stopping" in output
