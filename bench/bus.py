"""Event bus: outbox -> broker -> consumer throughput and end-to-end latency, local and RabbitMQ.

Throughput: N events are committed to a tenant's outbox first; then the relay (this process,
publisher confirms) and exactly-once consumers (GENIUS_BENCH_BUS_CONSUMERS processes, default 1, competing
on one subscriber queue: inbox row + effect row per event, batched transactions) run together;
events/s is N over the time until the last effect is committed; then the effect rows are counted
(one per event). Latency: a producer process commits one event per unit of work at a fixed rate;
each event's latency runs from the end of its outbox commit (producer process) to the end of its
effect's commit (consumer process; wall clock, the same on both sides). RabbitMQ runs only when
GENIUS_TEST_AMQP_URL is set; it uses a unique namespace and deletes it afterwards. RabbitMQ rows
also measure the broker's floor in the same minutes (bench/_bus_floor.py: our transport at the
relay's cadence, no database).
"""

from __future__ import annotations

import asyncio
import itertools
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

from bench._bus_floor import floor
from bench._bus_processes import (
    CONSUMER_BATCH,
    LATENCY_RATE,
    ConsumerProcesses,
    GcPauses,
    Where,
    _broker_cpu,
    _cpu,
    _databases,
    _produce,
    consumer_count,
    gc_summary,
)
from bench._bus_reads import ReadLog
from genius.platform.bus.messages import ProbeSent
from genius.platform.bus.process import settle_process
from genius.platform.bus.relay import Relay
from genius.platform.bus.transport import QueueSpec, Transport
from genius.platform.db.engine import make_engine, sqlite_url
from genius.platform.db.migrate import MigrationComponent, migrations_folder, upgrade
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext, TenantDatabases, TenantRegistry

THROUGHPUT_EVENTS = int(os.environ.get("GENIUS_BENCH_BUS_EVENTS", "20000"))
LATENCY_SECONDS = 5
# Not measured: the first second of the stream, while the relay comes out of its idle back-off (it
# sweeps every 0.5 s when it finds nothing, as before the producer process has started) and the
# processes warm up. The target is latency at a sustained 1,000 events/s.
LATENCY_WARMUP_SECONDS = 1
OUTBOX_BATCH = 500  # events per unit of work when filling the outbox for the throughput run

CONTROL = MigrationComponent(
    "control",
    "control",
    migrations_folder(__import__("genius.platform.db", fromlist=["x"]).__file__) / "control",
)


@dataclass
class Setup:
    folder: Path
    slug: str
    databases: TenantDatabases
    registry: TenantRegistry
    ctx: TenantContext

    def effects(self) -> int:
        with self.databases.engine_for_slug(self.slug).connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM effects")).scalar() or 0)

    def check_exactly_once(self, total: int) -> None:
        """Every event 0..total-1 has exactly one effect row (consumers stopped, rows counted)."""
        query = sa.text("SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM effects")
        with self.databases.engine_for_slug(self.slug).connect() as conn:
            rows, distinct, low, high = conn.execute(query).one()
        if (rows, distinct, low, high) != (total, total, 0, total - 1):
            raise RuntimeError(
                f"exactly-once broken: {rows} effect rows for {distinct} distinct events "
                f"(seq {low}..{high}), expected {total} rows, one per event 0..{total - 1}"
            )


def _setup(folder: Path, slug: str, postgres: str) -> Setup:
    upgrade(make_engine(sqlite_url(folder / "control.db"), schemas=["control"]), [CONTROL])
    databases = _databases(folder, postgres)
    registry = TenantRegistry(databases)
    tenant = registry.create(slug, name="Bench SRL", cui="RO18547290")
    with databases.engine_for_slug(slug).begin() as conn:
        conn.execute(sa.text("CREATE TABLE effects (event_id TEXT NOT NULL, seq INTEGER NOT NULL)"))
    return Setup(folder, slug, databases, registry, TenantContext(tenant.id, slug, system=True))


async def _wait(check, timeout: float, every: float = 0.01) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(check):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(every)
    return True


@dataclass(frozen=True)
class Throughput:
    end_to_end: float  # events/s, outbox full -> last effect committed
    relay: float  # events/s, outbox full -> outbox empty
    cpu_relay: float  # microseconds of CPU per event: this process (the relay), the consumer process,
    cpu_consumer: float  # (every consumer process together), and the broker when it runs here
    cpu_broker: float | None
    shares: list[int]  # events each consumer process handled


