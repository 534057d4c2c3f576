"""Event bus: outbox -> broker -> consumer throughput and end-to-end latency, local and RabbitMQ.

Throughput: N events are committed to a tenant's outbox first; then the relay (this process,
publisher confirms) and an exactly-once consumer (another process: inbox row + effect row per
event, batched transactions) run together; events/s is N over the time until the last effect
is committed. Latency: a producer process commits one event per unit of work at a fixed rate;
each event's latency runs from the end of its outbox commit (producer process) to the end of its
effect's commit (consumer process; wall clock, the same on both sides). RabbitMQ runs only when
GENIUS_TEST_AMQP_URL is set; it uses a unique namespace and deletes it afterwards.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from genius.platform.bus import BUS_COMPONENT
from genius.platform.bus.consumer import Consumer
from genius.platform.bus.handlers import RegistryTenants, transactional
from genius.platform.bus.local import LocalTransport
from genius.platform.bus.messages import ProbeSent
from genius.platform.bus.relay import Relay
from genius.platform.bus.transport import Delivery, QueueSpec, Transport
from genius.platform.db.engine import make_engine, sqlite_url
from genius.platform.db.migrate import MigrationComponent, migrations_folder, upgrade
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext, TenantDatabases, TenantRegistry

THROUGHPUT_EVENTS = 20_000
LATENCY_RATE = 1_000  # events per second
LATENCY_SECONDS = 5
OUTBOX_BATCH = 500  # events per unit of work when filling the outbox for the throughput run
RELAY_POLL_SECONDS = 0.005  # how often the relay looks at an idle outbox written by another process
CONSUMER_CONCURRENCY = 2  # batches in flight in the consumer process
CONSUMER_PREFETCH = 500
CONSUMER_BATCH = 100  # events per transaction at most

CONTROL = MigrationComponent(
    "control",
    "control",
    migrations_folder(__import__("genius.platform.db", fromlist=["x"]).__file__) / "control",
)


@dataclass
class Setup:
    folder: Path
    databases: TenantDatabases
    ctx: TenantContext
    resolver: RegistryTenants

    def effects(self) -> int:
        with self.databases.engine_for_slug("bench").connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM effects")).scalar() or 0)


def _setup(folder: Path) -> Setup:
    control = make_engine(sqlite_url(folder / "control.db"), schemas=["control"])
    upgrade(control, [CONTROL])
    databases = TenantDatabases(control, data_dir=folder, clusters={}, components=[BUS_COMPONENT])
    registry = TenantRegistry(databases)
    tenant = registry.create("bench", name="Bench SRL", cui="RO18547290")
    with databases.engine_for_slug("bench").begin() as conn:
        conn.execute(sa.text("CREATE TABLE effects (id INTEGER PRIMARY KEY, event_id TEXT, seq INTEGER)"))
    return Setup(folder, databases, TenantContext(tenant.id, "bench", system=True), RegistryTenants(registry))


@dataclass(frozen=True)
class Where:
    """What a bench process needs to reach the tenant database and the broker."""

    folder: str
    kind: str
    url: str
    namespace: str

    def transport(self) -> Transport:
        if self.kind == "local":
            return LocalTransport(Path(self.folder) / "bus" / "queue.db")
        from genius.platform.bus.rabbit import RabbitTransport

        return RabbitTransport(self.url, namespace=self.namespace)

    def databases(self) -> tuple[TenantDatabases, TenantRegistry]:
        control = make_engine(sqlite_url(Path(self.folder) / "control.db"), schemas=["control"])
        databases = TenantDatabases(
            control, data_dir=Path(self.folder), clusters={}, components=[BUS_COMPONENT]
        )
        return databases, TenantRegistry(databases)


# The effect: one row per event, its statement built once (as the apps' Table inserts are).
EFFECT = sa.text("INSERT INTO effects (event_id, seq) VALUES (:e, :s)")


def _effect(uow: UnitOfWork, message: ProbeSent, delivery: Delivery) -> None:
    env = delivery.envelope
    assert env is not None
    uow.connection.execute(EFFECT, {"e": env.id, "s": message.seq})


class Timed:
    """Wraps the exactly-once handler: notes when each event's effect commit has returned."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.committed: dict[int, float] = {}

    def __call__(self, delivery: Delivery) -> None:
        self.inner(delivery)
        self._note([delivery])

    def batch(self, deliveries: list[Delivery]) -> None:
        self.inner.batch(deliveries)
        self._note(deliveries)

    def _note(self, deliveries: list[Delivery]) -> None:
        now = time.time()
        for delivery in deliveries:
            assert delivery.envelope is not None
            self.committed.setdefault(int(delivery.envelope.data["seq"]), now)


