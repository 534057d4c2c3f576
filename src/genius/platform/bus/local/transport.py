"""The embedded transport: a durable queue in one SQLite file under the data folder (no broker needed).

Same semantics as RabbitMQ (see ``transport``): topic bindings copy a message into every bound
queue; a consumer *leases* messages (visibility timeout) and keeps the lease alive while it works,
so a crashed consumer's messages come back when the lease runs out; retries wait in the same
table until ``available_at``; dead letters stay in it with ``state = 'dead'``.

Several processes may share the file: every claim is one ``BEGIN IMMEDIATE`` transaction with
``UPDATE .. RETURNING``, so two consumers never lease the same message at once. Within a process
all statements run on one thread (SQLite has one writer anyway) and acks are coalesced.

Lease heartbeats have a connection and a thread of their own: on the shared thread an extension
would queue behind claims, publishes and acks, each of which may wait up to the busy timeout for
another process's write, and a lease could lapse while its consumer still works on the message.
A heartbeat that fails (the file stayed locked past the busy timeout) is tried again at the next
one; the lease outlives two missed beats. A lease can still lapse (a process frozen for longer
than the lease): the message is then delivered again while the first delivery runs, and the
consumer must bear it (inbox for subscribers; the job's run claim for workers,
``genius.platform.jobs.runs``).

Here: the file, topology, publishing, claims and settlement of deliveries. A consumer's lease is
``local/subscription.py``; the dead letters' list/replay/purge ``local/dead_letters.py``.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from genius.platform.bus.catalogue import tag_of
from genius.platform.bus.local import dead_letters as dead
from genius.platform.bus.local.upgrade import upgrade_layout
from genius.platform.bus.local.wake import wake_consumers, wake_folder
from genius.platform.bus.transport import (
    DEFAULT_MAX_DELIVERIES,
    DeadLetter,
    Outgoing,
    QueueSpec,
    Subscription,
    Transport,
    TransportError,
    topic_matches,
    worker_queue,
)

T = TypeVar("T")

# How long a leased message stays invisible to other consumers without a heartbeat.
DEFAULT_LEASE_SECONDS = 30.0
# Idle consumers look for new messages at least this often (other processes cannot wake them).
DEFAULT_POLL_SECONDS = 0.05
SQLITE_BUSY_TIMEOUT_MS = 10_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS queues (name TEXT PRIMARY KEY, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS bindings (
    queue TEXT NOT NULL, pattern TEXT NOT NULL, PRIMARY KEY (queue, pattern)
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL,
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    tenant TEXT NOT NULL,
    body BLOB NOT NULL,
    attempt INTEGER NOT NULL DEFAULT 1,
    deliveries INTEGER NOT NULL DEFAULT 0,
    available_at REAL NOT NULL,
    lease_until REAL,
    lease_owner TEXT,
    state TEXT NOT NULL DEFAULT 'ready',
    last_error TEXT,
    dead_reason TEXT,
    dead_at REAL,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_messages_ready ON messages (queue, state, id);
"""


