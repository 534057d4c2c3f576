"""Queue depth on /metrics: ``genius_bus_queue_depth`` per worker tag and subscriber queue, read at scrape.

Prometheus calls ``collect()`` synchronously, and /metrics is an async route, so it runs on the
gateway's event loop, while transports are async and bound to the loop that opened them. So the
probe owns a daemon thread with an event loop of its own and a *second* transport of the same
kind (another connection to the same broker, or the same SQLite queue file); ``collect()`` asks it
for fresh numbers and waits at most ``WAIT_SECONDS``, serving the previous reading when the probe is
slower (the refresh goes on and the next scrape gets it). Readings are kept ``TTL_SECONDS``, so a
burst of scrapes costs one round of queries.

The numbers are the transport's own ``queue_depth`` (local: waiting rows of the queue in the
SQLite file; RabbitMQ: ``message_count`` of a passive declare), the same the workers API shows.
Queues: ``worker.<tag>`` for every worker tag in the catalogue and every subscriber queue of the
platform. A RabbitMQ queue that does not exist yet (no request of that tag published, subscriber
never started) has no series; it is looked for again after ``MISSING_RECHECK_SECONDS``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from genius.platform.bus.catalogue import MessageKind, discover, tag_of
from genius.platform.bus.consumer import Consumer
from genius.platform.bus.service import Bus
from genius.platform.bus.transport import Transport, worker_queue
from genius.platform.observability.metrics import REGISTRY

log = logging.getLogger("genius.bus.depth")

METRIC = "genius_bus_queue_depth"
TTL_SECONDS = 5.0
SubscriberFactory = Callable[..., Consumer]
WAIT_SECONDS = 1.0
MISSING_RECHECK_SECONDS = 60.0


@dataclass(frozen=True)
class QueueRef:
    """A queue to report: its name, and the worker tag or subscriber it belongs to."""

    queue: str
    tag: str
    kind: str  # "worker" | "subscriber"


def worker_refs() -> list[QueueRef]:
    """``worker.<tag>`` for every worker request type in the catalogue (every module's, discovered)."""
    tags = {tag_of(t.name) for t in discover().all() if t.kind is MessageKind.COMMAND}
    return [QueueRef(worker_queue(t).name, t, "worker") for t in sorted(x for x in tags if x)]


def sibling(transport: Transport) -> Transport | None:
    """A new transport of the same kind and target as ``transport`` (the probe's own connection)."""
    from genius.platform.bus.local import LocalTransport

    if isinstance(transport, LocalTransport):
        return LocalTransport(transport.path)
    if transport.name == "rabbitmq":
        url, namespace = getattr(transport, "url", None), getattr(transport, "ns", None)
        if url and namespace:
            return type(transport)(url, namespace=namespace)  # type: ignore[call-arg]
    return None  # an unknown transport (a test double): no depth series


class DepthProbe:
    """Reads queue depths through its own transport on its own thread; see the module docstring."""

    def __init__(self, transport: Transport, queues: Callable[[], Sequence[QueueRef]]) -> None:
        self.source = transport
        self.queues = queues
        self.readings: dict[QueueRef, int] = {}
        self.read_at = 0.0
        self.errors: dict[str, str] = {}
        self._missing: dict[str, float] = {}
        self._probe: Transport | None = None
        self._pending: Future[None] | None = None  # the running refresh
        self._lock = threading.Lock()
        # The thread and its loop start at the first scrape (many apps are built in tests, few scraped).
        self._loop: asyncio.AbstractEventLoop | None = None

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            threading.Thread(target=self._loop.run_forever, name="genius-queue-depth", daemon=True).start()
        return self._loop

    def current(self, *, wait: float = WAIT_SECONDS, ttl: float = TTL_SECONDS) -> dict[QueueRef, int]:
        """Depth per queue, at most ``ttl`` seconds old if the probe answers within ``wait``."""
        with self._lock:
            if time.monotonic() - self.read_at < ttl:
                return dict(self.readings)
            pending = self._pending
            if pending is None or pending.done():
                pending = self._pending = asyncio.run_coroutine_threadsafe(
                    self._refresh(), self._running_loop()
                )
        try:
            pending.result(timeout=wait)
        except FutureTimeout:
            log.warning("queue depth: the transport did not answer within %.1fs; last reading served", wait)
        except Exception:  # logged; the scrape still answers with the last reading
            log.exception("queue depth: refresh failed")
        with self._lock:
            return dict(self.readings)

    async def _refresh(self) -> None:
        if self._probe is None:
            self._probe = sibling(self.source)
            if self._probe is None:
                return
            await self._probe.start()
        readings: dict[QueueRef, int] = {}
        errors: dict[str, str] = {}
        now = time.monotonic()
        for ref in self.queues():
            if now < self._missing.get(ref.queue, 0.0):
                continue
            try:
                readings[ref] = await self._probe.queue_depth(ref.queue)
            except Exception as exc:  # one queue's failure must not hide the others
                if _not_found(exc):
                    self._missing[ref.queue] = now + MISSING_RECHECK_SECONDS
                    continue
                errors[ref.queue] = repr(exc)
                log.warning("queue depth of %s: %r", ref.queue, exc)
        with self._lock:
            self.readings, self.errors, self.read_at = readings, errors, time.monotonic()

    def close(self) -> None:
        async def shut() -> None:
            if self._probe is not None:
                await self._probe.close()

        with self._lock:
            loop, self._loop = self._loop, None
        if loop is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(shut(), loop).result(timeout=5)
        except Exception:  # closing a probe never fails its caller
            log.debug("queue depth: probe close failed", exc_info=True)
        loop.call_soon_threadsafe(loop.stop)


def _not_found(exc: BaseException) -> bool:
    # RabbitMQ answers a passive declare of an absent queue with 404 NOT_FOUND (channel closed).
    return "NOT_FOUND" in repr(exc) or type(exc).__name__ == "ChannelNotFoundEntity"


class QueueDepthCollector(Collector):
    """The ``genius_bus_queue_depth`` gauge, read from the watched probe at each scrape."""

    def __init__(self) -> None:
        self.probe: DepthProbe | None = None

    def describe(self) -> Iterable[GaugeMetricFamily]:
        return [_family()]

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = _family()
        probe = self.probe
        if probe is not None:
            for ref, depth in sorted(probe.current().items(), key=lambda kv: kv[0].queue):
                family.add_metric([ref.queue, ref.tag, ref.kind], depth)
        yield family


def _family() -> GaugeMetricFamily:
    return GaugeMetricFamily(
        METRIC,
        "Messages waiting in a queue (worker.<tag> or a subscriber's), as the transport counts them",
        labels=["queue", "tag", "kind"],
    )


COLLECTOR = QueueDepthCollector()
REGISTRY.register(COLLECTOR)


def watch(bus: Bus, subscribers: Callable[[], Iterable[SubscriberFactory]] = lambda: ()) -> DepthProbe:
    """Report the depth of ``bus``'s queues on /metrics (the latest call wins, one per process).

    ``subscribers`` gives the app subscriber factories (``bootstrap.subscriber_factories``); their
    queue names are learnt once, at the first scrape, by building each consumer (nothing starts).
    """
    known: list[QueueRef] | None = None

    def queues() -> list[QueueRef]:
        nonlocal known
        if known is None:
            made = [f(bus.transport, bus.databases, bus.tenant_resolver) for f in subscribers()]
            names = sorted({c.spec.name for c in made})
            known = worker_refs() + [QueueRef(n, n, "subscriber") for n in names]
        return known

    previous, COLLECTOR.probe = COLLECTOR.probe, DepthProbe(bus.transport, queues)
    if previous is not None:
        previous.close()
    return COLLECTOR.probe
