"""The processes of bench/bus.py: where they find the databases and the broker, the consumer
processes with their timed exactly-once handler, the producer process, CPU accounting."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import multiprocessing
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from genius.platform.bus import BUS_COMPONENT
from genius.platform.bus.consumer import Consumer
from genius.platform.bus.handlers import RegistryTenants, transactional
from genius.platform.bus.local import LocalTransport
from genius.platform.bus.messages import ProbeSent
from genius.platform.bus.process import settle_process
from genius.platform.bus.transport import Delivery, Transport
from genius.platform.db.engine import make_engine, sqlite_url
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext, TenantDatabases, TenantRegistry

LATENCY_RATE = 1_000  # events per second
PRODUCER_THREADS = 8  # on PostgreSQL
CONSUMER_CONCURRENCY = 2  # batches in flight in each consumer process
CONSUMER_PREFETCH = 500  # per consumer process
CONSUMER_BATCH = 100  # events per transaction at most
# Consumer processes per transport. Measured on the shared 2-core VM (load 3-7): 2 RabbitMQ
# consumer processes gave no more throughput than 1 (no free core) and a worse p99 (more writers
# on the SQLite tenant file wait in its busy handler); try GENIUS_BENCH_BUS_CONSUMERS=2 on a quiet VM.
DEFAULT_CONSUMERS = {"rabbitmq": 1, "local": 1}


def _databases(folder: str | Path, postgres: str) -> TenantDatabases:
    """The tenant databases: SQLite files in ``folder``, or one PostgreSQL server (``postgres``)."""
    control = make_engine(sqlite_url(Path(folder) / "control.db"), schemas=["control"])
    clusters = {"default": postgres} if postgres else {}
    return TenantDatabases(control, data_dir=Path(folder), clusters=clusters, components=[BUS_COMPONENT])


@dataclass(frozen=True)
class Where:
    """What a bench process needs to reach the tenant database and the broker."""

    folder: str
    kind: str
    url: str
    namespace: str
    postgres: str  # "" for SQLite tenant databases

    def transport(self) -> Transport:
        if self.kind == "local":
            return LocalTransport(Path(self.folder) / "bus" / "queue.db")
        from genius.platform.bus.rabbit import RabbitTransport

        return RabbitTransport(self.url, namespace=self.namespace)

    def databases(self) -> tuple[TenantDatabases, TenantRegistry]:
        databases = _databases(self.folder, self.postgres)
        return databases, TenantRegistry(databases)


# The effect: one row per event, its statement built once (as the apps' Table inserts are).
EFFECT = sa.text("INSERT INTO effects (event_id, seq) VALUES (:e, :s)")


def _effect(uow: UnitOfWork, message: ProbeSent, delivery: Delivery) -> None:
    env = delivery.envelope
    assert env is not None
    uow.connection.execute(EFFECT, {"e": env.id, "s": message.seq})


class Timed:
    """Wraps the exactly-once handler: notes when it started on each event and when the effect's
    commit had returned (wall clock, comparable across processes)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.times: dict[str, dict[int, float]] = {"started": {}, "committed": {}}

    def __call__(self, delivery: Delivery) -> None:
        self.batch([delivery], single=True)

    def batch(self, deliveries: list[Delivery], *, single: bool = False) -> None:
        self._note("started", deliveries)
        if single:
            self.inner(deliveries[0])
        else:
            self.inner.batch(deliveries)
        self._note("committed", deliveries)

    def _note(self, what: str, deliveries: list[Delivery]) -> None:
        now, seen = time.time(), self.times[what]
        for delivery in deliveries:
            assert delivery.envelope is not None
            seen.setdefault(int(delivery.envelope.data["seq"]), now)


