"""The consumer runtime: one queue, a handler per type (or topic pattern), bounded concurrency, retries.

A ``Consumer`` is what subscribers and, later, the worker runtime sit on::

    consumer = Consumer(transport, "crm.on-invoice", {"sales.invoice.issued": on_invoice_issued})
    await consumer.start()
    ...
    await consumer.stop(grace=10)   # finishes in-flight work or hands it back to the queue

Outcomes of one delivery: the handler returns -> ack; raises ``Unprocessable`` (or the message is
not a valid envelope / has no handler) -> dead letters at once; raises anything else -> a delayed
retry with exponential backoff and jitter, and the dead letters once ``max_attempts`` is reached.
Handlers may be coroutines or plain functions (run on the consumer's own thread pool, so sync
database work does not block the event loop). Effects are made exactly-once by the handler
recording the event id in its inbox (``handle_once`` / ``transactional``).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from genius.kernel.clock import utcnow
from genius.kernel.errors import GeniusError
from genius.platform.bus import metrics
from genius.platform.bus.tracing import handling
from genius.platform.bus.transport import (
    Delivery,
    QueueSpec,
    RetryPolicy,
    Subscription,
    Transport,
    TransportError,
    topic_matches,
    worker_queue,
)

log = logging.getLogger("genius.bus.consumer")

Handler = Callable[[Delivery], Awaitable[None] | None]
DEFAULT_BATCH_SIZE = 50
# Reconnect delays after the broker went away (seconds), the last one repeating.
RECONNECT_DELAYS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0)


class Unprocessable(GeniusError):
    """Raised by a handler for a message that can never succeed: dead letters without retries."""

    code = "unprocessable_message"


class Consumer:
    """Consumes one durable queue; see the module docstring."""

    def __init__(
        self,
        transport: Transport,
        name: str,
        handlers: Mapping[str, Handler],
        *,
        queue: QueueSpec | None = None,
        concurrency: int = 8,
        prefetch: int | None = None,
        retry: RetryPolicy | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        if not handlers:
            raise ValueError("a consumer needs at least one handler")
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.transport = transport
        self.name = name
        self.handlers = dict(handlers)
        self.spec = queue or QueueSpec(name, tuple(self.handlers))
        self.concurrency = concurrency
        # Prefetch bounds what the broker pushes ahead (backpressure); a little over concurrency
        # keeps handlers busy while acks travel, plus room for one batch.
        self.prefetch = prefetch or concurrency * 2 + batch_size
        self.retry_policy = retry or RetryPolicy()
        # Handlers with a ``batch`` method (``transactional``) take up to this many waiting
        # messages of one tenant in one transaction; batches form only from messages already
        # waiting, so a lone message is not delayed. While a batch of a (handler, tenant) runs, what
        # arrives waits and goes in its next one, so batches grow with the load (one transaction
        # and one ack for many messages) instead of many small transactions queueing on the same
        # tenant database; only a full waiting batch starts beside a running one (a backlog, where
        # overlapping transactions help a PostgreSQL tenant), up to ``concurrency``.
        self.batch_size = max(1, batch_size)
        self._waiting: dict[tuple[int, str], list[Delivery]] = {}
        self._running: dict[tuple[int, str], int] = {}
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix=f"consumer-{name}")
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        self._pump_task: asyncio.Task[None] | None = None
        self._subscription: Subscription | None = None
        self._stopping = False
        self.handled = 0

    @classmethod
    def for_worker(cls, transport: Transport, tag: str, handler: Handler, **options: Any) -> Consumer:
        """A consumer of ``worker.request.<tag>`` on the queue ``worker.<tag>``."""
        spec = worker_queue(tag)
        return cls(transport, spec.name, {spec.patterns[0]: handler}, queue=spec, **options)

    # -- lifecycle -----------------------------------------------------------------------------
    async def start(self) -> None:
        await self.transport.declare(self.spec)
        self._pump_task = asyncio.create_task(self._pump(), name=f"consumer:{self.name}")

    async def stop(self, grace: float = 10.0) -> None:
        """Stop taking messages; wait ``grace`` seconds for in-flight ones, hand the rest back."""
        self._stopping = True
        # 1. take nothing new; 2. let in-flight work finish and ack on the still-open
        # subscription; 3. hand back what did not finish; 4. close, which returns the rest.
        if self._pump_task is not None:
            self._pump_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump_task
        if self._tasks:
            _done, unfinished = await asyncio.wait(set(self._tasks), timeout=grace)
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
        if self._subscription is not None:
            await self._subscription.close()
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def __aenter__(self) -> Consumer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- the loop ------------------------------------------------------------------------------
    async def _pump(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                # Waiting deliveries of a lost subscription come back from the broker.
                self._waiting.clear()
                self._subscription = await self.transport.subscribe(self.spec.name, prefetch=self.prefetch)
                while not self._stopping:
                    deliveries = await self._subscription.take(self.batch_size)
                    if not deliveries:
                        break
                    failures = 0
                    groups, singles = self._groups(deliveries)
                    for key, group in groups.items():
                        self._waiting.setdefault(key, []).extend(group)
                        self._next_batch(self._subscription, key)
                    for single in singles:
                        await self._slots.acquire()
                        self._spawn(self._process_group(self._subscription, single))
                if self._stopping:
                    return
            except asyncio.CancelledError:
                raise
            except (TransportError, OSError, ConnectionError) as exc:
                log.warning("consumer %s lost its subscription: %s", self.name, exc)
            except Exception as exc:  # aiormq/aio-pika connection errors have no common root
                log.warning("consumer %s: subscription failed: %r", self.name, exc)
            if self._subscription is not None:
                with contextlib.suppress(Exception):
                    await self._subscription.close()
            await asyncio.sleep(RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)])
            failures += 1

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _next_batch(self, subscription: Subscription, key: tuple[int, str]) -> None:
        """Start batches of ``key``: one if none runs, more only for full batches waiting."""
        while True:
            waiting = self._waiting.get(key)
            running = self._running.get(key, 0)
            if self._stopping or subscription is not self._subscription or not waiting:
                return
            if running and (running >= self.concurrency or len(waiting) < self.batch_size):
                return  # a running batch starts the next one when it ends
            group, self._waiting[key] = waiting[: self.batch_size], waiting[self.batch_size :]
            self._running[key] = running + 1
            self._spawn(self._run_batch(subscription, key, group))

    async def _run_batch(
        self, subscription: Subscription, key: tuple[int, str], group: list[Delivery]
    ) -> None:
        try:
            await self._slots.acquire()  # the consumer's concurrency bounds batches too
            await self._process_group(subscription, group)  # releases the slot
        finally:
            self._running[key] -= 1
            if not self._running[key]:
                del self._running[key]
            if self._subscription is not None:  # after a reconnect, the new subscription's waiting ones
                self._next_batch(self._subscription, key)

    def _groups(
        self, deliveries: list[Delivery]
    ) -> tuple[dict[tuple[int, str], list[Delivery]], list[list[Delivery]]]:
        """Deliveries one batch-capable handler can take in one transaction (same tenant), by
        (handler, tenant); and the others, one by one."""
        groups: dict[tuple[int, str], list[Delivery]] = {}
        singles: list[list[Delivery]] = []
        for delivery in deliveries:
            env = delivery.envelope
            handler = self._route(env.type) if env is not None else None
            if env is None or handler is None or not hasattr(handler, "batch") or self.batch_size == 1:
                singles.append([delivery])
            else:
                groups.setdefault((id(handler), env.tenant), []).append(delivery)
        return groups, singles

    async def _process_group(self, subscription: Subscription, group: list[Delivery]) -> None:
        try:
            if len(group) > 1 and await self._try_batch(subscription, group):
                return
            for delivery in group:
                await self._process(subscription, delivery)
        finally:
            self._slots.release()

    async def _try_batch(self, subscription: Subscription, group: list[Delivery]) -> bool:
        """One transaction for the group; False (nothing done) sends each through the single path."""
        env = group[0].envelope
        assert env is not None
        handler: Any = self._route(env.type)
        started = time.perf_counter()
        try:
            ctx = contextvars.copy_context()
            await asyncio.get_running_loop().run_in_executor(self._pool, ctx.run, handler.batch, group)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # one bad message spoils the batch: isolate it message by message
            log.info("consumer %s: batch of %d failed (%r); handling one by one", self.name, len(group), exc)
            return False
        elapsed = (time.perf_counter() - started) / len(group)
        now = utcnow()
        by_type: dict[str, list[Delivery]] = {}
        for delivery in group:
            d_env = delivery.envelope
            assert d_env is not None
            try:
                await subscription.ack(delivery)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # connection lost: the broker redelivers, the inbox absorbs
                log.warning("consumer %s could not ack %s: %r", self.name, d_env.id, exc)
                continue
            by_type.setdefault(d_env.type, []).append(delivery)
        # Label lookups once per type and group; the histograms still get one sample per message.
        for type_, acked in by_type.items():
            self.handled += len(acked)
            metrics.CONSUMED.labels(self.spec.name, type_, "ok").inc(len(acked))
            processing = metrics.PROCESSING.labels(self.spec.name, type_)
            end_to_end = metrics.END_TO_END.labels(self.spec.name, type_)
            for delivery in acked:
                processing.observe(elapsed)
                end_to_end.observe(max(0.0, (now - delivery.envelope.time).total_seconds()))  # type: ignore[union-attr]
        return True

    async def _process(self, subscription: Subscription, delivery: Delivery) -> None:
        env = delivery.envelope
        type_ = env.type if env is not None else "invalid"
        started = time.perf_counter()
        try:
            if env is None:
                await self._dead(
                    subscription, delivery, type_, f"not a valid envelope: {delivery.decode_error}"
                )
                return
            handler = self._route(env.type)
            if handler is None:
                await self._dead(subscription, delivery, type_, f"no handler for {env.type} in {self.name}")
                return
            try:
                await self._call(handler, delivery)
            except Unprocessable as exc:
                await self._dead(subscription, delivery, type_, f"unprocessable: {exc.message}")
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                await self._failed(subscription, delivery, type_, exc)
                return
            await subscription.ack(delivery)
            self.handled += 1
            metrics.CONSUMED.labels(self.spec.name, type_, "ok").inc()
            metrics.END_TO_END.labels(self.spec.name, type_).observe(
                max(0.0, (utcnow() - env.time).total_seconds())
            )
        except asyncio.CancelledError:
            # Shutdown past the grace period: the message goes back as it was.
            with contextlib.suppress(Exception):
                await asyncio.shield(subscription.release(delivery))
            raise
        except Exception as exc:
            # The transport failed to ack/retry (connection lost): the broker redelivers it.
            log.warning("consumer %s could not settle %s: %r", self.name, env.id if env else "?", exc)
        finally:
            metrics.PROCESSING.labels(self.spec.name, type_).observe(time.perf_counter() - started)

    def _route(self, type_: str) -> Handler | None:
        handler = self.handlers.get(type_)
        if handler is not None:
            return handler
        return next((h for p, h in self.handlers.items() if topic_matches(p, type_)), None)

    async def _call(self, handler: Handler, delivery: Delivery) -> None:
        env = delivery.envelope
        assert env is not None
        if inspect.iscoroutinefunction(handler):
            with handling(env.type, env.id, env.correlationid, env.traceparent, env.tracestate):
                await handler(delivery)  # type: ignore[misc]
            return

        def run() -> None:
            with handling(env.type, env.id, env.correlationid, env.traceparent, env.tracestate):
                handler(delivery)

        ctx = contextvars.copy_context()
        await asyncio.get_running_loop().run_in_executor(self._pool, ctx.run, run)

    async def _failed(
        self, subscription: Subscription, delivery: Delivery, type_: str, exc: Exception
    ) -> None:
        error = f"{type(exc).__name__}: {exc}"
        if delivery.attempt >= self.retry_policy.max_attempts:
            await self._dead(subscription, delivery, type_, f"failed {delivery.attempt} times; last: {error}")
            return
        delay = self.retry_policy.delay(delivery.attempt)
        log.info(
            "consumer %s: %s attempt %d failed (%s); retry in %.1fs",
            self.name,
            type_,
            delivery.attempt,
            error,
            delay,
        )
        await subscription.retry(delivery, delay, error)
        metrics.RETRIES.labels(self.spec.name, type_).inc()
        metrics.CONSUMED.labels(self.spec.name, type_, "retry").inc()

    async def _dead(self, subscription: Subscription, delivery: Delivery, type_: str, reason: str) -> None:
        log.warning("consumer %s: dead-lettering %s: %s", self.name, type_, reason)
        await subscription.dead_letter(delivery, reason)
        metrics.DEAD_LETTERS.labels(self.spec.name, type_).inc()
        metrics.CONSUMED.labels(self.spec.name, type_, "dead").inc()