def _consume(where: Where, ready: Any, stop: Any, out: str) -> None:
    """The consumer process: an exactly-once handler; commit times go to ``out`` at the end."""
    asyncio.run(_consume_async(where, ready, stop, out))


async def _consume_async(where: Where, ready: Any, stop: Any, out: str) -> None:
    databases, registry = where.databases()
    transport = where.transport()
    await transport.start()
    handler = Timed(transactional(databases, "bench", _effect, tenants=RegistryTenants(registry)))
    consumer = Consumer(
        transport,
        "bench",
        {"bus.probe.sent": handler},
        concurrency=CONSUMER_CONCURRENCY,
        prefetch=CONSUMER_PREFETCH,
        batch_size=CONSUMER_BATCH,
    )
    await consumer.start()
    ready.set()
    await asyncio.to_thread(stop.wait)
    await consumer.stop()
    await transport.close()
    databases.dispose()
    Path(out).write_text(json.dumps(handler.committed))


class ConsumerProcess:
    def __init__(self, where: Where, out: Path) -> None:
        context = multiprocessing.get_context("spawn")
        self.ready, self.stop = context.Event(), context.Event()
        self.out = out
        self.process = context.Process(target=_consume, args=(where, self.ready, self.stop, str(out)))

    async def __aenter__(self) -> ConsumerProcess:
        self.process.start()
        if not await asyncio.to_thread(self.ready.wait, 60):
            raise RuntimeError("the consumer process did not start")
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop.set()
        await asyncio.to_thread(self.process.join, 60)
        if self.process.is_alive():
            self.process.kill()

    def committed(self) -> dict[int, float]:
        return {int(k): v for k, v in json.loads(self.out.read_text()).items()}


