"""Shared steps of the bus tests: publish through the outbox, relay, wait, record effects."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import sqlalchemy as sa

from genius.platform.bus.handlers import transactional
from genius.platform.bus.messages import ProbeSent
from genius.platform.bus.relay import Relay
from genius.platform.bus.transport import Delivery, Transport
from genius.platform.db.uow import UnitOfWork
from tests.platform.bus.conftest import World


def publish_probes(
    world: World, count: int, *, start: int = 0, batch: int = 200, slug: str = "acme", note: str = ""
) -> list[str]:
    """Commit ``count`` probe events through units of work; returns their event ids in order."""
    ids: list[str] = []
    for first in range(start, start + count, batch):
        with UnitOfWork(world.databases, tenant=world.ctx(slug)) as uow:
            for seq in range(first, min(first + batch, start + count)):
                ids.append(uow.publish(ProbeSent(seq=seq, note=note)).id)
    return ids


def relay_for(world: World, transport: Transport, **options: object) -> Relay:
    return Relay(transport, world.databases, lambda: list(world.contexts), **options)  # type: ignore[arg-type]


async def eventually(check: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.02)


def recording_effect(consumer: str):  # type: ignore[no-untyped-def]
    """An effect that inserts one row per handling into ``effects`` (no unique key: duplicates show)."""

    def effect(uow: UnitOfWork, message: ProbeSent, delivery: Delivery) -> None:
        uow.connection.execute(
            sa.text("INSERT INTO effects (consumer, event_id, seq) VALUES (:c, :e, :s)"),
            {"c": consumer, "e": delivery.envelope.id, "s": message.seq},  # type: ignore[union-attr]
        )

    return effect


def exactly_once_handler(world: World, consumer: str):  # type: ignore[no-untyped-def]
    return transactional(world.databases, consumer, recording_effect(consumer), tenants=world.resolver)
