"""The SPV inbound scan: received invoices (``FACTURA PRIMITA``) into the register, each downloaded once.

Run by the ``anaf.efactura`` worker (action ``inbound``, scheduled per tenant). It lists the
tenant's received messages over ANAF's whole retention window (60 days, paged list with filter
``P``); a message whose download id is in ``procurement_spv_messages`` is skipped without any
call, so each message costs one download (ANAF allows 10 a day per message). The ZIP (invoice +
ANAF's signature) is stored in the tenant's storage as received (``procurement/spv/<id>.zip``),
the invoice read by the e-Factura engine (``parse_xml``) and registered as a draft; a document
that cannot be read is recorded ``unreadable`` with the reason (not fetched again). A message hit
by ANAF's daily download limit is left for the next scan.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from genius.apps.procurement import tables as t
from genius.apps.procurement.domain import from_invoice
from genius.apps.procurement.handlers import register_received
from genius.fiscal.ro.efactura.parse import parse_xml
from genius.integrations.anaf import AnafLimitReached, EfacturaClient, MessageFilter, MessageType
from genius.kernel.clock import utcnow
from genius.kernel.errors import ValidationError
from genius.platform.db.uow import UnitOfWork
from genius.platform.storage import ObjectStore
from genius.platform.tenancy import TenantContext, TenantDatabases

log = logging.getLogger("genius.procurement.inbound")
RETENTION_DAYS = 60


@dataclass(frozen=True)
class InboundResult:
    received: int  # new register entries
    duplicates: int  # documents already registered (another message of the same invoice)
    unreadable: int
    skipped: int  # messages seen before, or left for the next scan (limits)


def archive_key(download_id: str) -> str:
    return f"procurement/spv/{download_id}.zip"


@dataclass
class InboundScan:
    databases: TenantDatabases
    storage: ObjectStore
    efactura: EfacturaClient
    tenant: TenantContext
    cui: str
    clock: Callable[[], datetime] = utcnow
    days: int = RETENTION_DAYS

    def _seen(self) -> set[str]:
        with self.databases.engine_for_slug(self.tenant.slug).connect() as conn:
            return set(conn.execute(sa.select(t.spv_messages.c.download_id)).scalars())

    def run(self) -> InboundResult:
        now = self.clock()
        start = now - timedelta(days=self.days) + timedelta(minutes=1)
        seen = self._seen()
        received = duplicates = unreadable = skipped = 0
        for message in self.efactura.iter_messages(self.cui, start, now, filter=MessageFilter.RECEIVED):
            if message.kind is not MessageType.RECEIVED_INVOICE or message.id in seen:
                skipped += 1
                continue
            try:
                download = self.efactura.download(message.id)
            except AnafLimitReached as exc:
                log.warning("inbound message %s left for the next scan: %s", message.id, exc.message)
                skipped += 1
                continue
            key = archive_key(message.id)
            self.storage.put(self.tenant.slug, key, download.archive, "application/zip")
            try:
                entry = from_invoice(parse_xml(download.content))
            except ValidationError as exc:  # ParseError and a supplier without CUI are ValidationErrors
                with UnitOfWork(self.databases, tenant=self.tenant) as uow:
                    self._seen_row(
                        uow, message.id, message.upload_index, "unreadable", None, key, exc.message
                    )
                unreadable += 1
                continue
            with UnitOfWork(self.databases, tenant=self.tenant) as uow:
                done = register_received(
                    uow,
                    entry,
                    download.content,
                    now=self.clock(),
                    download_id=message.id,
                    upload_index=message.upload_index or None,
                    archive_key=key,
                )
                state = "registered" if done.created else "duplicate"
                self._seen_row(
                    uow, message.id, message.upload_index, state, done.supplier_invoice_id, key, None
                )
            seen.add(message.id)
            received += done.created
            duplicates += not done.created
        return InboundResult(received, duplicates, unreadable, skipped)

    def _seen_row(
        self,
        uow: UnitOfWork,
        download_id: str,
        upload_index: str,
        state: str,
        entry_id: str | None,
        key: str,
        error: str | None,
    ) -> None:
        uow.connection.execute(
            t.spv_messages.insert().values(
                download_id=download_id,
                upload_index=upload_index or None,
                state=state,
                supplier_invoice_id=entry_id,
                archive_key=key,
                error=error[:2000] if error else None,
                seen_at=self.clock(),
            )
        )


__all__ = ["RETENTION_DAYS", "InboundResult", "InboundScan", "archive_key"]
