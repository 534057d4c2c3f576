"""The relay loop keeps several batches awaiting confirms while it publishes the next ones, and finds rows
committed late below its cursor (PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest

from genius.platform.bus import outbox
from genius.platform.bus.local import LocalTransport
from genius.platform.bus.messages import ProbeSent
from genius.platform.bus.relay import MAX_IN_FLIGHT, Relay
from genius.platform.bus.transport import Outgoing, QueueSpec
from tests.platform.bus.conftest import World
from tests.platform.bus.helpers import eventually, publish_probes


class SlowConfirms(LocalTransport):
    """Confirms only when the test lets them through; counts publishes awaiting confirms."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.gate = asyncio.Event()
        self.waiting = 0
        self.most_waiting = 0
        self.batches: list[list[int]] = []

    async def publish(self, messages: Sequence[Outgoing]) -> list[bool]:
        self.batches.append([int(m.envelope.data["seq"]) for m in messages])
        result = await super().publish(messages)
        self.waiting += 1
        self.most_waiting = max(self.most_waiting, self.waiting)
        try:
            await self.gate.wait()
        finally:
            self.waiting -= 1
        return result


async def test_the_loop_publishes_new_rows_while_earlier_batches_await_confirms(
    world: World, tmp_path: Path
) -> None:
    transport = SlowConfirms(tmp_path / "bus" / "queue.db")
    await transport.start()
    await transport.declare(QueueSpec("probes", ("bus.probe.sent",)))
    relay = Relay(transport, world.databases, lambda: ["acme"], idle_seconds=0.01, mark_delay=0.01)
    await relay.start()
    try:
        for seq in range(MAX_IN_FLIGHT + 2):  # one unit of work at a time, each its own batch
            publish_probes(world, 1, start=seq)
            await eventually(
                lambda s=seq: len(transport.batches) == s + 1 or transport.waiting == MAX_IN_FLIGHT
            )
        assert transport.most_waiting == MAX_IN_FLIGHT  # no more in flight than that
        assert world.outbox_count(pending=True) == MAX_IN_FLIGHT + 2  # nothing marked unconfirmed
        transport.gate.set()
        await eventually(lambda: world.outbox_count(pending=True) == 0, what="every row marked sent")
        assert await transport.queue_depth("probes") == MAX_IN_FLIGHT + 2
    finally:
        transport.gate.set()
        await relay.stop()
        await transport.close()
    seqs = [s for batch in transport.batches for s in batch]
    assert seqs == list(range(MAX_IN_FLIGHT + 2))  # each row once, in commit order


async def test_rows_another_process_commits_during_a_stream_are_swept_soon_not_after_the_idle_pause(
    world: World, tmp_path: Path
) -> None:
    """A unit of work in the relay's process wakes it; another process's commit does not (here: the
    commit listener removed). After a pass that found rows the sweep comes back within milliseconds,
    doubling its pause while it finds none, so the next row is not left for the 30 s idle pause."""
    transport = LocalTransport(tmp_path / "bus" / "queue.db")
    await transport.start()
    await transport.declare(QueueSpec("probes", ("bus.probe.sent",)))
    relay = Relay(transport, world.databases, lambda: ["acme"], idle_seconds=30.0, mark_delay=0.01)
    await relay.start()
    try:
        publish_probes(world, 1)  # this process: the commit wakes the relay
        await eventually(lambda: world.outbox_count(pending=True) == 0, what="the first row relayed")
        outbox.remove_commit_listener(relay._on_commit)  # from now on, as if another process wrote
        publish_probes(world, 1, start=1)
        await eventually(lambda: world.outbox_count(pending=True) == 0, what="the second row swept")
        assert await transport.queue_depth("probes") == 2
    finally:
        await relay.stop()
        await transport.close()


@pytest.mark.postgres
async def test_a_lower_seq_committed_after_a_read_passed_over_it_goes_out_with_the_next_read(
    pg_world: World, tmp_path: Path
) -> None:
    """PostgreSQL numbers outbox rows at insert, not at commit: a read may see seq N+1 while N's
    transaction is still open. The next read looks for N again; it does not wait for the cursor to
    be reset (every row taken marked and no publish in flight, rare in a steady stream)."""
    transport = LocalTransport(tmp_path / "bus" / "queue.db")
    await transport.start()
    await transport.declare(QueueSpec("probes", ("bus.probe.sent",)))
    relay = Relay(transport, pg_world.databases, lambda: ["acme"], mark_delay=60.0)  # no reset meanwhile
    engine = pg_world.engine()
    try:
        publish_probes(pg_world, 1)
        assert await relay.run_once("acme") == 1  # the stream so far
        with engine.connect() as slow:
            open_unit = slow.begin()
            outbox.write(slow, [outbox.build_envelope(ProbeSent(seq=1), tenant="acme")])
            publish_probes(pg_world, 1, start=2)  # a higher seq, committed first
            assert await relay.run_once("acme") == 1
            open_unit.commit()
        assert await relay.run_once("acme") == 1  # the late row, at once
        assert await relay.run_once("acme") == 0  # and nothing twice
        await relay.flush_marks("acme")
        assert pg_world.outbox_count(pending=True) == 0
        assert await transport.queue_depth("probes") == 3
    finally:
        await relay.stop()
        await transport.close()
