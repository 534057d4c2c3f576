"""Leases: one run per invoice at a time on its e-Factura submission (table ``spv_leases``).

A lease's holder is the job id, and the run of the job when the worker runtime names one
(``<job id>/<run id>``, ``JobContext.run_id``).

- free, expired, or held by this very holder: taken;
- held by another job: refused until it expires (``ttl``);
- held by another run of the same job (a redelivery of it): taken over only when the previous
  run is known dead, i.e. when this run holds the job's run claim (``jobs.run_id`` is ours and
  fresh): the worker runtime grants that claim only after the previous run ended or its
  heartbeat stopped (``genius.platform.jobs.runs``). A run that does not hold it (it lost its
  claim, or the job is someone else's now) gets False. A holder without a run (the engine run
  outside the worker runtime, as the kill tests' process does) takes its job's lease back as
  before: its caller vouches that the previous run is dead.

Every move of a worker checks its lease in the transaction that locks the invoice (``records.move(...,
lease=)``): a run whose lease passed to another stops with ``submission_lease_lost`` instead of
writing over the new holder's steps, and ``release_lease`` removes only the caller's own lease.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from genius.apps.sales.spv import tables as st
from genius.kernel.errors import Conflict
from genius.platform.db.engine import SQLITE_IMMEDIATE
from genius.platform.jobs.tables import jobs

RUN_SEPARATOR = "/"
RULE_LEASE = "sales.efactura.one-run-per-invoice"


def lease_holder(job_id: str, run_id: str | None) -> str:
    """The lease holder of run ``run_id`` of job ``job_id`` (the job id alone without a run)."""
    return f"{job_id}{RUN_SEPARATOR}{run_id}" if run_id else job_id


def _split(holder: str) -> tuple[str, str | None]:
    job_id, _, run_id = holder.partition(RUN_SEPARATOR)
    return job_id, run_id or None


def _holds_the_job(conn: Connection, job_id: str, run_id: str, now: datetime) -> bool:
    row = conn.execute(sa.select(jobs.c.run_id, jobs.c.run_until).where(jobs.c.id == job_id)).first()
    return (
        row is not None and row.run_id == run_id and row.run_until is not None and aware(row.run_until) > now
    )


def claim_lease(engine: Engine, invoice_id: str, holder: str, ttl: timedelta, now: datetime) -> bool:
    """Take the invoice for ``holder`` until ``now + ttl``; True when taken (the rules above)."""
    with engine.execution_options(**{SQLITE_IMMEDIATE: True}).begin() as conn:
        row = conn.execute(
            sa.select(st.leases).where(st.leases.c.invoice_id == invoice_id).with_for_update()
        ).first()
        if row is None:
            try:
                with conn.begin_nested():
                    conn.execute(
                        st.leases.insert().values(invoice_id=invoice_id, holder=holder, until=now + ttl)
                    )
            except sa.exc.IntegrityError:
                return False  # another worker inserted it first
            return True
        if row.holder != holder and aware(row.until) > now:
            job_id, run_id = _split(holder)
            if _split(row.holder)[0] != job_id:
                return False  # another job's: wait for it to expire
            if run_id is not None and not _holds_the_job(conn, job_id, run_id, now):
                return False  # this run is not the job's live run: the other one may be
        conn.execute(
            st.leases.update()
            .where(st.leases.c.invoice_id == invoice_id)
            .values(holder=holder, until=now + ttl)
        )
        return True


def check_lease(conn: Connection, invoice_id: str, number: str, holder: str) -> None:
    """In the caller's transaction: ``holder`` still has the invoice's lease, else a Conflict."""
    row = conn.execute(
        sa.select(st.leases.c.holder).where(st.leases.c.invoice_id == invoice_id).with_for_update()
    ).first()
    if row is None or row.holder != holder:
        raise Conflict(
            f"the submission of {number} is no longer this run's to carry"
            f" (its lease is {'held by ' + row.holder if row else 'released'}); this run stops",
            code="submission_lease_lost",
            details={"rule": RULE_LEASE, "holder": row.holder if row else None},
        )


def release_lease(engine: Engine, invoice_id: str, holder: str) -> None:
    with engine.execution_options(**{SQLITE_IMMEDIATE: True}).begin() as conn:
        conn.execute(
            st.leases.delete().where(st.leases.c.invoice_id == invoice_id, st.leases.c.holder == holder)
        )


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every one written here is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