class GcPauses:
    """Wall-clock milliseconds of each garbage collection in this process while started: a full
    collection stops every thread, and each event in flight waits for it (gc.callbacks)."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._began = 0.0

    def _callback(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        elif self._began:
            self.pauses.append((time.perf_counter() - self._began) * 1000)

    def start(self) -> GcPauses:
        gc.callbacks.append(self._callback)
        return self

    def stop(self) -> list[float]:
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(self._callback)
        return self.pauses


def gc_summary(pauses: list[float]) -> str:
    if not pauses:
        return "none"
    return f"{len(pauses)}, longest {max(pauses):.1f} ms, {sum(pauses):.0f} ms in all"


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
    settle_process()  # as the production entry points do once started (genius.platform.bus.process)
    pauses = GcPauses().start()
    ready.set()
    cpu = _cpu()
    await asyncio.to_thread(stop.wait)
    await consumer.stop()
    cpu = _cpu() - cpu
    pauses.stop()
    await transport.close()
    databases.dispose()
    Path(out).write_text(json.dumps({**handler.times, "cpu": cpu, "gc": pauses.pauses}))


def _cpu() -> float:
    """CPU seconds of this process, every thread."""
    times = os.times()
    return times.user + times.system


def _broker_cpu() -> float | None:
    """CPU seconds of the RabbitMQ server (beam.smp) on this machine, if it runs here."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text()
            if "(beam.smp)" in fields:
                parts = fields.rsplit(")", 1)[1].split()
                return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")
    return None


def consumer_count(kind: str) -> int:
    """Consumer processes on the subscriber queue: GENIUS_BENCH_BUS_CONSUMERS, else the default
    for the transport (DEFAULT_CONSUMERS)."""
    chosen = os.environ.get("GENIUS_BENCH_BUS_CONSUMERS", "")
    if not chosen:
        return DEFAULT_CONSUMERS[kind]
    if not chosen.isdigit() or int(chosen) < 1:
        raise ValueError(f"GENIUS_BENCH_BUS_CONSUMERS must be a whole number >= 1, not {chosen!r}")
    return int(chosen)


class ConsumerProcesses:
    """``count`` consumer processes on the same subscriber queue (competing consumers, as several
    processes of a subscriber run in production), each with its own prefetch."""

    def __init__(self, where: Where, out: Path, count: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.ready = [context.Event() for _ in range(count)]
        self.stop = context.Event()
        self.outs = [out.with_name(f"{out.stem}-{i}{out.suffix}") for i in range(count)]
        self.processes = [
            context.Process(target=_consume, args=(where, ready, self.stop, str(path)))
            for ready, path in zip(self.ready, self.outs, strict=True)
        ]

    async def __aenter__(self) -> ConsumerProcesses:
        for process in self.processes:
            process.start()
        for ready in self.ready:
            if not await asyncio.to_thread(ready.wait, 60):
                raise RuntimeError("a consumer process did not start")
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop.set()
        for process in self.processes:
            await asyncio.to_thread(process.join, 60)
            if process.is_alive():
                process.kill()

    def times(self) -> dict[str, dict[int, float]]:
        """{"started": {seq: t}, "committed": {seq: t}} over every consumer process: the earliest
        time any process noted (a redelivered event's second pass finds the inbox row and writes
        no effect)."""
        merged: dict[str, dict[int, float]] = {"started": {}, "committed": {}}
        for out in self.outs:
            found = json.loads(out.read_text())
            for what, seen in merged.items():
                for key, value in found[what].items():
                    seq = int(key)
                    seen[seq] = min(value, seen.get(seq, value))
        return merged

    def shares(self) -> list[int]:
        """How many events each consumer process handled (committed or found in the inbox)."""
        return [len(json.loads(out.read_text())["committed"]) for out in self.outs]

    def gc_pauses(self) -> list[float]:
        """Garbage-collection pauses (ms) of every consumer process between start and stop."""
        return [p for out in self.outs for p in json.loads(out.read_text())["gc"]]

    def cpu(self) -> float:
        """CPU seconds the consumer processes used together between start and stop."""
        return sum(float(json.loads(out.read_text())["cpu"]) for out in self.outs)


def _produce(where: Where, ctx: TenantContext, total: int, result: Any) -> None:
    """The producer process: one event per unit of work at LATENCY_RATE events/s.

    One thread on SQLite (its writers queue on one lock anyway); PRODUCER_THREADS on PostgreSQL,
    where one connection's commit (a WAL flush) is too slow for 1,000 a second. Returns (seconds
    taken, the wall-clock time each event's outbox commit had returned).
    """
    databases = _databases(where.folder, where.postgres)
    threads = PRODUCER_THREADS if where.postgres else 1
    committed = [0.0] * total
    settle_process()
    begin = time.perf_counter()

    def produce(first: int) -> None:
        for seq in range(first, total, threads):
            pause = begin + seq / LATENCY_RATE - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            with UnitOfWork(databases, tenant=ctx) as uow:
                uow.publish(ProbeSent(seq=seq))
            committed[seq] = time.time()

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(produce, range(threads)))
    result.put((time.perf_counter() - begin, committed))
    databases.dispose()