async def _throughput(setup: Setup, where: Where, transport: Transport, consumers: int) -> Throughput:
    for first in range(0, THROUGHPUT_EVENTS, OUTBOX_BATCH):
        with UnitOfWork(setup.databases, tenant=setup.ctx) as uow:
            for seq in range(first, first + OUTBOX_BATCH):
                uow.publish(ProbeSent(seq=seq))
    relay = Relay(transport, setup.databases, lambda: [setup.slug], batch_size=1000)
    consumer = ConsumerProcesses(where, setup.folder / "throughput-commits.json", consumers)
    async with consumer:
        broker = _broker_cpu() if where.kind == "rabbitmq" else None
        cpu = _cpu()
        started, wall = time.perf_counter(), time.time()
        await relay.drain(setup.slug)
        relay_done = time.perf_counter() - started
        cpu_relay = _cpu() - cpu
        # Polled rarely: counting the effects competes with the consumer for the same 2 cores.
        ok = await _wait(lambda: setup.effects() >= THROUGHPUT_EVENTS, 600, every=0.1)
        broker = _broker_cpu() - broker if broker is not None else None  # type: ignore[operator]
    await asyncio.to_thread(relay.release_leases)  # else the next relay waits for the lease to expire
    if not ok:
        raise RuntimeError("throughput run did not finish in 600 s")
    setup.check_exactly_once(THROUGHPUT_EVENTS)
    elapsed = max(consumer.times()["committed"].values()) - wall
    per_event = 1e6 / THROUGHPUT_EVENTS
    return Throughput(
        THROUGHPUT_EVENTS / elapsed,
        THROUGHPUT_EVENTS / relay_done,
        cpu_relay * per_event,
        consumer.cpu() * per_event,
        broker * per_event if broker is not None else None,
        consumer.shares(),
    )


@dataclass(frozen=True)
class Latency:
    rate: float  # events/s the producer achieved
    p50: float  # ms, outbox commit -> effect commit
    p99: float
    worst: float
    parts: str  # p50/p99 of the legs, for the notes
    histograms: str  # how many events each leg took per bucket of milliseconds
    gc: str  # garbage-collection pauses of the relay's process and of the consumer processes
    reads: str  # the relay's outbox reads, and the events a read passed over after their commit


