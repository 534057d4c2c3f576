"""The unit of work apps use: one transaction on the current tenant's database, plus its outbox.

Usage in a command handler::

    with UnitOfWork(platform.databases) as uow:
        uow.connection.execute(invoices.insert().values(...))
        uow.publish(InvoiceIssued(invoice_id=...))
    # committed together: the change and its events (transactional outbox)

A clean exit commits, an exception rolls back (like ``engine.begin()``); ``commit()`` may also be
called explicitly. Writers start with BEGIN IMMEDIATE on SQLite (``SQLITE_IMMEDIATE``), so
concurrent writers queue on the busy timeout instead of failing on lock upgrade. The unit of work
lives in ``db`` because every app uses it for plain writes too; the outbox it fills is the bus's.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from genius.kernel.errors import Conflict
from genius.platform.bus import outbox
from genius.platform.bus.catalogue import CATALOGUE, Catalogue
from genius.platform.bus.envelope import Envelope
from genius.platform.db.engine import SQLITE_IMMEDIATE
from genius.platform.tenancy import TenantContext, TenantDatabases, current_tenant


class UnitOfWork:
    """A transaction on one tenant's database whose ``publish``ed events commit with it."""

    def __init__(
        self,
        databases: TenantDatabases | None = None,
        *,
        engine: Engine | None = None,
        tenant: TenantContext | None = None,
        write: bool = True,
        catalogue: Catalogue = CATALOGUE,
    ) -> None:
        if databases is None and engine is None:
            raise ValueError("UnitOfWork needs the tenant databases or an engine")
        self._databases = databases
        self._engine = engine
        self._tenant = tenant
        self._write = write
        self._catalogue = catalogue
        self._connection: Connection | None = None
        self._session: Session | None = None
        self._pending: list[tuple[Envelope, str | None]] = []
        self._done = False
        self.tenant: TenantContext | None = None
        self.published: list[Envelope] = []

    # -- lifecycle -----------------------------------------------------------------------------
    def __enter__(self) -> UnitOfWork:
        self.tenant = self._tenant or current_tenant()
        engine = self._engine or self._databases.engine_for_slug(self.tenant.slug)  # type: ignore[union-attr]
        conn = engine.connect()
        if self._write:
            conn = conn.execution_options(**{SQLITE_IMMEDIATE: True})
        self._connection = conn
        conn.begin()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if exc_type is None and not self._done:
                self.commit()
            elif not self._done:
                self.rollback()
        finally:
            self._close()

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise Conflict("the unit of work is not open: use it in a `with` block", code="uow_not_open")
        return self._connection

    @property
    def session(self) -> Session:
        """An ORM session joined to this transaction (its commit does not end the unit of work)."""
        if self._session is None:
            self._session = Session(bind=self.connection, join_transaction_mode="create_savepoint")
        return self._session

    # -- events --------------------------------------------------------------------------------
    def publish(
        self,
        message: Any,
        *,
        correlation_id: str | None = None,
        idempotency_key: str | None = None,
        subject: str | None = None,
        source: str | None = None,
    ) -> Envelope:
        """Queue a registered message for the outbox of this transaction; returns its envelope."""
        envelope = outbox.build_envelope(
            message,
            tenant=self._require_tenant().slug,
            correlation_id=correlation_id,
            idempotency_key=idempotency_key,
            subject=subject,
            source=source,
            catalogue=self._catalogue,
        )
        self._pending.append((envelope, None))
        return envelope

    def publish_envelope(self, envelope: Envelope, *, target_queue: str | None = None) -> None:
        """Queue a ready envelope (a replayed dead letter, a relayed reply) as it is."""
        if envelope.tenant != self._require_tenant().slug:
            raise Conflict(f"envelope of tenant {envelope.tenant!r} in a unit of work of another tenant")
        self._pending.append((envelope, target_queue))

    # -- end -----------------------------------------------------------------------------------
    def commit(self) -> None:
        conn = self.connection
        if self._session is not None:
            self._session.flush()
        for target in {t for _, t in self._pending}:
            outbox.write(conn, [e for e, t in self._pending if t == target], target_queue=target)
        conn.commit()
        self._done = True
        self.published = [e for e, _ in self._pending]
        self._pending = []
        if self.published:
            outbox.notify_committed(self._require_tenant().slug)

    def rollback(self) -> None:
        if self._connection is not None:
            self._connection.rollback()
        self._pending = []
        self._done = True

    def _close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _require_tenant(self) -> TenantContext:
        if self.tenant is None:
            raise Conflict("the unit of work is not open: use it in a `with` block", code="uow_not_open")
        return self.tenant
