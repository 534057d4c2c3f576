"""Pre-validation beside the writer in one pass over the rows: every record the writer pulls is handed
to ``prevalidate`` running in a thread, so the database is read and the records are built once.

``prevalidate`` and ``write_d406`` both pull their input (iterables read once); two pulls of one
cursor need two threads or two queries. A second query doubled the export's time (each pass reads
and maps a million rows), so the writer drives the single cursor and a ``Tee`` copies what it
reads into a bounded channel the pre-validator's iterables read from, in the same order (journals
and their transactions, sales invoices, payments). The channel holds at most ``MAX_BATCHES`` of
``BATCH`` records, so memory stays flat; a slow side makes the other wait.

Nothing is published before the pre-validation has finished: the caller discards the output when
it reports errors, exactly as when the writer's totals disagree.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from genius.fiscal.ro.saft.model import Journal

BATCH = 256  # records per hand-over (a lock round trip per record would cost more than the check)
MAX_BATCHES = 16
_END = object()  # end of a journal's transactions, of a section
_ABORT = object()  # the writer stopped early: the pre-validation ends without a result
_S = TypeVar("_S")


class Aborted(Exception):
    """The writer side stopped; the pre-validation thread ends quietly."""


class Tee:
    """Wraps the writer's iterables; ``run(check)`` runs ``check`` on the copies in a thread."""

    def __init__(self) -> None:
        self._channel: queue.Queue[list[Any]] = queue.Queue(MAX_BATCHES)
        self._pending: list[Any] = []
        self._thread: threading.Thread | None = None
        self._result: Any = None
        self._error: BaseException | None = None
        self._items: Iterator[Any] = self._received()
        self._current: Iterator[Any] | None = None  # the journal's transactions being written

    # -- writer side -------------------------------------------------------------------------------
    def _push(self, item: Any) -> None:
        self._pending.append(item)
        if len(self._pending) >= BATCH or item is _END or item is _ABORT:
            self._flush()

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        while True:
            thread = self._thread
            if thread is None or not thread.is_alive():
                return  # the check has ended (finished or failed): nobody reads any more
            try:
                self._channel.put(batch, timeout=0.5)
                return
            except queue.Full:
                continue

    def journals(self, source: Iterable[Journal]) -> Iterator[Journal]:
        for journal in source:
            self._push(("journal", journal.journal_id, journal.description, journal.journal_type))
            yield Journal(
                journal.journal_id, journal.description, journal.journal_type, self.each(journal.transactions)
            )
        self._push(_END)

    def each(self, source: Iterable[_S]) -> Iterator[_S]:
        for record in source:
            self._push(record)
            yield record
        self._push(_END)

    def abort(self) -> None:
        self._push(_ABORT)

    def drain(self, *sources: Iterator[Any]) -> None:
        """Run what the writer left unfinished to its end, so the check sees every record.

        After the writer stopped early (an input error) the check still gets the whole period and
        can name every problem; the journal being written is finished first, in order.
        """
        if self._current is not None:
            for _ in self._current:
                pass
        for source in sources:
            for item in source:
                if isinstance(item, Journal):
                    for _ in item.transactions:
                        pass

    # -- checking side -----------------------------------------------------------------------------
    def _received(self) -> Iterator[Any]:
        while True:
            for item in self._channel.get():
                if item is _ABORT:
                    raise Aborted
                yield item

    def copied_journals(self) -> Iterator[Journal]:
        for item in self._items:
            if item is _END:
                return
            _, journal_id, description, journal_type = item
            yield Journal(journal_id, description, journal_type, self.copied())

    def copied(self) -> Iterator[Any]:
        for item in self._items:
            if item is _END:
                return
            yield item

    def run(self, check: Callable[[], Any]) -> None:
        def target() -> None:
            try:
                self._result = check()
            except Aborted:
                pass
            except BaseException as exc:  # reported to the caller by result()
                self._error = exc

        self._thread = threading.Thread(target=target, name="d406-prevalidate", daemon=True)
        self._thread.start()

    def result(self) -> Any:
        """Wait for the check (after the writer finished or aborted) and return what it returned."""
        assert self._thread is not None
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._result
