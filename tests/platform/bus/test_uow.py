"""UnitOfWork, outbox, inbox, relay: a change and its events commit together; effects once (SQLite + PG)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest
import sqlalchemy as sa

from genius.kernel.errors import ValidationError
from genius.platform.bus import outbox
from genius.platform.bus.catalogue import CatalogueError
from genius.platform.bus.handlers import transactional
from genius.platform.bus.inbox import handle_once, was_handled
from genius.platform.bus.messages import ProbeSent
from genius.platform.bus.tables import inbox
from genius.platform.bus.tracing import handling
from genius.platform.bus.transport import Delivery
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import (
    NoTenantContext,
    tenant_scope,
)
from tests.platform.bus.conftest import World, make_world


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    if request.param == "postgres":
        yield request.getfixturevalue("pg_world")
        return
    built = make_world(tmp_path)
    yield built
    built.databases.dispose()


def insert_effect(uow: UnitOfWork, event_id: str, seq: int) -> None:
    uow.connection.execute(
        sa.text("INSERT INTO effects (consumer, event_id, seq) VALUES ('t', :e, :s)"),
        {"e": event_id, "s": seq},
    )


def test_the_change_and_its_events_commit_together(any_world: World) -> None:
    w = any_world
    with UnitOfWork(w.databases, tenant=w.ctx()) as uow:
        env = uow.publish(ProbeSent(seq=1))
        insert_effect(uow, env.id, 1)
    assert w.scalar("SELECT count(*) FROM effects") == 1
    with w.engine().connect() as conn:
        [row] = outbox.pending(conn, 10)
    assert row.envelope == env and row.envelope.tenant == w.ctx().slug


def test_a_failure_rolls_back_both_the_change_and_its_events(any_world: World) -> None:
    w = any_world
    with pytest.raises(RuntimeError), UnitOfWork(w.databases, tenant=w.ctx()) as uow:
        env = uow.publish(ProbeSent(seq=1))
        insert_effect(uow, env.id, 1)
        raise RuntimeError("validation failed after the insert")
    assert w.scalar("SELECT count(*) FROM effects") == 0
    assert w.outbox_count() == 0


def test_handle_once_admits_an_event_id_once_per_consumer(any_world: World) -> None:
    w = any_world
    for _ in range(3):
        with UnitOfWork(w.databases, tenant=w.ctx()) as uow:
            if handle_once(uow.connection, "billing", "evt-1"):
                insert_effect(uow, "evt-1", 1)
    with UnitOfWork(w.databases, tenant=w.ctx()) as uow:
        assert handle_once(uow.connection, "crm", "evt-1")  # another consumer is independent
        assert was_handled(uow.connection, "billing", "evt-1")
    assert w.scalar("SELECT count(*) FROM effects") == 1


def test_an_effect_that_fails_leaves_no_inbox_row_so_the_retry_runs_it(any_world: World) -> None:
    w = any_world
    with pytest.raises(RuntimeError), UnitOfWork(w.databases, tenant=w.ctx()) as uow:
        assert handle_once(uow.connection, "billing", "evt-2")
        raise RuntimeError("effect failed")
    with UnitOfWork(w.databases, tenant=w.ctx()) as uow:
        assert handle_once(uow.connection, "billing", "evt-2")


def test_the_session_joins_the_unit_of_work(world: World) -> None:
    with UnitOfWork(world.databases, tenant=world.ctx()) as uow:
        uow.session.execute(sa.text("INSERT INTO effects (consumer, event_id, seq) VALUES ('s', 'e', 1)"))
        uow.session.commit()  # a savepoint: the unit of work still decides
        uow.rollback()
    assert world.scalar("SELECT count(*) FROM effects") == 0


def test_the_tenant_comes_from_the_context_and_is_required(world: World) -> None:
    with pytest.raises(NoTenantContext), UnitOfWork(world.databases):
        pass
    with tenant_scope(world.ctx()), UnitOfWork(world.databases) as uow:
        env = uow.publish(ProbeSent(seq=1))
    assert env.tenant == "acme"


def test_only_registered_types_can_be_published(world: World) -> None:
    @dataclass(frozen=True)
    class Unregistered:
        """Not in the catalogue."""

        event_type: ClassVar[str] = "nowhere.thing.happened"

    with (
        pytest.raises(CatalogueError, match="not a registered message type"),
        UnitOfWork(world.databases, tenant=world.ctx()) as uow,
    ):
        uow.publish(Unregistered())
    assert world.outbox_count() == 0


def test_events_published_while_handling_one_inherit_its_correlation(world: World) -> None:
    with (
        handling("bus.probe.sent", "evt-9", "corr-1", None, None),
        UnitOfWork(world.databases, tenant=world.ctx()) as uow,
    ):
        follow_up = uow.publish(ProbeSent(seq=2))
    assert follow_up.correlationid == "corr-1"


def test_committed_events_wake_listeners_and_prune_removes_old_sent_rows(world: World) -> None:
    woken: list[str] = []
    outbox.add_commit_listener(woken.append)
    try:
        with UnitOfWork(world.databases, tenant=world.ctx()):
            pass  # nothing published: nobody to wake
        with UnitOfWork(world.databases, tenant=world.ctx()) as uow:
            uow.publish(ProbeSent(seq=1))
    finally:
        outbox.remove_commit_listener(woken.append)
    assert woken == ["acme"]
    from datetime import timedelta

    with world.engine().begin() as conn:
        outbox.mark_published(conn, [r.seq for r in outbox.pending(conn, 10)])
        assert outbox.prune_published(conn, timedelta(hours=1)) == 0
        assert outbox.prune_published(conn, timedelta(0)) == 1
        with pytest.raises(ValidationError, match="older_than"):
            outbox.prune_published(conn, timedelta(seconds=-1))


async def test_the_relay_publishes_in_order_under_a_lease_on_either_database(
    any_world: World, tmp_path: Path
) -> None:
    from genius.platform.bus.local import LocalTransport
    from genius.platform.bus.relay import Relay
    from genius.platform.bus.transport import QueueSpec
    from tests.platform.bus.helpers import publish_probes

    transport = LocalTransport(tmp_path / "relay-q.db")
    await transport.start()
    try:
        await transport.declare(QueueSpec("sink", ("bus.#",)))
        ids = publish_probes(any_world, 30)
        first = Relay(transport, any_world.databases, lambda: ["acme"], batch_size=7, lease_seconds=30)
        second = Relay(transport, any_world.databases, lambda: ["acme"], batch_size=7, lease_seconds=30)
        assert await first.run_once("acme") == 7
        assert await second.run_once("acme") == 0  # held by the first
        assert await first.drain("acme") == 23
        assert any_world.outbox_count(pending=True) == 0
        sub = await transport.subscribe("sink", prefetch=100)
        received = []
        async for delivery in sub:
            received.append(delivery.envelope.id)  # type: ignore[union-attr]
            await sub.ack(delivery)
            if len(received) == 30:
                break
        await sub.close()
        assert received == ids
    finally:
        await transport.close()


def test_a_batch_claims_each_new_id_once_even_when_it_repeats(any_world: World) -> None:
    from genius.platform.bus.inbox import handle_once_many

    w = any_world
    with UnitOfWork(w.databases, tenant=w.ctx()) as uow:
        assert handle_once(uow.connection, "billing", "a")
        assert handle_once_many(uow.connection, "billing", ["a", "b", "c", "b"]) == {"b", "c"}
        assert handle_once_many(uow.connection, "billing", ["b", "c"]) == set()
    with pytest.raises(ValidationError, match="event_ids"), UnitOfWork(w.databases, tenant=w.ctx()) as uow:
        handle_once_many(uow.connection, "billing", [])


async def test_housekeeping_forgets_old_sent_rows_and_old_inbox_ids(world: World, tmp_path: Path) -> None:
    from datetime import timedelta

    from genius.kernel.clock import set_clock, utcnow
    from genius.platform.bus.local import LocalTransport
    from genius.platform.bus.relay import INBOX_RETENTION, OUTBOX_RETENTION, Relay
    from genius.platform.bus.transport import QueueSpec
    from tests.platform.bus.helpers import publish_probes

    transport = LocalTransport(tmp_path / "hk.db")
    await transport.start()
    try:
        await transport.declare(QueueSpec("sink", ("#",)))
        publish_probes(world, 3)
        relay = Relay(transport, world.databases, lambda: ["acme"])
        await relay.drain("acme")
        publish_probes(world, 2, start=3)  # still pending: never pruned
        with UnitOfWork(world.databases, tenant=world.ctx()) as uow:
            handle_once(uow.connection, "crm", "old-event")
        assert await asyncio.to_thread(relay.housekeep, "acme") == (0, 0)  # nothing old yet
        now = utcnow()
        set_clock(lambda: now + max(OUTBOX_RETENTION, INBOX_RETENTION) + timedelta(minutes=1))
        try:
            with UnitOfWork(world.databases, tenant=world.ctx()) as uow:
                handle_once(uow.connection, "crm", "new-event")
            assert await asyncio.to_thread(relay.housekeep, "acme") == (3, 1)
        finally:
            set_clock(None)
        assert world.outbox_count() == 2 and world.outbox_count(pending=True) == 2
        with UnitOfWork(world.databases, tenant=world.ctx()) as uow:
            assert was_handled(uow.connection, "crm", "new-event")
            assert not was_handled(uow.connection, "crm", "old-event")
    finally:
        await transport.close()


def _batch_effect(uow: UnitOfWork, message: ProbeSent, delivery: Delivery) -> None:
    table = "no_such_table" if message.seq == 3 else "effects"  # seq 3 fails on both databases
    uow.connection.execute(
        sa.text(f"INSERT INTO {table} (consumer, event_id, seq) VALUES ('t', :e, :s)"),
        {"e": delivery.envelope.id, "s": message.seq},  # type: ignore[union-attr]
    )


def test_a_batch_applies_each_effect_once_and_a_failing_effect_fails_the_whole_batch(
    any_world: World,
) -> None:
    """On PostgreSQL a batch's effects run in pipeline mode, where an error surfaces only at the end
    of the block: it must still fail the whole batch (nothing committed), and each message alone
    then behaves as before."""
    w = any_world
    handler = transactional(w.databases, "batch", _batch_effect, tenants=lambda _slug: w.ctx())
    slug = w.ctx().slug

    def deliveries(seqs: range) -> list[Delivery]:
        return [Delivery(outbox.build_envelope(ProbeSent(seq=s), tenant=slug), "q", 1, False) for s in seqs]

    good = deliveries(range(1, 3))
    handler.batch([*good, *good])  # a redelivery inside the batch takes effect once
    handler.batch(good)  # and again later: the inbox absorbs it
    expected = [(d.envelope.id, d.envelope.data["seq"]) for d in good]  # type: ignore[union-attr]
    assert sorted(w.effects(consumer="t")) == sorted(expected)
    with_poison = deliveries(range(3, 6))
    # Raised by SQLAlchemy at a later statement, or by psycopg at the end of the pipeline, as it comes.
    with pytest.raises(Exception, match="no_such_table"):
        handler.batch(with_poison)
    assert w.scalar("SELECT count(*) FROM effects") == 2
    with w.engine().connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(inbox)).scalar() == 2
    for delivery in with_poison:
        if delivery.envelope.data["seq"] == 3:  # type: ignore[union-attr]
            with pytest.raises(sa.exc.DBAPIError):
                handler(delivery)
        else:
            handler(delivery)
    assert sorted(seq for _, seq in w.effects(consumer="t")) == [1, 2, 4, 5]
