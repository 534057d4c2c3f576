"""The HTTP request's own audit record, handed to the first change the request audits.

``AuditMiddleware`` writes one record per state-changing request (``POST /api/v1/...``, the
status). It used to write it after the response, in a transaction of its own: a second commit
and a second turn on the tenant's chain head for every request. Now, for a request with a
verified tenant context, the middleware puts a ``PendingRequestRecord`` in a context variable;
when the request's handler appends its own (successful) record with ``AuditTrail.record_in``,
the request's record is appended right after it, under the same chain-head lock, in the same
transaction: one commit, and the record commits or rolls back with the change it describes.

Its status is the route's declared success status (the answer the request gives once its change
is committed). After the response the middleware compares: the record was committed and the
status sent is the one recorded: done. Otherwise (no audited change, the transaction rolled back,
or the answer turned out different, e.g. a 500 while serializing the answer) the middleware
writes the record itself as before, with the status actually sent; a request then has two
records, the second one the truth about the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.platform.tenancy import TenantContext

_PENDING: ContextVar[PendingRequestRecord | None] = ContextVar("genius_audit_pending_request", default=None)


@dataclass(eq=False)
class PendingRequestRecord:
    """A request's record not yet written; ``entry(status)`` builds it (an ``AuditEntry``)."""

    ctx: TenantContext
    entry: Callable[[int], object]
    expected_status: Callable[[], int]
    status: int | None = None  # the status it was appended with, while its transaction is open
    committed: bool = False

    def take(self, ctx: TenantContext) -> bool:
        """Claim it for a record being appended in ``ctx``'s tenant; False if taken or not ours."""
        if self.status is not None or self.committed or ctx.tenant_id != self.ctx.tenant_id:
            return False
        self.status = self.expected_status()
        return True

    def release(self) -> None:
        """Give a claim back (the record could not be built): the middleware writes it."""
        self.status = None

    def follow(self, conn: Connection) -> None:
        """Learn whether the transaction on ``conn`` that carries the record commits."""
        sa.event.listen(conn, "commit", self._on_commit, once=True)
        sa.event.listen(conn, "rollback", self._on_rollback, once=True)

    def _on_commit(self, _conn: Connection) -> None:
        if self.status is not None:
            self.committed = True

    def _on_rollback(self, _conn: Connection) -> None:
        if not self.committed:
            self.status = None  # a later transaction of the request may carry it again

    def written_as(self, status: int) -> bool:
        """True when the record was committed with the status the request really answered."""
        return self.committed and self.status == status


def pending_request_record() -> PendingRequestRecord | None:
    return _PENDING.get()


@contextmanager
def request_record_pending(record: PendingRequestRecord | None) -> Iterator[PendingRequestRecord | None]:
    """Offer ``record`` to the audited changes made inside the block (None: offer nothing)."""
    token = _PENDING.set(record)
    try:
        yield record
    finally:
        _PENDING.reset(token)


__all__ = ["PendingRequestRecord", "pending_request_record", "request_record_pending"]
