"""Jobs: started in a unit of work with their request, advanced by the worker runtime, read by the API.

States::

    queued ──> running ──> succeeded
       ^          │   └──> failed   (the request can never succeed: bad input, missing settings)
       └──────────┘   └──> dead     (failed every attempt; the request is in the dead letters)
        (retry after an error, or redelivery after a worker died)

A job row and its ``worker.request.<tag>`` message commit together (outbox), so a job is never
queued without its request nor the other way round. The job id travels as the envelope's
``idempotencykey``; a redelivered request of a job that already finished is acknowledged
without running again.

One run at a time. A transport may hand out a request again while its first delivery is still
being worked on: a local lease that lapsed (its heartbeat stuck behind SQLite's writer lock),
RabbitMQ redelivering after a lost connection or its consumer timeout, a relay publishing the
request twice. So a run claims the job on its row (compare-and-set in ``begin``): ``run_id``
names the live run and ``run_until`` says how long the claim holds without a heartbeat; the run
pushes ``run_until`` forward (``beat``) while its handler thread lives and clears the claim when
it ends (``end_run``). ``begin`` refuses a job claimed by a live run (``JobRunning``: the caller
waits and tries again) and takes over a claim whose heartbeat stopped (its worker died), so a
killed worker's job still runs again, once. A run whose claim was taken over learns it from
``beat`` (False).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from genius.kernel.clock import utcnow
from genius.kernel.errors import Conflict, NotFound, ValidationError
from genius.kernel.ids import new_id
from genius.platform.bus.catalogue import CATALOGUE, Catalogue, MessageKind, tag_of
from genius.platform.db.engine import SQLITE_IMMEDIATE
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs.tables import jobs
from genius.platform.tenancy import TenantDatabases


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    DEAD = "dead"

    @property
    def terminal(self) -> bool:
        return self in (JobState.SUCCEEDED, JobState.FAILED, JobState.DEAD)


class JobNotFound(NotFound):
    code = "job_not_found"


class JobRunning(Conflict):
    """The job is held by a live run (its heartbeat is fresh): do not start another one now."""

    code = "job_running"


@dataclass(frozen=True)
class Job:
    id: str
    tag: str
    state: JobState
    progress: int
    message: str
    result: dict[str, Any] | None
    error_code: str | None
    error: str | None
    attempts: int
    created_by: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``GET /api/v1/jobs/{id}`` and of each server-sent event."""
        return {
            "id": self.id,
            "tag": self.tag,
            "state": self.state.value,
            "progress": {"percent": self.progress, "message": self.message},
            "result": self.result,
            "error": {"code": self.error_code, "message": self.error} if self.error_code else None,
            "attempts": self.attempts,
            "created_by": self.created_by,
            "created_at": _iso(self.created_at),
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "updated_at": _iso(self.updated_at),
        }


