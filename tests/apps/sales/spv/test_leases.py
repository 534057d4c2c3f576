"""One run per invoice: the lease names the job and its run; a step that finds the attempt moved
meanwhile reads it again and goes on (a final state is the run's outcome), a run whose lease
passed to another stops writing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from genius.apps.sales.domain.submissions import SubmissionState
from genius.apps.sales.spv import leases, records
from genius.apps.sales.spv import tables as st
from genius.apps.sales.spv.oauth import AnafAccess
from genius.apps.sales.spv.submission import Outcome
from genius.kernel.ids import new_id
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs import JobService
from genius.platform.jobs.context import JobContext
from genius.workers import anaf_efactura
from tests.apps.sales.conftest import World
from tests.apps.sales.spv.conftest import Anaf, attempts, invoice_status, issue, start_submission

S = SubmissionState
TTL = timedelta(minutes=15)


def _engine_run(
    world: World, invoice_id: str, job: JobContext, hook: Callable[[Any], Any] | None = None
) -> Outcome:
    """The worker's engine for ``job``; ``hook`` wraps its e-Factura client (to act in between)."""
    access = AnafAccess.of(world.platform)
    clients = access.clients(world.ctx)
    try:
        client = hook(clients.efactura) if hook else clients.efactura
        engine = anaf_efactura.submission_engine(
            world.platform, job, client, access.cui_of(world.tenant.slug)
        )
        return engine.run(invoice_id)
    finally:
        clients.close()


class MovedMeanwhile:
    """An e-Factura client whose first ``stareMesaj`` answer arrives after someone else moved the
    attempt (``to``: the states they moved it through)."""

    def __init__(self, client: Any, world: World, invoice_id: str, to: tuple[SubmissionState, ...]) -> None:
        self._client, self._world, self._invoice_id, self._to = client, world, invoice_id, to
        self.done = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def message_state(self, upload_index: str) -> Any:
        answer = self._client.message_state(upload_index)
        if not self.done:
            self.done = True
            with UnitOfWork(self._world.platform.databases, tenant=self._world.ctx) as uow:
                conn = uow.connection
                facts = records.invoice_facts(conn, self._invoice_id)
                attempt = records.latest(conn, self._invoice_id)
                assert attempt is not None
                for state in self._to:
                    extra = {"download_id": "elsewhere"} if state is S.ACCEPTED else {}
                    attempt = records.move(uow, facts, attempt, state, datetime.now(UTC), **extra)
        return answer


def test_an_attempt_moved_meanwhile_is_read_again_and_carried_on(seller: World, anaf: Anaf) -> None:
    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    job = JobContext(job_id=new_id(), tag=anaf_efactura.TAG, tenant=seller.ctx)
    hook: list[MovedMeanwhile] = []

    def wrap(client: Any) -> MovedMeanwhile:
        hook.append(MovedMeanwhile(client, seller, invoice_id, (S.PROCESSING,)))
        return hook[0]

    done = _engine_run(seller, invoice_id, job, wrap)
    assert hook[0].done and done.outcome == "accepted"
    assert [a.state for a in attempts(seller, invoice_id)] == [S.ACCEPTED]
    assert len(anaf.uploads_of(number)) == 1


def test_an_attempt_settled_meanwhile_ends_the_run_with_that_outcome(seller: World, anaf: Anaf) -> None:
    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    job = JobContext(job_id=new_id(), tag=anaf_efactura.TAG, tenant=seller.ctx)
    done = _engine_run(
        seller, invoice_id, job, lambda client: MovedMeanwhile(client, seller, invoice_id, (S.ACCEPTED,))
    )
    assert (done.outcome, done.attempt and done.attempt.download_id) == ("accepted", "elsewhere")
    assert invoice_status(seller, invoice_id) == "accepted"
    assert len(anaf.uploads_of(number)) == 1


def _claimed_job(world: World, run_id: str, until: timedelta = timedelta(seconds=30)) -> str:
    """A job claimed by run ``run_id`` (as the worker runtime claims it)."""
    job_id = new_id()
    JobService(world.platform.databases).begin(
        world.tenant.slug,
        job_id,
        anaf_efactura.TAG,
        "e1",
        "w1",
        run_id=run_id,
        run_until=datetime.now(UTC) + until,
    )
    return job_id


