"""The connection and transaction of one issue: planning reads, the locked writes, one round trip.

On PostgreSQL the plan is read inside the writing transaction: plain reads take no lock there
(READ COMMITTED), the series is still locked only from its ``FOR UPDATE`` on, and one
connection spares a pool checkout, a BEGIN and a ROLLBACK per issue. On SQLite a writer holds
the whole file from its ``BEGIN IMMEDIATE``, so the plan is read before, on a connection of its
own, and the write lock is held only for the numbering and the storing.

Round trips under the locks (PostgreSQL): once the series row and the audit chain head are
locked and read, every statement left (series moved on, invoice row, audit rows, head moved,
outbox row) and the COMMIT need no answer, so ``defer_writes`` puts the connection in psycopg's
pipeline mode and they go to the server together, answered once at the COMMIT: one round trip
instead of seven. That matters more than the network time: with several request threads per
process, a thread that waits on I/O gives up the GIL and may wait up to
``sys.getswitchinterval()`` (5 ms) to get it back, and each such wait used to be paid while the
series and the chain head were locked, for every issue of the series. A write that fails
(a constraint) is reported at the COMMIT as the same SQLAlchemy error, and the unit of work
rolls back as before. Reads inside the pipeline would answer nothing, so nothing reads after
``defer_writes`` (SQLAlchemy takes a missing answer for "no rows").

At most ``ISSUING_CONCURRENCY`` issues run at once in a process (``issuing_slot``); the other
request threads wait on a semaphore, blocked, without the GIL. An issue is CPU work in Python
(expansion, computation, UBL, validation: ~5 ms) and one process has one GIL: 8 threads issuing
at once do not go faster than 2, they only slice the GIL eight ways, so the thread holding the
series and chain-head locks gets an eighth of the interpreter and holds them longer, and the
switching costs CPU. Measured with 8 callers on one API process (PostgreSQL, load 2-3, same code
with and without the gate): 78-88 -> 95-124 invoices/s, API-process CPU 11.4-12.8 -> 7.8-8.7 ms per
invoice; with two API processes 80 -> 104/s. Two slots, not one: one issue can wait on the
database (the series lock, held by another process) while the other computes. The API's issuing
routes do not even start more threads than slots (``apps/sales/api/issuing_threads.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy import Connection

from genius.apps.sales.handlers.deps import SalesDeps
from genius.platform.db.uow import UnitOfWork

ISSUING_CONCURRENCY = 2  # issues running at once in one process (see the module docstring)
_SLOTS = threading.BoundedSemaphore(ISSUING_CONCURRENCY)


@contextmanager
def issuing_slot() -> Iterator[None]:
    """Wait for one of the process's issuing slots; hold it for the whole issue."""
    with _SLOTS:
        yield


class IssuingTransaction:
    """The planning reads and the writing unit of work of one issue, on one or two connections."""

    def __init__(self, deps: SalesDeps) -> None:
        self.deps = deps
        self.shared = deps.databases.engine().dialect.name == "postgresql"
        self.uow: UnitOfWork | None = None
        self._pipeline: AbstractContextManager[Any] | None = None

    @contextmanager
    def planning(self) -> Iterator[Connection]:
        if self.shared:
            self.uow = self.deps.uow().__enter__()
            try:
                yield self.uow.connection
            except BaseException as exc:
                self.uow.__exit__(type(exc), exc, exc.__traceback__)
                raise
            return
        with self.deps.databases.engine().connect() as conn:
            yield conn

    @contextmanager
    def writing(self) -> Iterator[UnitOfWork]:
        if self.uow is None:
            uow = self.deps.uow().__enter__()
        else:
            uow, self.uow = self.uow, None  # entered by planning(); leaving commits or rolls back
        try:
            yield uow
            uow.commit()  # in the pipeline when defer_writes began one: the writes + COMMIT, one sync
        except BaseException as exc:
            self._end_pipeline(exc)  # before the rollback; an error of the pipeline is only logged
            uow.__exit__(type(exc), exc, exc.__traceback__)
            raise
        self._end_pipeline(None)
        uow.__exit__(None, None, None)  # committed: closes the connection

    def defer_writes(self, conn: Connection) -> None:
        """From here to the commit, send statements without waiting for their answers
        (PostgreSQL; elsewhere a no-op). Only writes may follow: see the module docstring."""
        if not self.shared or self._pipeline is not None:
            return
        driver = conn.connection.driver_connection
        pipeline = driver.pipeline()  # type: ignore[union-attr]
        pipeline.__enter__()
        self._pipeline = pipeline

    def _end_pipeline(self, exc: BaseException | None) -> None:
        pipeline, self._pipeline = self._pipeline, None
        if pipeline is not None:
            pipeline.__exit__(type(exc) if exc else None, exc, exc.__traceback__ if exc else None)