class JobService:
    """Reads and advances the jobs of every tenant database."""

    def __init__(self, databases: TenantDatabases, catalogue: Catalogue = CATALOGUE) -> None:
        self.databases = databases
        self.catalogue = catalogue

    # -- the caller's side ---------------------------------------------------------------------
    def start(self, uow: UnitOfWork, request: Any) -> Job:
        """Queue ``request`` (a registered ``worker.request.<tag>`` message) in the caller's unit of work."""
        spec = self.catalogue.for_message(request)
        if spec.kind is not MessageKind.COMMAND:
            raise ValidationError.for_field(
                "type", f"{spec.name} is not a worker request (worker.request.<tag>)"
            )
        tag = tag_of(spec.name)
        assert tag is not None
        job_id = new_id()
        envelope = uow.publish(request, idempotency_key=job_id, subject=job_id)
        now = utcnow()
        tenant = uow.tenant
        uow.connection.execute(
            jobs.insert().values(
                id=job_id,
                tag=tag,
                state=JobState.QUEUED.value,
                progress=0,
                message="queued",
                request_event_id=envelope.id,
                attempts=0,
                created_by=tenant.user_id if tenant else None,
                created_at=now,
                updated_at=now,
            )
        )
        return self._from_values(
            id=job_id,
            tag=tag,
            state=JobState.QUEUED.value,
            progress=0,
            message="queued",
            result=None,
            error_code=None,
            error=None,
            attempts=0,
            created_by=tenant.user_id if tenant else None,
            created_at=now,
            started_at=None,
            finished_at=None,
            updated_at=now,
        )

    def get(self, slug: str, job_id: str) -> Job:
        with self.databases.engine_for_slug(slug).connect() as conn:
            row = conn.execute(jobs.select().where(jobs.c.id == job_id)).mappings().first()
        if row is None:
            raise JobNotFound(f"no job {job_id!r}", details={"job_id": job_id})
        return self._from_values(**row)

    # -- the worker's side ---------------------------------------------------------------------
    def begin(
        self,
        slug: str,
        job_id: str,
        tag: str,
        event_id: str,
        worker: str,
        *,
        run_id: str | None = None,
        run_until: datetime | None = None,
    ) -> Job | None:
        """Claim the job for run ``run_id`` (until ``run_until``) and mark it running for one more
        attempt; None when it already finished (skip it); ``JobRunning`` while another live run
        holds it. A claim past its ``run_until`` (the run's worker stopped beating) is taken over.

        A request published without ``start`` (another app's outbox) gets its job row here.
        """
        now = utcnow()
        with self._writer(slug) as conn:
            row = self._locked(conn, job_id)
            if row is None:
                try:
                    with conn.begin_nested():
                        conn.execute(
                            jobs.insert().values(
                                id=job_id,
                                tag=tag,
                                state=JobState.QUEUED.value,
                                progress=0,
                                message="",
                                request_event_id=event_id,
                                attempts=0,
                                created_at=now,
                                updated_at=now,
                            )
                        )
                except sa.exc.IntegrityError:
                    pass  # a concurrent delivery of the same request inserted it first
                row = self._locked(conn, job_id)
                assert row is not None
            if JobState(row["state"]).terminal:
                return None
            held_until = _aware(row["run_until"])
            if row["run_id"] is not None and row["run_id"] != run_id and held_until and held_until > now:
                raise JobRunning(
                    f"job {job_id} is being run by worker {row['worker']} (run {row['run_id']})",
                    details={"job_id": job_id, "worker": row["worker"], "run_id": row["run_id"]},
                )
            conn.execute(
                jobs.update()
                .where(jobs.c.id == job_id)
                .values(
                    state=JobState.RUNNING.value,
                    attempts=jobs.c.attempts + 1,
                    started_at=now,
                    worker=worker,
                    run_id=run_id,
                    run_until=run_until if run_id is not None else None,
                    message="running",
                    updated_at=now,
                )
            )
            found = conn.execute(jobs.select().where(jobs.c.id == job_id)).mappings().one()
        return self._from_values(**found)

    def beat(self, slug: str, job_id: str, run_id: str, run_until: datetime) -> bool:
        """Extend run ``run_id``'s claim; False when the job is no longer held by that run."""
        with self._writer(slug) as conn:
            done = conn.execute(
                jobs.update().where(jobs.c.id == job_id, jobs.c.run_id == run_id).values(run_until=run_until)
            )
        return bool(done.rowcount)

    def end_run(self, slug: str, job_id: str, run_id: str) -> None:
        """Run ``run_id`` is over (its handler returned or raised): another delivery may run the job."""
        with self._writer(slug) as conn:
            conn.execute(
                jobs.update()
                .where(jobs.c.id == job_id, jobs.c.run_id == run_id)
                .values(run_id=None, run_until=None)
            )

    @staticmethod
    def _locked(conn: Connection, job_id: str) -> Any:
        # SQLite: the writer's BEGIN IMMEDIATE serialises; PostgreSQL: the row lock does.
        return conn.execute(jobs.select().where(jobs.c.id == job_id).with_for_update()).mappings().first()

    def progress(self, slug: str, job_id: str, percent: int, message: str) -> None:
        with self._writer(slug) as conn:
            conn.execute(
                jobs.update()
                .where(jobs.c.id == job_id, jobs.c.state == JobState.RUNNING.value)
                .values(progress=percent, message=message[:500], updated_at=utcnow())
            )

    def succeed(self, conn: Connection, job_id: str, result: dict[str, Any]) -> None:
        """In the caller's transaction (the one that also publishes the response)."""
        now = utcnow()
        conn.execute(
            jobs.update()
            .where(jobs.c.id == job_id)
            .values(
                state=JobState.SUCCEEDED.value,
                progress=100,
                message="done",
                result=json.dumps(result, ensure_ascii=False),
                error_code=None,
                error=None,
                finished_at=now,
                updated_at=now,
            )
        )

    def fail(self, slug: str, job_id: str, state: JobState, code: str, error: str) -> None:
        """Record an error: ``queued`` (will be retried), ``failed`` or ``dead`` (final)."""
        now = utcnow()
        with self._writer(slug) as conn:
            conn.execute(
                jobs.update()
                .where(jobs.c.id == job_id)
                .values(
                    state=state.value,
                    error_code=code[:100],
                    error=error[:4000],
                    message="will retry" if state is JobState.QUEUED else state.value,
                    finished_at=now if state.terminal else None,
                    updated_at=now,
                )
            )

    def _writer(self, slug: str):  # type: ignore[no-untyped-def]
        engine: Engine = self.databases.engine_for_slug(slug).execution_options(**{SQLITE_IMMEDIATE: True})
        return engine.begin()

    @staticmethod
    def _from_values(**row: Any) -> Job:
        result = row.get("result")
        return Job(
            id=row["id"],
            tag=row["tag"],
            state=JobState(row["state"]),
            progress=int(row["progress"]),
            message=row["message"] or "",
            result=json.loads(result) if isinstance(result, str) else result,
            error_code=row.get("error_code"),
            error=row.get("error"),
            attempts=int(row["attempts"]),
            created_by=row.get("created_by"),
            created_at=_aware(row["created_at"]),
            started_at=_aware(row.get("started_at")),
            finished_at=_aware(row.get("finished_at")),
            updated_at=_aware(row["updated_at"]),
        )


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; they were written in UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
