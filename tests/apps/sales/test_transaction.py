"""The issuing transaction on PostgreSQL: reads first, then the writes and the COMMIT pipelined.

What must hold: every statement after the locks (series moved on, invoice row, audit rows, head
moved, outbox row, COMMIT) goes out in psycopg's pipeline, no read does; and a write refused by
the database inside the pipeline rolls the whole issue back (no number consumed, no audit or
outbox row) and leaves the pooled connection usable.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
import sqlalchemy as sa

from genius.apps.sales import handlers as h
from genius.apps.sales.commands import CreateAndIssue
from genius.apps.sales.handlers import issuing
from genius.bootstrap import Platform
from tests.apps.sales.conftest import setup_world

pytestmark = pytest.mark.postgres


def _statements(engine: sa.Engine) -> tuple[list[tuple[str, bool]], Any]:
    """(SQL, sent in pipeline mode) of every statement the engine runs from now on."""
    seen: list[tuple[str, bool]] = []

    def before(conn: sa.Connection, _cursor: Any, statement: str, *_: Any) -> None:
        pgconn = conn.connection.driver_connection.pgconn  # type: ignore[union-attr]
        seen.append((" ".join(statement.split()), pgconn.pipeline_status != psycopg.pq.PipelineStatus.OFF))

    sa.event.listen(engine, "before_cursor_execute", before)
    return seen, before


def test_reads_then_every_write_in_one_pipeline(pg_platform: Platform) -> None:
    world = setup_world(pg_platform)
    engine = world.engine()
    seen, listener = _statements(engine)
    try:
        with world.scope():
            issued = h.create_and_issue(world.deps, CreateAndIssue(world.draft()))
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    assert issued.number.endswith("0001")
    first_write = next(i for i, (sql, _) in enumerate(seen) if not sql.startswith("SELECT"))
    reads, writes = seen[:first_write], seen[first_write:]
    assert reads and not any(piped for _, piped in reads), reads
    assert any("FOR UPDATE" in sql and "series" in sql for sql, _ in reads)
    assert any("FOR UPDATE" in sql and "audit_chain_head" in sql for sql, _ in reads)
    assert all(piped for _, piped in writes), writes
    targets = " ".join(sql for sql, _ in writes)
    for table in ("series", "invoices", "audit_records", "audit_chain_head", "outbox"):
        assert table in targets, (table, writes)


def test_a_write_refused_in_the_pipeline_rolls_everything_back(
    pg_platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = setup_world(pg_platform)
    with world.scope():
        first = h.create_and_issue(world.deps, CreateAndIssue(world.draft()))
    before = world.counts()
    # The next issue reuses the first invoice's id: its INSERT is refused by the primary key,
    # which the pipeline reports only at the COMMIT.
    monkeypatch.setattr(issuing, "new_id", lambda: first.invoice_id)
    with world.scope(), pytest.raises(sa.exc.IntegrityError):
        h.create_and_issue(world.deps, CreateAndIssue(world.draft()))
    assert world.counts() == before  # no invoice, audit, or outbox row
    assert world.next_number() == 2  # no number consumed
    monkeypatch.undo()
    with world.scope():  # the pooled connections are clean: the next issue takes number 2
        again = h.create_and_issue(world.deps, CreateAndIssue(world.draft()))
    assert again.number.endswith("0002")
    verdict = pg_platform.audit.verify(world.tenant.slug)
    assert verdict.ok and verdict.checked == verdict.last_seq
