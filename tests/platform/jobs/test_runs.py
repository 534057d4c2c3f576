"""A run's claim on its job (``JobService.begin/beat/end_run``) on SQLite and PostgreSQL.

One live run at a time: a second claim is refused while the first one's heartbeat is fresh,
taken over once it stopped, and many deliveries claiming at once get exactly one run.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from genius.bootstrap import Platform
from genius.kernel.clock import utcnow
from genius.kernel.ids import new_id
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs import JobRunning, JobService, JobState
from genius.platform.jobs.messages import PdfRenderRequested
from genius.platform.tenancy import Tenant, TenantContext

WINDOW = timedelta(seconds=10)


def _start(platform: Platform, tenant: Tenant) -> str:
    context = TenantContext(tenant.id, tenant.slug, system=True)
    with UnitOfWork(platform.databases, tenant=context) as uow:
        return (
            JobService(platform.databases).start(uow, PdfRenderRequested(template="t", key="tests/t.pdf")).id
        )


def _begin(service: JobService, slug: str, job_id: str, worker: str, run_id: str, until: timedelta = WINDOW):
    return service.begin(slug, job_id, "pdf.render", "e1", worker, run_id=run_id, run_until=utcnow() + until)


def test_a_run_is_claimed_once_and_taken_over_only_when_its_heartbeat_stopped(
    backend: tuple[Platform, Tenant],
) -> None:
    platform, tenant = backend
    service = JobService(platform.databases)
    job_id = _start(platform, tenant)
    first = _begin(service, tenant.slug, job_id, "w1", "r1")
    assert first is not None and first.state is JobState.RUNNING and first.attempts == 1
    with pytest.raises(JobRunning) as busy:
        _begin(service, tenant.slug, job_id, "w2", "r2")
    assert busy.value.code == "job_running" and busy.value.details["worker"] == "w1"
    assert service.beat(tenant.slug, job_id, "r1", utcnow() + WINDOW)
    # w1 stops beating: once its claim has lapsed, w2 takes the job over and w1's beats miss.
    service.beat(tenant.slug, job_id, "r1", utcnow() - timedelta(seconds=1))
    second = _begin(service, tenant.slug, job_id, "w2", "r2")
    assert second is not None and second.attempts == 2
    assert not service.beat(tenant.slug, job_id, "r1", utcnow() + WINDOW)
    service.end_run(tenant.slug, job_id, "r1")  # not its run any more: nothing happens
    with pytest.raises(JobRunning):
        _begin(service, tenant.slug, job_id, "w3", "r3")
    service.end_run(tenant.slug, job_id, "r2")
    third = _begin(service, tenant.slug, job_id, "w3", "r3")
    assert third is not None and third.attempts == 3


def test_a_finished_job_is_skipped_even_while_its_claim_is_being_cleared(
    backend: tuple[Platform, Tenant],
) -> None:
    platform, tenant = backend
    service = JobService(platform.databases)
    job_id = _start(platform, tenant)
    assert _begin(service, tenant.slug, job_id, "w1", "r1") is not None
    with platform.databases.engine_for_slug(tenant.slug).begin() as conn:
        service.succeed(conn, job_id, {"ok": True})
    assert _begin(service, tenant.slug, job_id, "w2", "r2") is None


def test_many_deliveries_claiming_at_once_get_one_run(backend: tuple[Platform, Tenant]) -> None:
    platform, tenant = backend
    service = JobService(platform.databases)
    job_id = new_id()  # no job row yet: a request published without start, delivered 6 times at once
    barrier = threading.Barrier(6)
    won: list[str] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def deliver(n: int) -> None:
        barrier.wait()
        try:
            _begin(service, tenant.slug, job_id, f"w{n}", f"r{n}")
            won.append(f"r{n}")
        except JobRunning:
            refused.append(f"r{n}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert len(won) == 1 and len(refused) == 5
    assert service.get(tenant.slug, job_id).attempts == 1
