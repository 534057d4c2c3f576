"""Claims of periodic jobs per tenant: at most one process starts each due job, whatever runs.

``claim(conn, name, every, now)`` is a compare-and-set on ``spv_schedule``: True (and the next
due time moved to ``now + every``) when the job is due; False when another process claimed it
first or it is not due yet. The caller starts the job in the same transaction
(``JobService.start(uow, request)``), so a claim without its job, or a job started twice for one
period, cannot happen. A schedule never seen starts at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.sales.spv import tables as st
from genius.apps.sales.spv.records import aware


def claim(conn: Connection, name: str, every: timedelta, now: datetime) -> bool:
    table = st.schedule
    row = conn.execute(sa.select(table).where(table.c.name == name).with_for_update()).first()
    if row is None:
        try:
            with conn.begin_nested():
                conn.execute(table.insert().values(name=name, due_at=now + every, last_claimed_at=now))
        except sa.exc.IntegrityError:
            return False  # claimed by another process in the same instant
        return True
    if aware(row.due_at) > now:
        return False
    done = conn.execute(
        table.update()
        .where(table.c.name == name, table.c.due_at == row.due_at)
        .values(due_at=now + every, last_claimed_at=now)
    )
    return done.rowcount == 1


def remember_job(conn: Connection, name: str, job_id: str) -> None:
    conn.execute(st.schedule.update().where(st.schedule.c.name == name).values(last_job_id=job_id))


def due_at(conn: Connection, name: str) -> datetime | None:
    value = conn.execute(sa.select(st.schedule.c.due_at).where(st.schedule.c.name == name)).scalar()
    return aware(value) if value is not None else None


__all__ = ["claim", "due_at", "remember_job"]
