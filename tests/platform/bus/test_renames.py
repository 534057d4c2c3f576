"""Dotted worker tags (issue 3): stored copies under the old names are rewritten, and then decode.

Covers ``genius.platform.bus.renames``, the migrations that use it (bus outbox, jobs, the control
plane's worker registry) on SQLite and PostgreSQL, and the local queue file's one-time upgrade.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from genius.kernel.clock import utcnow
from genius.platform.bus import BUS_COMPONENT
from genius.platform.bus.catalogue import CATALOGUE
from genius.platform.bus.envelope import Envelope
from genius.platform.bus.local import LocalTransport
from genius.platform.bus.local.transport import SCHEMA
from genius.platform.bus.messages import EchoRequested
from genius.platform.bus.outbox import build_envelope
from genius.platform.bus.renames import rename_envelope, renamed_queues, renamed_types
from genius.platform.bus.tables import outbox
from genius.platform.db.engine import make_engine, sqlite_url
from genius.platform.db.migrate import MigrationComponent, current_revision, head_revision, upgrade
from genius.platform.jobs import JOBS_COMPONENT
from genius.platform.jobs.messages import PdfRenderRequested
from genius.platform.jobs.tables import jobs, workers

PROJECT_ROOT = Path(__file__).resolve().parents[3]
CONTROL_COMPONENT = MigrationComponent(
    "control", "control", PROJECT_ROOT / "src/genius/platform/db/migrations/control"
)
REQUEST = PdfRenderRequested(template="<p>Factură {{ n }}</p>", key="sales/F-1.pdf", data={"n": "F-1"})


def new_and_old_body() -> tuple[Envelope, str, str]:
    envelope = build_envelope(REQUEST, tenant="acme", idempotency_key="job-1", subject="job-1")
    new = envelope.to_json().decode()
    return envelope, new, rename_envelope(new, reverse=True)


def decoded(body: str) -> object:
    """What a worker does with a delivery: the envelope, its registered type, the message."""
    env = Envelope.from_json(body)
    return CATALOGUE.get(env.type, CATALOGUE.version_of_schema(env.dataschema)).decode(env.data)


def test_the_old_names_map_to_the_dotted_ones() -> None:
    assert renamed_types()["worker.request.pdf_render"] == "worker.request.pdf.render"
    assert renamed_types()["worker.response.anaf_efactura"] == "worker.response.anaf.efactura"
    assert renamed_queues()["worker.bnr_rates"] == "worker.bnr.rates"
    assert renamed_types(reverse=True)["worker.request.email.send"] == "worker.request.email_send"
    assert all(CATALOGUE.get(new) for new in renamed_types().values())  # every new name is registered


def test_an_envelope_keeps_its_id_and_data_and_gets_the_new_type_and_schema() -> None:
    envelope, new, old = new_and_old_body()
    stored = json.loads(old)
    assert stored["type"] == "worker.request.pdf_render"
    assert stored["dataschema"] == "urn:genius:schema:worker.request.pdf_render:v1"
    assert stored["id"] == envelope.id and stored["data"] == dict(envelope.data)
    assert rename_envelope(old) == new  # byte for byte what the new release writes
    assert decoded(rename_envelope(old)) == REQUEST
    echo = build_envelope(EchoRequested(text="salut"), tenant="acme").to_json().decode()
    assert rename_envelope(echo) == echo and rename_envelope("not json") == "not json"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    if request.param == "sqlite":
        made = make_engine(sqlite_url(tmp_path / "tenant.db"), schemas=["bus", "jobs", "control"])
        yield made
        made.dispose()
        return
    server_url = request.getfixturevalue("postgres_url")
    name = f"gtest_renames_{uuid.uuid4().hex[:8]}"
    server = make_engine(server_url)
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    made = make_engine(sa.make_url(server_url).set(database=name).render_as_string(hide_password=False))
    try:
        yield made
    finally:
        made.dispose()
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def test_migrations_rewrite_outbox_jobs_and_registry_rows_of_the_old_names(engine: sa.Engine) -> None:
    upgrade(engine, [BUS_COMPONENT, JOBS_COMPONENT], revision="0001")
    upgrade(engine, [CONTROL_COMPONENT], revision="0002")
    _envelope, new, old = new_and_old_body()
    echo = build_envelope(EchoRequested(text="salut"), tenant="acme").to_json().decode()
    now = utcnow()
    with engine.begin() as conn:
        base = {"target_queue": None, "published_at": None, "created_at": now}
        conn.execute(
            outbox.insert(),
            [
                {**base, "event_id": "e-1", "type": "worker.request.pdf_render", "body": old},
                # published, then replayed to one queue
                {
                    **base,
                    "event_id": "e-2",
                    "type": "worker.request.pdf_render",
                    "body": old,
                    "target_queue": "worker.pdf_render",
                    "published_at": now,
                },
                {**base, "event_id": "e-3", "type": "worker.request.echo", "body": echo},
            ],
        )
        row = {"state": "queued", "created_at": now, "updated_at": now}
        conn.execute(
            jobs.insert(),
            [{"id": "job-1", "tag": "pdf_render", **row}, {"id": "job-2", "tag": "match", **row}],
        )
        beat = {"hostname": "h", "pid": 1, "concurrency": 2, "started_at": now, "last_heartbeat": now}
        conn.execute(
            workers.insert(),
            [
                {"instance_id": "i-1", "tag": "anaf_efactura", **beat},
                {"instance_id": "i-1", "tag": "ocr", **beat},
            ],
        )

    assert upgrade(engine, [BUS_COMPONENT, JOBS_COMPONENT, CONTROL_COMPONENT]) == ["bus", "jobs", "control"]
    for component in (BUS_COMPONENT, JOBS_COMPONENT, CONTROL_COMPONENT):
        assert current_revision(engine, component) == head_revision(component)
    with engine.connect() as conn:
        rows = {r.event_id: r for r in conn.execute(sa.select(outbox)).all()}
        tags = dict(conn.execute(sa.select(jobs.c.id, jobs.c.tag)).all())
        registry = sorted(conn.execute(sa.select(workers.c.tag)).scalars())
    assert rows["e-1"].type == "worker.request.pdf.render" and rows["e-1"].body == new
    assert rows["e-1"].published_at is None and rows["e-1"].target_queue is None
    assert rows["e-2"].target_queue == "worker.pdf.render" and rows["e-2"].body == new
    assert rows["e-3"].type == "worker.request.echo" and rows["e-3"].body == echo
    assert decoded(rows["e-1"].body) == REQUEST  # the relay's copy is no longer refused
    assert tags == {"job-1": "pdf.render", "job-2": "match"}
    assert registry == ["anaf.efactura", "ocr"]
    assert upgrade(engine, [BUS_COMPONENT, JOBS_COMPONENT, CONTROL_COMPONENT]) == []


async def test_the_local_queue_file_moves_old_queues_messages_and_dead_letters(tmp_path: Path) -> None:
    path = tmp_path / "bus" / "queue.db"
    path.parent.mkdir()
    _envelope, new, old = new_and_old_body()
    now = time.time()
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(SCHEMA)  # a file as the previous release left it (user_version 0)
    db.execute("INSERT INTO queues VALUES ('worker.pdf_render', ?), ('audit', ?)", (now, now))
    db.execute(
        "INSERT INTO bindings VALUES ('worker.pdf_render', 'worker.request.pdf_render'), ('audit', 'audit.#')"
    )
    insert = (
        "INSERT INTO messages (queue, event_id, type, tenant, body, available_at, created_at, state,"
        " dead_reason) VALUES (?, ?, ?, 'acme', ?, ?, ?, ?, ?)"
    )
    db.execute(
        insert,
        ("worker.pdf_render", "e-ready", "worker.request.pdf_render", old.encode(), now, now, "ready", None),
    )
    db.execute(
        insert,
        ("worker.pdf_render", "e-dead", "worker.request.pdf_render", old.encode(), now, now, "dead", "boom"),
    )
    db.close()

    transport = LocalTransport(path)
    await transport.start()
    try:
        assert await transport.queue_depth("worker.pdf.render") == 1
        [letter] = await transport.dead_letters(queue="worker.pdf.render")
        assert (letter.event_id, letter.type, letter.body) == ("e-dead", "worker.request.pdf.render", new)
        assert decoded(letter.body) == REQUEST
        assert await transport.replay("worker.pdf.render", ["e-dead"]) == ["e-dead"]
        assert await transport.queue_depth("worker.pdf.render") == 2
        assert await transport.dead_letters(queue="worker.pdf_render") == []
    finally:
        await transport.close()
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
        assert sorted(db.execute("SELECT name FROM queues")) == [("audit",), ("worker.pdf.render",)]
        assert sorted(db.execute("SELECT queue, pattern FROM bindings")) == [
            ("audit", "audit.#"),
            ("worker.pdf.render", "worker.request.pdf.render"),
        ]
    finally:
        db.close()
    again = LocalTransport(path)  # opened again: nothing left to do, nothing changed
    await again.start()
    try:
        assert await again.queue_depth("worker.pdf.render") == 2
    finally:
        await again.close()