async def _wait(check, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(check):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


async def _throughput(setup: Setup, transport: Transport) -> tuple[float, float]:
    """(events/s end to end, events/s of the relay until the outbox was empty)."""
    for first in range(0, THROUGHPUT_EVENTS, OUTBOX_BATCH):
        with UnitOfWork(setup.databases, tenant=setup.ctx) as uow:
            for seq in range(first, first + OUTBOX_BATCH):
                uow.publish(ProbeSent(seq=seq))
    relay = Relay(transport, setup.databases, lambda: ["bench"], batch_size=1000)
    started = time.perf_counter()
    relay_done = 0.0

    async def run_relay() -> None:
        nonlocal relay_done
        await relay.drain("bench")
        relay_done = time.perf_counter() - started

    relaying = asyncio.create_task(run_relay())
    ok = await _wait(lambda: setup.effects() >= THROUGHPUT_EVENTS, 600)
    elapsed = time.perf_counter() - started
    await relaying
    await asyncio.to_thread(relay.release_leases)  # else the next relay waits for the lease to expire
    if not ok:
        raise RuntimeError("throughput run did not finish in 600 s")
    return THROUGHPUT_EVENTS / elapsed, THROUGHPUT_EVENTS / relay_done


async def _latency(setup: Setup, where: Where, transport: Transport) -> tuple[float, float, float, float]:
    """(achieved rate, p50 ms, p99 ms, max ms) at LATENCY_RATE events/s."""
    with setup.databases.engine_for_slug("bench").begin() as conn:
        conn.execute(sa.text("DELETE FROM effects"))
    # The producer is another process (as the API is in production), so the relay finds its rows
    # by polling the outbox's partial index every RELAY_POLL_SECONDS.
    relay = Relay(transport, setup.databases, lambda: ["bench"], idle_seconds=RELAY_POLL_SECONDS)
    total = LATENCY_RATE * LATENCY_SECONDS
    context = multiprocessing.get_context("spawn")
    result = context.Queue()
    consumer = ConsumerProcess(where, setup.folder / "latency-commits.json")
    async with consumer:
        await relay.start()
        producer = context.Process(target=_produce, args=(str(setup.folder), setup.ctx, total, result))
        producer.start()
        ok = await _wait(lambda: setup.effects() >= total, 300)
        sent_in, produced = await asyncio.to_thread(result.get, True, 60)
        await asyncio.to_thread(producer.join, 60)
        await relay.stop()
    if not ok:
        raise RuntimeError("latency run did not finish in 300 s")
    committed = consumer.committed()
    latencies = sorted((committed[seq] - produced[seq]) * 1000 for seq in range(total))
    quantiles = statistics.quantiles(latencies, n=100)
    return total / sent_in, quantiles[49], quantiles[98], latencies[-1]


def _produce(folder: str, ctx: TenantContext, total: int, result: Any) -> None:
    """The producer process: one event per unit of work at LATENCY_RATE events/s.

    Returns (seconds taken, the wall-clock time each event's outbox commit had returned).
    """
    control = make_engine(sqlite_url(Path(folder) / "control.db"), schemas=["control"])
    databases = TenantDatabases(control, data_dir=Path(folder), clusters={}, components=[BUS_COMPONENT])
    committed: list[float] = []
    begin = time.perf_counter()
    for seq in range(total):
        pause = begin + seq / LATENCY_RATE - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        with UnitOfWork(databases, tenant=ctx) as uow:
            uow.publish(ProbeSent(seq=seq))
        committed.append(time.time())
    result.put((time.perf_counter() - begin, committed))
    databases.dispose()


async def _run(kind: str, folder: Path) -> str:
    setup = _setup(folder)
    where = Where(
        str(folder), kind, os.environ.get("GENIUS_TEST_AMQP_URL", ""), f"bench{uuid.uuid4().hex[:8]}"
    )
    transport = where.transport()
    await transport.start()
    try:
        await transport.declare(QueueSpec("bench", ("bus.probe.sent",)))
        async with ConsumerProcess(where, folder / "throughput-commits.json"):
            end_to_end, relay_rate = await _throughput(setup, transport)
        rate, p50, p99, worst = await _latency(setup, where, transport)
    finally:
        destroy = getattr(transport, "destroy", None)
        if destroy is not None:
            await destroy()
        await transport.close()
        setup.databases.dispose()
    return (
        f"| {kind} | {end_to_end:,.0f} | {relay_rate:,.0f} | {rate:,.0f} "
        f"| {p50:.1f} | {p99:.1f} | {worst:.1f} |"
    )


def run() -> str:
    kinds = ["local"] + (["rabbitmq"] if os.environ.get("GENIUS_TEST_AMQP_URL") else [])
    rows = []
    for kind in kinds:
        with tempfile.TemporaryDirectory() as folder:
            rows.append(asyncio.run(_run(kind, Path(folder))))
    lines = [
        f"Throughput: {THROUGHPUT_EVENTS:,} events through outbox -> relay (confirms) -> "
        f"exactly-once consumer (SQLite tenant database, transactions of up to {CONSUMER_BATCH}). "
        f"Latency: {LATENCY_RATE:,} events/s for {LATENCY_SECONDS} s from a producer process, "
        "one event per unit of work, from the end of its outbox commit to the end of its effect's commit. "
        "Producer, relay and consumer are separate processes, as in production.",
        "",
        "| transport | end-to-end events/s | relay events/s | latency run events/s "
        "| p50 ms | p99 ms | max ms |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *rows,
    ]
    if "rabbitmq" not in kinds:
        lines.append("\nRabbitMQ skipped: set GENIUS_TEST_AMQP_URL.")
    return "\n".join(lines)
