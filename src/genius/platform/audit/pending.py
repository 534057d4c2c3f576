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

from collections.abc import Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import Connection, Transaction

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
    # The transaction that carries the record (set by ``follow``): once it has ended without the
    # commit listener firing, it rolled back and the record is free again.
    _carrier: Transaction | None = field(default=None, repr=False)

    def take(self, ctx: TenantContext) -> bool:
        """Claim it for a record being appended in ``ctx``'s tenant; False if taken or not ours."""
        if self.committed or ctx.tenant_id != self.ctx.tenant_id:
            return False
        if self.status is not None:
            carrier = self._carrier
            if carrier is None or carrier.is_active:
                return False  # claimed, and its transaction is still open (or not followed yet)
            # Its transaction rolled back: a later transaction of the request may carry it again.
        self.status = self.expected_status()
        self._carrier = None
        return True

    def release(self) -> None:
        """Give a claim back (the record could not be built): the middleware writes it."""
        self.status = None
        self._carrier = None

    def follow(self, conn: Connection) -> None:
        """Learn whether the transaction on ``conn`` that carries the record commits.

        One listener per request (registering on a connection costs ~20 us; a rollback needs
        none: ``take`` and ``written_as`` see the carrier ended without the commit). It stays
        on the connection after firing, so it compares the committing transaction with the
        carrier: a later transaction on the same connection is not this record's.
        """
        self._carrier = conn.get_transaction()
        sa.event.listen(conn, "commit", self._on_commit)

    def _on_commit(self, conn: Connection) -> None:
        carrier = self._carrier
        if self.status is not None and carrier is not None and conn.get_transaction() is carrier:
            self.committed = True

    def written_as(self, status: int) -> bool:
        """True when the record was committed with the status the request really answered."""
        return self.committed and self.status == status


def pending_request_record() -> PendingRequestRecord | None:
    return _PENDING.get()


class request_record_pending:
    """Offer ``record`` to the audited changes made inside the block (None: offer nothing).

    A class rather than a ``@contextmanager`` generator (a third of the cost): every audited
    request enters one.
    """

    __slots__ = ("_record", "_token")
    _token: Token[PendingRequestRecord | None]

    def __init__(self, record: PendingRequestRecord | None) -> None:
        self._record = record

    def __enter__(self) -> PendingRequestRecord | None:
        self._token = _PENDING.set(self._record)
        return self._record

    def __exit__(self, *_exc: object) -> None:
        _PENDING.reset(self._token)


__all__ = ["PendingRequestRecord", "pending_request_record", "request_record_pending"]