class LocalTransport(Transport):
    """Durable queues in a SQLite file; see the module docstring."""

    name = "local"

    def __init__(
        self,
        path: Path,
        *,
        max_deliveries: int = DEFAULT_MAX_DELIVERIES,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        poll_seconds: float = DEFAULT_POLL_SECONDS,
    ) -> None:
        self.path = Path(path)
        self.max_deliveries = max_deliveries
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self._executor: ThreadPoolExecutor | None = None
        self._db: sqlite3.Connection | None = None
        # Lease heartbeats: a connection and a thread of their own (see the module docstring).
        self._keeper: ThreadPoolExecutor | None = None
        self._keeper_db: sqlite3.Connection | None = None
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._waiters_lock = threading.Lock()
        self._declared_workers: set[str] = set()
        self.wake_folder = wake_folder(self.path)  # consumers in other processes (local/wake.py)
        self.own_sockets: set[str] = set()  # this transport's consumers' sockets: woken by their events

    # -- plumbing ------------------------------------------------------------------------------
    async def start(self) -> None:
        if self._executor is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="genius-local-bus")
        self._keeper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="genius-local-bus-leases")
        await self._run(self._open)

    def _open(self) -> None:
        db = self._connect()
        db.executescript(SCHEMA)
        upgrade_layout(db)  # files written by an older release: renamed worker tags
        self._db = db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # committed = survives a process crash (WAL)
        db.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        return db

    async def close(self) -> None:
        if self._executor is None:
            return
        await self._run(self._close_db)
        self._executor.shutdown(wait=True)
        self._executor = None
        if self._keeper is not None:
            keeper, self._keeper = self._keeper, None
            await asyncio.get_running_loop().run_in_executor(keeper, self._close_keeper_db)
            keeper.shutdown(wait=True)

    def _close_db(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _close_keeper_db(self) -> None:
        if self._keeper_db is not None:
            self._keeper_db.close()
            self._keeper_db = None

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        if self._executor is None:
            raise TransportError("the local transport is not started")
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def _write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        db = self._db
        assert db is not None
        db.execute("BEGIN IMMEDIATE")
        try:
            result = fn(db)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return result

    def _wake(self) -> None:
        with self._waiters_lock:
            waiters = list(self._waiters)
        for loop, event in waiters:
            if not loop.is_closed():
                loop.call_soon_threadsafe(event.set)

    # -- topology ------------------------------------------------------------------------------
    async def declare(self, spec: QueueSpec) -> None:
        def work(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT OR IGNORE INTO queues (name, created_at) VALUES (?, ?)", (spec.name, time.time())
            )
            db.executemany(
                "INSERT OR IGNORE INTO bindings (queue, pattern) VALUES (?, ?)",
                [(spec.name, p) for p in spec.patterns],
            )

        await self._run(self._write, work)

    # -- publish -------------------------------------------------------------------------------
    async def publish(self, messages: Sequence[Outgoing]) -> list[bool]:
        for message in messages:
            tag = tag_of(message.envelope.type)
            if (
                tag
                and message.envelope.type.startswith("worker.request.")
                and tag not in self._declared_workers
            ):
                # A command must wait for its worker even if the worker has not started yet.
                await self.declare(worker_queue(tag))
                self._declared_workers.add(tag)
        queues = await self._run(self._write, lambda db: self._insert(db, messages))
        self._wake()
        wake_consumers(self.wake_folder, queues, skip=self.own_sockets)
        return [True] * len(messages)

    def _insert(self, db: sqlite3.Connection, messages: Sequence[Outgoing]) -> set[str]:
        """Copy ``messages`` into their queues; returns the queues written to."""
        bindings = db.execute("SELECT queue, pattern FROM bindings").fetchall()
        queues = {row[0] for row in db.execute("SELECT name FROM queues")}
        now = time.time()
        rows = []
        for message in messages:
            env = message.envelope
            if message.target_queue is not None:
                if message.target_queue not in queues:
                    raise TransportError(f"queue {message.target_queue!r} does not exist")
                targets = {message.target_queue}
            else:
                targets = {q for q, p in bindings if topic_matches(p, env.type)}
            body = env.to_json()
            rows += [(q, env.id, env.type, env.tenant, body, now, now) for q in sorted(targets)]
        db.executemany(
            "INSERT INTO messages (queue, event_id, type, tenant, body, available_at, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        return {row[0] for row in rows}

    # -- consume -------------------------------------------------------------------------------
    async def subscribe(self, queue: str, *, prefetch: int) -> Subscription:
        from genius.platform.bus.local.subscription import LocalSubscription

        if prefetch < 1:
            raise TransportError("prefetch must be at least 1")
        known = await self._run(
            lambda: self._db.execute("SELECT 1 FROM queues WHERE name = ?", (queue,)).fetchone()
        )  # type: ignore[union-attr]
        if known is None:
            raise TransportError(f"queue {queue!r} is not declared")
        return LocalSubscription(self, queue, prefetch)

    def _claim(self, queue: str, owner: str, limit: int) -> list[tuple[Any, ...]]:
        now = time.time()

        def work(db: sqlite3.Connection) -> list[tuple[Any, ...]]:
            rows = db.execute(
                "UPDATE messages SET lease_until = ?, lease_owner = ?, deliveries = deliveries + 1"
                " WHERE id IN (SELECT id FROM messages WHERE queue = ? AND state = 'ready'"
                " AND available_at <= ? AND (lease_until IS NULL OR lease_until <= ?) ORDER BY id LIMIT ?)"
                " RETURNING id, body, attempt, deliveries",
                (now + self.lease_seconds, owner, queue, now, now, limit),
            ).fetchall()
            over = [r[0] for r in rows if r[3] > self.max_deliveries]
            if over:
                # It crashed its consumer max_deliveries times: park it (quorum x-delivery-limit).
                db.executemany(
                    "UPDATE messages SET state = 'dead', dead_reason = ?, dead_at = ?, lease_until = NULL,"
                    " lease_owner = NULL WHERE id = ?",
                    [(f"delivery limit {self.max_deliveries} reached", now, i) for i in over],
                )
            return sorted((r for r in rows if r[3] <= self.max_deliveries), key=lambda r: r[0])

        return self._write(work)

    async def extend(self, ids: Sequence[int], owner: str) -> int:
        """Push the leases of ``owner`` on ``ids`` forward (its own thread); how many it still held."""
        if self._keeper is None:
            raise TransportError("the local transport is not started")
        return await asyncio.get_running_loop().run_in_executor(self._keeper, self._extend, ids, owner)

    def _extend(self, ids: Sequence[int], owner: str) -> int:
        if self._keeper_db is None:
            self._keeper_db = self._connect()
        db = self._keeper_db
        db.execute("BEGIN IMMEDIATE")
        try:
            # The deadline from when the write got the lock, not from when it was asked for.
            until = time.time() + self.lease_seconds
            held = sum(
                db.execute(
                    "UPDATE messages SET lease_until = ? WHERE id = ? AND lease_owner = ?", (until, i, owner)
                ).rowcount
                for i in ids
            )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return held

    def _ack(self, ids: Sequence[int]) -> None:
        self._write(lambda db: db.executemany("DELETE FROM messages WHERE id = ?", [(i,) for i in ids]))

    def _retry(self, row_id: int, delay: float, error: str) -> None:
        self._write(
            lambda db: db.execute(
                "UPDATE messages SET attempt = attempt + 1, available_at = ?, lease_until = NULL,"
                " lease_owner = NULL, last_error = ? WHERE id = ?",
                (time.time() + delay, error[:2000], row_id),
            )
        )

    def _dead(self, row_id: int, reason: str) -> None:
        self._write(
            lambda db: db.execute(
                "UPDATE messages SET state = 'dead', dead_reason = ?, dead_at = ?, lease_until = NULL,"
                " lease_owner = NULL WHERE id = ?",
                (reason[:2000], time.time(), row_id),
            )
        )

    def _release(self, ids: Sequence[int], owner: str) -> None:
        # Not the consumer's fault (shutdown): the delivery does not count toward the limit.
        self._write(
            lambda db: db.executemany(
                "UPDATE messages SET lease_until = NULL, lease_owner = NULL, deliveries = deliveries - 1"
                " WHERE id = ? AND lease_owner = ?",
                [(i, owner) for i in ids],
            )
        )

    # -- dead letters (local/dead_letters.py) ---------------------------------------------------
    async def dead_letters(
        self,
        *,
        queue: str | None = None,
        tenant: str | None = None,
        type: str | None = None,
        limit: int = 100,
    ) -> list[DeadLetter]:
        return await self._run(dead.letters, self._db, queue, tenant, type, limit)

    async def replay(
        self,
        queue: str,
        event_ids: Sequence[str] | None = None,
        *,
        tenant: str | None = None,
        type: str | None = None,
    ) -> list[str]:
        replayed = await self._run(self._write, lambda db: dead.replay(db, queue, event_ids, tenant, type))
        self._wake()
        return replayed

    async def purge(
        self,
        queue: str,
        event_ids: Sequence[str] | None = None,
        *,
        tenant: str | None = None,
        type: str | None = None,
    ) -> list[str]:
        return await self._run(self._write, lambda db: dead.purge(db, queue, event_ids, tenant, type))

    async def queue_depth(self, queue: str) -> int:
        row = await self._run(
            lambda: self._db.execute(  # type: ignore[union-attr]
                "SELECT count(*) FROM messages WHERE queue = ? AND state = 'ready'", (queue,)
            ).fetchone()
        )
        return int(row[0])