def test_a_run_takes_its_jobs_lease_over_only_while_it_holds_the_job(seller: World) -> None:
    invoice_id, _ = issue(seller)
    engine = seller.engine()
    now = datetime.now(UTC)
    job_id = _claimed_job(seller, "r2")
    dead_run = leases.lease_holder(job_id, "r1")
    assert leases.claim_lease(engine, invoice_id, dead_run, TTL, now)
    # Another job waits for the lease; the job's own live run (it holds the job) takes it over.
    assert not leases.claim_lease(engine, invoice_id, leases.lease_holder(new_id(), "x"), TTL, now)
    assert not leases.claim_lease(engine, invoice_id, leases.lease_holder(job_id, "r3"), TTL, now)
    live_run = leases.lease_holder(job_id, "r2")
    assert leases.claim_lease(engine, invoice_id, live_run, TTL, now)
    # The dead run, back to life, cannot take it back nor release it.
    JobService(seller.platform.databases).end_run(seller.tenant.slug, job_id, "r2")
    assert not leases.claim_lease(engine, invoice_id, dead_run, TTL, now)
    leases.release_lease(engine, invoice_id, dead_run)
    with engine.connect() as conn:
        holder = conn.execute(
            sa.select(st.leases.c.holder).where(st.leases.c.invoice_id == invoice_id)
        ).scalar()
    assert holder == live_run


def test_a_run_that_lost_its_jobs_claim_does_not_start(seller: World, anaf: Anaf) -> None:
    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    job_id = _claimed_job(seller, "r2")
    # Run r1 of the job lost its claim and its lease to run r2 (which is still at work).
    assert leases.claim_lease(
        seller.engine(), invoice_id, leases.lease_holder(job_id, "r2"), TTL, datetime.now(UTC)
    )
    zombie = JobContext(job_id=job_id, tag=anaf_efactura.TAG, tenant=seller.ctx, run_id="r1")
    assert _engine_run(seller, invoice_id, zombie).outcome == "busy"
    assert anaf.uploads_of(number) == []
    assert [a.state for a in attempts(seller, invoice_id)] == [S.PENDING]
    # r2, the job's live run, carries it.
    live = JobContext(job_id=job_id, tag=anaf_efactura.TAG, tenant=seller.ctx, run_id="r2")
    assert _engine_run(seller, invoice_id, live).outcome == "accepted"
    assert len(anaf.uploads_of(number)) == 1


class LeasePassesDuringUpload:
    """An e-Factura client during whose upload the job's claim and the lease pass to run r2 (r1's
    heartbeat stopped landing: it counts as dead)."""

    def __init__(self, client: Any, world: World, invoice_id: str, job_id: str) -> None:
        self._client, self._world, self._invoice_id, self._job_id = client, world, invoice_id, job_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def upload(self, *args: Any, **kwargs: Any) -> Any:
        service, slug = JobService(self._world.platform.databases), self._world.tenant.slug
        service.beat(slug, self._job_id, "r1", datetime.now(UTC) - timedelta(seconds=1))
        now = datetime.now(UTC)
        service.begin(slug, self._job_id, anaf_efactura.TAG, "e1", "w2", run_id="r2", run_until=now + TTL)
        taken = leases.claim_lease(
            self._world.engine(), self._invoice_id, leases.lease_holder(self._job_id, "r2"), TTL, now
        )
        assert taken
        return self._client.upload(*args, **kwargs)


def test_a_run_whose_lease_passed_to_another_mid_run_stops_writing(seller: World, anaf: Anaf) -> None:
    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    job_id = _claimed_job(seller, "r1")
    zombie = JobContext(job_id=job_id, tag=anaf_efactura.TAG, tenant=seller.ctx, run_id="r1")
    outcome = _engine_run(
        seller, invoice_id, zombie, lambda client: LeasePassesDuringUpload(client, seller, invoice_id, job_id)
    )
    # Its upload went out, but it records nothing more: the attempt stays uploading for r2.
    assert outcome.outcome == "busy"
    assert [a.state for a in attempts(seller, invoice_id)] == [S.UPLOADING]
    live = JobContext(job_id=job_id, tag=anaf_efactura.TAG, tenant=seller.ctx, run_id="r2")
    done = _engine_run(seller, invoice_id, live)
    assert done.outcome == "accepted"  # reconciled from the SPV list: filed once, not sent again
    assert len(anaf.uploads_of(number)) == 1
