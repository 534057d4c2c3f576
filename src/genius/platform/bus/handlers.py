"""Exactly-once handlers: run an effect in a unit of work on the message's tenant, guarded by the inbox.

    def on_invoice_issued(uow: UnitOfWork, event: InvoiceIssued, delivery: Delivery) -> None:
        uow.connection.execute(...)          # the effect
        uow.publish(CustomerBilled(...))     # follow-up events commit with it

    consumer = Consumer(transport, "crm.on-invoice", {
        "sales.invoice.issued": transactional(
            databases, "crm.on-invoice", on_invoice_issued, tenants=resolver
        ),
    })

The inbox row, the effect and any follow-up events commit in one transaction; a redelivered
message finds its inbox row and does nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection

from genius.platform.bus.catalogue import CATALOGUE, Catalogue
from genius.platform.bus.consumer import Unprocessable
from genius.platform.bus.inbox import handle_once_many
from genius.platform.bus.tracing import handling
from genius.platform.bus.transport import Delivery
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext, TenantDatabases, TenantNotFound, TenantRegistry

Effect = Callable[[UnitOfWork, Any, Delivery], None]
TenantResolver = Callable[[str], TenantContext]


class RegistryTenants:
    """Resolves a message's ``tenant`` (slug) to a system TenantContext, cached."""

    def __init__(self, registry: TenantRegistry) -> None:
        self._registry = registry
        self._cache: dict[str, TenantContext] = {}
        self._lock = threading.Lock()

    def __call__(self, slug: str) -> TenantContext:
        with self._lock:
            found = self._cache.get(slug)
        if found is None:
            tenant = self._registry.get(slug)  # raises TenantNotFound for an unknown tenant
            found = TenantContext(tenant_id=tenant.id, slug=tenant.slug, system=True)
            with self._lock:
                self._cache[slug] = found
        return found


class Transactional:
    """A sync handler that applies ``effect`` once per event id for ``consumer_name``.

    The event data is decoded into its registered data class (by type and dataschema version);
    data that does not fit its schema can never succeed, so it is ``Unprocessable``. ``batch``
    handles several deliveries of one tenant in one transaction (the Consumer falls back to one
    by one when a batch fails, so one bad message does not hold back the others).
    """

    def __init__(
        self,
        databases: TenantDatabases,
        consumer_name: str,
        effect: Effect,
        tenants: TenantResolver,
        catalogue: Catalogue,
    ) -> None:
        self.databases = databases
        self.consumer_name = consumer_name
        self.effect = effect
        self.tenants = tenants
        self.catalogue = catalogue
        # (type, dataschema) -> its registered message type: looked up once, not per message.
        self._specs: dict[tuple[str, str | None], Any] = {}

    def _decode(self, delivery: Delivery) -> Any:
        env = delivery.envelope
        assert env is not None  # the Consumer dead-letters invalid envelopes before this
        try:
            key = (env.type, env.dataschema)
            spec = self._specs.get(key)
            if spec is None:
                spec = self.catalogue.get(env.type, self.catalogue.version_of_schema(env.dataschema))
                self._specs[key] = spec
            return spec.decode(env.data)
        except Exception as exc:
            raise Unprocessable(f"{env.type}: {exc}") from exc

    def __call__(self, delivery: Delivery) -> None:
        self.batch([delivery])

    def batch(self, deliveries: Sequence[Delivery]) -> None:
        messages = [self._decode(d) for d in deliveries]
        tenant = deliveries[0].envelope.tenant  # type: ignore[union-attr]
        envelopes = [d.envelope for d in deliveries]
        assert all(e is not None and e.tenant == tenant for e in envelopes)
        try:
            context = self.tenants(tenant)
        except TenantNotFound as exc:  # a deleted tenant's message can never be applied
            raise Unprocessable(f"tenant {tenant!r}: {exc.message}") from exc
        with UnitOfWork(self.databases, tenant=context) as uow:
            first_time = handle_once_many(uow.connection, self.consumer_name, [e.id for e in envelopes])  # type: ignore[union-attr]
            with _pipelined(uow.connection, batch=len(deliveries) > 1):
                self._apply(uow, deliveries, messages, first_time)

    def _apply(
        self, uow: UnitOfWork, deliveries: Sequence[Delivery], messages: list[Any], first_time: set[str]
    ) -> None:
        for delivery, message in zip(deliveries, messages, strict=True):
            env = delivery.envelope
            assert env is not None
            if env.id not in first_time:
                continue  # a redelivery: the effect is already committed
            first_time.discard(env.id)  # the same event twice in one batch takes effect once
            if len(deliveries) == 1:  # the Consumer already runs a single delivery in its trace
                self.effect(uow, message, delivery)
                continue
            with handling(env.type, env.id, env.correlationid, env.traceparent, env.tracestate):
                self.effect(uow, message, delivery)


@contextmanager
def _pipelined(conn: Connection, *, batch: bool) -> Iterator[None]:
    """The effects of a batch on PostgreSQL in psycopg's pipeline mode: each statement is sent
    without waiting for the previous one's answer, so a batch of N effects no longer waits N round
    trips (each a scheduling of the server process on a busy machine: ~1 ms at load 10). An error
    surfaces at a later statement or at the end of the block (then as psycopg's own exception)
    instead of at its statement, and fails the whole batch: the Consumer then runs each message
    alone, outside pipeline mode, as before. A lone message, and SQLite, run as they are.
    """
    driver = conn.connection.driver_connection if batch and conn.dialect.name == "postgresql" else None
    pipeline = getattr(driver, "pipeline", None)
    if pipeline is None:
        yield
        return
    with pipeline():
        yield


def transactional(
    databases: TenantDatabases,
    consumer_name: str,
    effect: Effect,
    *,
    tenants: TenantResolver,
    catalogue: Catalogue = CATALOGUE,
) -> Transactional:
    """The exactly-once handler of ``effect`` (see ``Transactional``)."""
    return Transactional(databases, consumer_name, effect, tenants, catalogue)