def _quantiles(values: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(values, n=100)
    return q[49], q[98]


BUCKETS_MS = (5, 10, 20, 50, 100)


def _histogram(values: list[float]) -> str:
    """Events per bucket (<5, 5-10, 10-20, 20-50, 50-100, >=100 ms): where the tail sits."""
    counts = [0] * (len(BUCKETS_MS) + 1)
    for value in values:
        counts[next((i for i, edge in enumerate(BUCKETS_MS) if value < edge), len(BUCKETS_MS))] += 1
    labels = [f"<{BUCKETS_MS[0]}"] + [f"{a}-{b}" for a, b in itertools.pairwise(BUCKETS_MS)]
    return " ".join(f"{label}:{n}" for label, n in zip([*labels, f">={BUCKETS_MS[-1]}"], counts, strict=True))


async def _latency(setup: Setup, where: Where, transport: Transport, consumers: int) -> Latency:
    """Latency at LATENCY_RATE events/s, and its legs."""
    with setup.databases.engine_for_slug(setup.slug).begin() as conn:
        conn.execute(sa.text("DELETE FROM effects"))
    # The producer is another process (as the API is beside `genius subscribers` or `genius worker`),
    # so the relay finds its rows by sweeping the outbox's partial index, with the production
    # defaults: every 5 ms while it finds rows, backing off to 0.5 s when it finds none.
    relay = Relay(transport, setup.databases, lambda: [setup.slug])
    reads = ReadLog(relay)
    confirmed: dict[int, float] = {}
    publish = transport.publish

    async def noting_publish(messages: Any) -> list[bool]:  # when the broker confirmed each event
        results = await publish(messages)
        now = time.time()
        for message, ok in zip(messages, results, strict=True):
            if ok:
                confirmed.setdefault(int(message.envelope.data["seq"]), now)
        return results

    transport.publish = noting_publish  # type: ignore[method-assign]
    warmup = LATENCY_RATE * LATENCY_WARMUP_SECONDS
    total = warmup + LATENCY_RATE * LATENCY_SECONDS
    context = multiprocessing.get_context("spawn")
    result = context.Queue()
    consumer = ConsumerProcesses(where, setup.folder / "latency-commits.json", consumers)
    relay_gc = GcPauses().start()
    try:
        async with consumer:
            await relay.start()
            producer = context.Process(target=_produce, args=(where, setup.ctx, total, result))
            producer.start()
            ok = await _wait(lambda: setup.effects() >= total, 300)
            sent_in, produced = await asyncio.to_thread(result.get, True, 60)
            await asyncio.to_thread(producer.join, 60)
            await relay.stop()
    finally:
        transport.publish = publish  # type: ignore[method-assign]
        relay_gc.stop()
    if not ok:
        raise RuntimeError("latency run did not finish in 300 s")
    setup.check_exactly_once(total)
    times = consumer.times()
    started, committed = times["started"], times["committed"]
    seqs = range(warmup, total)
    latencies = sorted((committed[s] - produced[s]) * 1000 for s in seqs)
    p50, p99 = _quantiles(latencies)
    legs = [
        ("outbox commit -> broker confirm", [(confirmed[s] - produced[s]) * 1000 for s in seqs]),
        ("confirm -> handler start", [(started[s] - confirmed[s]) * 1000 for s in seqs]),
        ("handler start -> effect committed", [(committed[s] - started[s]) * 1000 for s in seqs]),
    ]
    parts = "; ".join(f"{name} {a:.1f}/{b:.1f}" for name, values in legs for a, b in [_quantiles(values)])
    legs.append(("end to end", latencies))
    histograms = "; ".join(f"{name}: {_histogram(values)}" for name, values in legs)
    gc = f"relay process {gc_summary(relay_gc.pauses)}; consumer processes {gc_summary(consumer.gc_pauses())}"
    passed = reads.passed_over(produced, seqs)
    return Latency(total / sent_in, p50, p99, latencies[-1], parts, histograms, gc, passed)


async def _run(kind: str, database: str, folder: Path) -> tuple[str, str]:
    postgres = os.environ.get("GENIUS_TEST_DATABASE_URL", "") if database == "postgresql" else ""
    unique = uuid.uuid4().hex[:8]
    setup = _setup(folder, f"bench{unique}", postgres)
    where = Where(str(folder), kind, os.environ.get("GENIUS_TEST_AMQP_URL", ""), f"bench{unique}", postgres)
    consumers = consumer_count(kind)
    transport = where.transport()
    await transport.start()
    try:
        await transport.declare(QueueSpec("bench", ("bus.probe.sent",)))
        settle_process()  # the relay's process, as Bus.start does in production
        throughput = await _throughput(setup, where, transport, consumers)
        latency = await _latency(setup, where, transport, consumers)
        # The broker's floor in the same minutes: no database, no relay or consumer process.
        floor_note = ""
        if kind == "rabbitmq":
            floor_note = f"; floor without a database, p50/p99 ms: {await floor(where.url)}"
    finally:
        destroy = getattr(transport, "destroy", None)
        if destroy is not None:
            await destroy()
        await transport.close()
        if postgres:
            setup.registry.delete(setup.slug)  # drops its PostgreSQL database
        setup.databases.dispose()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    t = throughput
    row = (
        f"| {kind} | {database} | {consumers} | {t.end_to_end:,.0f} | {t.relay:,.0f} | {latency.rate:,.0f} "
        f"| {latency.p50:.1f} | {latency.p99:.1f} | {latency.worst:.1f} | {load} |"
    )
    broker = f", broker {throughput.cpu_broker:.0f}" if throughput.cpu_broker is not None else ""
    note = (
        f"{kind}, {database}: CPU per event in the throughput run, microseconds: relay "
        f"{throughput.cpu_relay:.0f}, consumers (together) {throughput.cpu_consumer:.0f}{broker}; "
        f"events per consumer process {'/'.join(f'{n:,}' for n in throughput.shares)}; "
        f"latency legs, p50/p99 ms: {latency.parts}; events per leg and bucket (ms): "
        f"{latency.histograms}; garbage collections during the latency run: {latency.gc}; relay outbox "
        f"reads during the latency run: {latency.reads}{floor_note}"
    )
    return row, note


def run() -> str:
    """Every transport x tenant database available; GENIUS_BENCH_BUS=rabbitmq:sqlite,... picks some."""
    kinds = ["local"] + (["rabbitmq"] if os.environ.get("GENIUS_TEST_AMQP_URL") else [])
    databases = ["sqlite"] + (["postgresql"] if os.environ.get("GENIUS_TEST_DATABASE_URL") else [])
    combos = [(k, d) for d in databases for k in kinds]
    if chosen := os.environ.get("GENIUS_BENCH_BUS"):
        combos = [c for c in combos if f"{c[0]}:{c[1]}" in chosen.split(",")]
    rows, notes = [], []
    for kind, database in combos:
        with tempfile.TemporaryDirectory() as folder:
            row, note = asyncio.run(_run(kind, database, Path(folder)))
            rows.append(row)
            notes.append(note)
    lines = [
        f"Throughput: {THROUGHPUT_EVENTS:,} events through outbox -> relay (confirms) -> "
        f"exactly-once consumer (transactions of up to {CONSUMER_BATCH}). "
        f"Latency: {LATENCY_RATE:,} events/s for {LATENCY_WARMUP_SECONDS} s (warm-up, not measured) + "
        f"{LATENCY_SECONDS} s from a producer process, "
        "one event per unit of work, from the end of its outbox commit to the end of its effect's commit. "
        "Producer, relay and consumers are separate processes, as in production; the consumers "
        "(column 3, GENIUS_BENCH_BUS_CONSUMERS) compete on one subscriber queue, each with its own "
        "prefetch. Exactly once checked after each run: one effect row per event.",
        "",
        "| transport | tenant database | consumer processes | end-to-end events/s | relay events/s "
        "| latency run events/s | p50 ms | p99 ms | max ms | load average at the end (1, 5, 15 min) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        *notes,
    ]
    if "rabbitmq" not in kinds:
        lines.append("\nRabbitMQ skipped: set GENIUS_TEST_AMQP_URL.")
    if "postgresql" not in databases:
        lines.append("\nPostgreSQL tenant database skipped: set GENIUS_TEST_DATABASE_URL.")
    return "\n".join(lines)
