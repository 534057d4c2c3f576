"""The worker registry: each worker process writes a heartbeat per tag to the control plane.

``GET /api/v1/workers`` summarises it per tag: live instances (a heartbeat within
``LIVE_AFTER_HEARTBEATS`` intervals), the latest heartbeat, processed and failed counts of the live
instances, and the queue depth from the transport.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql, sqlite

from genius.kernel.clock import utcnow
from genius.platform.db.engine import SQLITE_IMMEDIATE
from genius.platform.jobs.tables import workers

HEARTBEAT_SECONDS = 5.0
# An instance whose last heartbeat is older than this many intervals counts as gone.
LIVE_AFTER_HEARTBEATS = 3


@dataclass(frozen=True)
class TagStatus:
    tag: str
    instances: int
    last_heartbeat: datetime | None
    processed: int
    failed: int
    in_flight: int
    queue_depth: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "tag": self.tag,
            "instances": self.instances,
            "last_heartbeat": self.last_heartbeat.isoformat() if self.last_heartbeat else None,
            "processed": self.processed,
            "failed": self.failed,
            "in_flight": self.in_flight,
            "queue_depth": self.queue_depth,
        }


class WorkerRegistry:
    def __init__(self, control: Engine, *, heartbeat_seconds: float = HEARTBEAT_SECONDS) -> None:
        self.control = control
        self.heartbeat_seconds = heartbeat_seconds

    def beat(
        self, instance_id: str, tag: str, *, concurrency: int, processed: int, failed: int, in_flight: int
    ) -> None:
        """Insert or refresh this instance's row for ``tag``."""
        now = utcnow()
        values = {
            "instance_id": instance_id,
            "tag": tag,
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "concurrency": concurrency,
            "started_at": now,
            "last_heartbeat": now,
            "processed": processed,
            "failed": failed,
            "in_flight": in_flight,
        }
        engine = self.control.execution_options(**{SQLITE_IMMEDIATE: True})
        with engine.begin() as conn:
            insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(workers)
            conn.execute(
                insert.values(**values).on_conflict_do_update(
                    index_elements=["instance_id", "tag"],
                    set_={
                        "last_heartbeat": now,
                        "processed": processed,
                        "failed": failed,
                        "in_flight": in_flight,
                        "stopped_at": None,
                    },
                )
            )

    def stopped(self, instance_id: str) -> None:
        engine = self.control.execution_options(**{SQLITE_IMMEDIATE: True})
        with engine.begin() as conn:
            conn.execute(
                workers.update()
                .where(workers.c.instance_id == instance_id)
                .values(stopped_at=utcnow(), in_flight=0)
            )

    def summary(self, tags: list[str] | None = None) -> list[TagStatus]:
        """Per tag (every tag ever seen, plus ``tags``), sorted by tag."""
        horizon = utcnow() - timedelta(seconds=self.heartbeat_seconds * LIVE_AFTER_HEARTBEATS)
        with self.control.connect() as conn:
            rows = conn.execute(sa.select(workers)).mappings().all()
        by_tag: dict[str, list[sa.RowMapping]] = {t: [] for t in tags or []}
        for row in rows:
            by_tag.setdefault(row["tag"], []).append(row)
        result = []
        for tag, group in sorted(by_tag.items()):
            live = [r for r in group if r["stopped_at"] is None and _aware(r["last_heartbeat"]) >= horizon]
            last = max((_aware(r["last_heartbeat"]) for r in group), default=None)
            result.append(
                TagStatus(
                    tag=tag,
                    instances=len(live),
                    last_heartbeat=last,
                    processed=sum(r["processed"] for r in group),
                    failed=sum(r["failed"] for r in group),
                    in_flight=sum(r["in_flight"] for r in live),
                )
            )
        return result

    def prune(self, older_than: timedelta = timedelta(days=7)) -> int:
        """Forget instances silent for longer than ``older_than``."""
        engine = self.control.execution_options(**{SQLITE_IMMEDIATE: True})
        with engine.begin() as conn:
            done = conn.execute(workers.delete().where(workers.c.last_heartbeat < utcnow() - older_than))
        return done.rowcount or 0


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
